// The composition root: the one place that turns configuration into live
// adapters and hands them to the services. Everything is built lazily, on
// first use, so a command that needs no database (classify) never opens one,
// and close() releases exactly what was opened.
import type { Config } from '../config/env.ts';
import { AlertService } from './alerts/service.ts';
import { createFetchTransport, type WebhookTransport } from './alerts/transport.ts';
import { DigestService } from './digest/service.ts';
import { createSmtpTransport, type MailTransport } from './mail/transport.ts';
import { createClassifier, type ExplainingClassifier } from './classifier/index.ts';
import type { ChannelSource, SourceKind } from './collection/source.ts';
import { createDb, type Db } from './db/db.ts';
import { Authenticator } from './keys/authenticator.ts';
import { createLogger, type Logger } from './log.ts';
import type { QueueStats, ReadinessCheck } from './monitoring/ports.ts';
import { postgresReadiness } from './monitoring/readiness.ts';
import { createPacer, systemClock, type Clock, type Pacer } from './pacing/pacer.ts';
import type { RatePolicy } from './pacing/token-bucket.ts';
import { createJobQueue, type JobQueue } from './queue/bullmq.ts';
import { QUEUES } from './queue/catalog.ts';
import { createRateLimitRedis, type RateLimitRedis } from './queue/rate-limit-redis.ts';
import { createSharedPacing, type SharedPacing } from './queue/redis-pacer.ts';
import { createRedisPing } from './queue/redis-ping.ts';
import { accountKey } from './telegram/accounts.ts';
import { createGramjsClient, type MtprotoClient } from './telegram/client.ts';
import { createMtprotoSource } from './telegram/source.ts';
import { RollupFreshness } from './trends/freshness.ts';
import { TrendsService } from './trends/service.ts';
import { createHttpFetcher, type HttpFetcher } from './web-preview/http.ts';
import { createWebPreviewSource } from './web-preview/source.ts';

export class SourceUnavailableError extends Error {
  override name = 'SourceUnavailableError';
}

export interface Container {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Db;
  /** BullMQ producers (Redis); opened on first use. */
  readonly queue: JobQueue;
  /** The frame classifier, built (cue files read and compiled) on first use. */
  readonly classifier: ExplainingClassifier;
  /** The collection source: MTProto when credentials are configured, else the web preview; or the one asked for. */
  collectionSource(kind?: SourceKind): ChannelSource;
  /** What GET /ready checks: PostgreSQL and Redis. */
  readonly readinessChecks: readonly ReadinessCheck[];
  /** Queue depths for /metrics, read from BullMQ. */
  readonly queueStats: QueueStats | null;
  readonly trends: TrendsService;
  readonly authenticator: Authenticator;
  /** Webhook alerts: events recorded, matched, delivered through the queue. */
  readonly alerts: AlertService;
  /** Weekly digests, mailed through SMTP_URL/MAIL_FROM. */
  readonly digests: DigestService;
  /** The API's per-key request counts in Redis, shared by every API process; opened on first use. */
  readonly rateLimitStore: RateLimitRedis | null;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  logger?: Logger;
  db?: Db;
  queue?: JobQueue;
  classifier?: ExplainingClassifier;
  clock?: Clock;
  httpFetcher?: HttpFetcher;
  /** Builds the MTProto client of one session (tests pass fakes). */
  mtprotoClient?: (session: string) => MtprotoClient;
  readinessChecks?: readonly ReadinessCheck[];
  /** null: /metrics without queue depths (tests that run no Redis). */
  queueStats?: QueueStats | null;
  webhookTransport?: WebhookTransport;
  /** null: mail not configured, whatever the configuration says. */
  mailTransport?: MailTransport | null;
  /** null: count API requests in process memory (tests that share one Redis). */
  rateLimitStore?: RateLimitRedis | null;
  /**
   * true: collection pacing (per MTProto account, username resolution, web
   * preview) is shared through Redis by every process (`framewatch worker`);
   * false (default): each process paces itself (a one-off `collect --once`).
   */
  sharedPacing?: boolean;
}

/** BullMQ's job counts of every queue, as the API's metrics port wants them. */
function bullmqQueueStats(queue: () => JobQueue): QueueStats {
  return {
    async depths() {
      const out = [];
      for (const name of Object.values(QUEUES)) {
        for (const [state, count] of Object.entries(await queue().counts(name))) out.push({ queue: name, state, count });
      }
      return out;
    },
  };
}

