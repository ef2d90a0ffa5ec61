// The composition root: the one place that turns configuration into live
// adapters and hands them to the services. Everything is built lazily, on
// first use, so a command that needs no database (classify) never opens one,
// and close() releases exactly what was opened.
import type { Config } from '../config/env.ts';
import { createDb, type Db } from './db/db.ts';
import { Authenticator } from './keys/authenticator.ts';
import { createLogger, type Logger } from './log.ts';
import type { QueueStats, ReadinessCheck } from './monitoring/ports.ts';
import { postgresReadiness } from './monitoring/readiness.ts';
import { createRedisPing } from './queue/redis-ping.ts';
import { RollupFreshness } from './trends/freshness.ts';
import { TrendsService } from './trends/service.ts';

export interface Container {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Db;
  /** What GET /ready checks: PostgreSQL and Redis. */
  readonly readinessChecks: readonly ReadinessCheck[];
  /**
   * Queue depths for /metrics; null until the queue module provides them
   * (the integrator wires BullMQ's getJobCounts here).
   */
  readonly queueStats: QueueStats | null;
  readonly trends: TrendsService;
  readonly authenticator: Authenticator;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  logger?: Logger;
  db?: Db;
  readinessChecks?: readonly ReadinessCheck[];
  queueStats?: QueueStats | null;
}

export function createContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const closers: Array<() => Promise<void>> = [];
  let logger = overrides.logger;
  let db = overrides.db;
  let readinessChecks = overrides.readinessChecks;
  let trends: TrendsService | undefined;
  let authenticator: Authenticator | undefined;

  const container: Container = {
    config,
    get logger() {
      logger ??= createLogger(config.logLevel);
      return logger;
    },
    get db() {
      if (!db) {
        const created = createDb(config.databaseUrl);
        closers.push(() => created.close());
        db = created;
      }
      return db;
    },
    get readinessChecks() {
      if (!readinessChecks) {
        const redis = createRedisPing(config.redisUrl);
        closers.push(() => redis.close());
        readinessChecks = [postgresReadiness(container.db), { name: 'redis', check: () => redis.ping() }];
      }
      return readinessChecks;
    },
    queueStats: overrides.queueStats ?? null,
    get trends() {
      trends ??= new TrendsService(container.db, new RollupFreshness(container.db, { pairLimit: config.api.rollupRefreshLimit }));
      return trends;
    },
    get authenticator() {
      authenticator ??= new Authenticator(container.db, {
        bootstrapKey: config.adminKey,
        onTouchError: (err) => container.logger.warn({ err }, 'could not record API key use'),
      });
      return authenticator;
    },
    async close() {
      // Reverse order of creation: consumers before what they consume.
      for (const close of closers.reverse()) await close();
      closers.length = 0;
    },
  };
  return container;
}
