// The API under test, the fastify/demo way: build the real app from a
// container with test configuration, and drive it with app.inject (no
// socket). The database is the file's own clone (useTestDatabase); Redis and
// the queues are fakes unless a test asks otherwise.
//
//   const api = useTestApi();            // in the file's top level
//   await api.get('/v1/trends?...', api.readKey)
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../config/env.ts';
import { buildApp } from '../../services/api/app.ts';
import { createContainer, type Container } from '../../services/container.ts';
import type { RateLimitRedis } from '../../services/queue/rate-limit-redis.ts';
import type { Db } from '../../services/db/db.ts';
import { createApiKey } from '../../services/keys/store.ts';
import { createLogger } from '../../services/log.ts';
import type { QueueStats, ReadinessCheck } from '../../services/monitoring/ports.ts';
import { useTestDatabase } from './db-fixture.ts';

export const TEST_ADMIN_KEY = 'test-bootstrap-admin-key-0123456789';

export const READY: ReadinessCheck[] = [
  { name: 'postgres', check: async () => {} },
  { name: 'redis', check: async () => {} },
];

export interface BuildOptions {
  env?: Record<string, string>;
  /** Default: fakes that always pass; 'container' for the real PostgreSQL and Redis checks. */
  readinessChecks?: readonly ReadinessCheck[] | 'container';
  queueStats?: QueueStats | null;
  /** A database other than the file's (e.g. one that is down). */
  db?: Db;
  /** Shared request counts in Redis (default: in memory). */
  rateLimitStore?: RateLimitRedis;
}

/** Builds a ready app over `databaseUrl`; the caller closes it (and the container). */
export async function buildTestApi(databaseUrl: string, db: Db, options: BuildOptions = {}): Promise<{ app: FastifyInstance; container: Container }> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, FRAMEWATCH_ADMIN_KEY: TEST_ADMIN_KEY, LOG_LEVEL: 'silent', ...options.env });
  const container = createContainer(config, {
    logger: createLogger('silent', { pretty: false }),
    db: options.db ?? db,
    ...(options.readinessChecks === 'container' ? {} : { readinessChecks: options.readinessChecks ?? READY }),
    queueStats: options.queueStats ?? null,
    // Files share one Redis and their keys share ids: counts stay in memory unless a test brings a store.
    rateLimitStore: options.rateLimitStore ?? null,
  });
  const app = await buildApp(container);
  await app.ready();
  return { app, container };
}

export interface TestApi {
  readonly app: FastifyInstance;
  readonly db: Db;
  readonly url: string;
  readonly container: Container;
  /** A read-scope key created in the test database. */
  readonly readKey: string;
  readonly adminKey: string;
  inject(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
  /** GET with a key (the read key unless given; null for none); the JSON body, failing on a non-2xx answer. */
  get<T = any>(url: string, key?: string | null): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function useTestApi(options: BuildOptions = {}): TestApi {
  const t = useTestDatabase();
  let built: { app: FastifyInstance; container: Container } | null = null;
  let readKey = '';
  beforeAll(async () => {
    built = await buildTestApi(t.url, t.db, options);
    readKey = (await createApiKey(t.db, { name: 'test reader', scope: 'read' })).key;
  });
  afterAll(async () => {
    await built?.app.close();
    // The container did not open the database (it was given t.db), so this closes only what it opened.
    await built?.container.close();
  });
  const need = () => {
    if (!built) throw new Error('the API is built in beforeAll; use it inside tests');
    return built;
  };
  const api: TestApi = {
    get app() {
      return need().app;
    },
    get container() {
      return need().container;
    },
    get db() {
      return t.db;
    },
    get url() {
      return t.url;
    },
    get readKey() {
      return readKey;
    },
    adminKey: TEST_ADMIN_KEY,
    inject({ key, ...options }) {
      const headers = { ...(options.headers ?? {}) } as Record<string, string>;
      const k = key === undefined ? readKey : key;
      if (k !== null) headers.authorization = `Bearer ${k}`;
      return need().app.inject({ ...options, headers });
    },
    async get(url, key) {
      const res = await api.inject({ method: 'GET', url, key });
      if (res.statusCode >= 300) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body}`);
      return res.json();
    },
  };
  return api;
}