export function createContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const closers: Array<() => Promise<void>> = [];
  let logger = overrides.logger;
  let db = overrides.db;
  let queue = overrides.queue;
  let classifier = overrides.classifier;
  let readinessChecks = overrides.readinessChecks;
  let trends: TrendsService | undefined;
  let authenticator: Authenticator | undefined;
  let alerts: AlertService | undefined;
  let digests: DigestService | undefined;
  let rateLimitStore: RateLimitRedis | null | undefined = overrides.rateLimitStore;
  let mail: MailTransport | null | undefined = overrides.mailTransport;
  const clock = overrides.clock ?? systemClock;
  const sources = new Map<SourceKind, ChannelSource>();
  // Pacers live as long as the process: every job of one account shares its bucket.
  let webPacer: Pacer | null = null;
  let sharedPacing: SharedPacing | null = null;
  function pacerFor(key: string, policy: RatePolicy, name: string): Pacer {
    if (!overrides.sharedPacing) return createPacer(policy, clock, name);
    if (!sharedPacing) {
      const created = createSharedPacing({
        redisUrl: config.redisUrl,
        prefix: config.queuePrefix,
        clock,
        onFallback: (err) => container.logger.warn({ err }, 'Redis unreachable: pacing requests per process until it is back'),
      });
      closers.push(() => created.close());
      sharedPacing = created;
    }
    return sharedPacing.pacer(key, policy, name);
  }

  function buildSource(kind: SourceKind): ChannelSource {
    const rates = config.collection;
    if (kind === 'web') {
      webPacer ??= pacerFor('web', rates.webRate, 'web preview requests');
      return createWebPreviewSource({
        baseUrl: config.tgWebBaseUrl,
        fetcher: overrides.httpFetcher ?? createHttpFetcher(),
        pacer: webPacer,
        clock,
      });
    }
    if (!config.telegram) {
      throw new SourceUnavailableError('the MTProto source needs TG_API_ID, TG_API_HASH and TG_SESSION (see `framewatch login`)');
    }
    const telegram = config.telegram;
    const accounts = telegram.sessions.map((session) => {
      const client = overrides.mtprotoClient?.(session) ??
        createGramjsClient({ apiId: telegram.apiId, apiHash: telegram.apiHash, session, floodSleepThreshold: rates.floodSleepThresholdSeconds });
      closers.push(() => client.disconnect());
      const key = accountKey(session);
      return { key, client, pacer: pacerFor(`mtproto:${key}`, rates.mtprotoRate, `MTProto requests of account ${key}`) };
    });
    return createMtprotoSource({ accounts, resolvePacer: pacerFor('resolve', rates.resolveRate, 'username resolutions'), clock });
  }

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
    get queue() {
      if (!queue) {
        const created = createJobQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix });
        closers.push(() => created.close());
        queue = created;
      }
      return queue;
    },
    get classifier() {
      classifier ??= createClassifier();
      return classifier;
    },
    collectionSource(kind) {
      const chosen: SourceKind = kind ?? (config.telegram ? 'mtproto' : 'web');
      let source = sources.get(chosen);
      if (!source) {
        source = buildSource(chosen);
        sources.set(chosen, source);
      }
      return source;
    },
    get readinessChecks() {
      if (!readinessChecks) {
        const redis = createRedisPing(config.redisUrl);
        closers.push(() => redis.close());
        readinessChecks = [postgresReadiness(container.db), { name: 'redis', check: () => redis.ping() }];
      }
      return readinessChecks;
    },
    queueStats: overrides.queueStats === undefined ? bullmqQueueStats(() => container.queue) : overrides.queueStats,
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
    get alerts() {
      alerts ??= new AlertService({
        db: container.db,
        logger: container.logger,
        transport: overrides.webhookTransport ?? createFetchTransport({ timeoutMs: config.webhooks.timeoutMs }),
        maxAttempts: config.webhooks.maxAttempts,
        // The window in which collection still sees edits: within it a post is news.
        postHorizonMs: config.collection.refreshWindowMs,
        enqueueDelivery: async (deliveryId) => {
          await container.queue.enqueue('deliver-webhook', { deliveryId }, { attempts: config.webhooks.maxAttempts, backoffMs: config.webhooks.retryDelayMs });
        },
      });
      return alerts;
    },
    get rateLimitStore() {
      if (rateLimitStore === undefined) {
        rateLimitStore = createRateLimitRedis(config.redisUrl, config.queuePrefix);
        const created = rateLimitStore;
        closers.push(() => created.close());
      }
      return rateLimitStore;
    },
    get digests() {
      digests ??= new DigestService({
        db: container.db,
        trends: container.trends,
        logger: container.logger,
        mail: () => {
          if (mail === undefined) {
            mail = config.smtp ? createSmtpTransport(config.smtp) : null;
            const opened = mail;
            if (opened) closers.push(async () => opened.close());
          }
          return mail;
        },
      });
      return digests;
    },
    async close() {
      // Reverse order of creation: consumers before what they consume.
      for (const close of closers.reverse()) await close();
      closers.length = 0;
    },
  };
  return container;
}
