// The process configuration: parsed and validated once, at start, from the
// environment. Nothing else in the project reads process.env; the composition
// root calls loadConfig and passes the result down.
//
// This module imports nothing of the project (see docs/architecture.md).

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface TelegramCredentials {
  apiId: number;
  apiHash: string;
  /** One StringSession per account; several accounts share the channel load. */
  sessions: string[];
}

/** Request pacing of one account (MTProto) or of the web preview: a token bucket. */
export interface RatePolicy {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests that may go out back to back after a quiet spell. */
  burst: number;
}

export interface CollectionConfig {
  /** How often each channel is polled for new posts (ms). */
  pollEveryMs: number;
  /** How often the subscriber count is recorded (ms). */
  snapshotEveryMs: number;
  /** How often recent posts are re-read for metrics, edits and deletions (ms). */
  refreshEveryMs: number;
  /** How far back that re-reading reaches (ms of post age). */
  refreshWindowMs: number;
  /** Backfill a new channel back to this date; null: to the channel's first post. */
  backfillSince: Date | null;
  /** Pages one job may fetch before it hands the rest to a follow-up job (keeps worker slots short). */
  pagesPerJob: number;
  /** Jobs one worker process runs at once. */
  workerConcurrency: number;
  /** Per MTProto account. */
  mtprotoRate: RatePolicy;
  /** contacts.ResolveUsername, paced on its own: it floods far sooner than other methods. */
  resolveRate: RatePolicy;
  /** The web preview, per process. */
  webRate: RatePolicy;
  /** FloodWaits up to this many seconds are slept through by gramjs; longer ones reschedule the job. */
  floodSleepThresholdSeconds: number;
}

export interface Config {
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every BullMQ key, so several deployments (or test files) can share one Redis. */
  queuePrefix: string;
  host: string;
  port: number;
  /** MTProto credentials; null means collection falls back to the web preview. */
  telegram: TelegramCredentials | null;
  /** TG_API_ID and TG_API_HASH without a session: enough for `framewatch login`. */
  telegramApp: { apiId: number; apiHash: string } | null;
  tgWebBaseUrl: string;
  collection: CollectionConfig;
  smtp: { url: string; from: string } | null;
  adminKey: string | null;
  /** The analyst API's limits (docs/api.md). */
  api: ApiLimits;
  /** Webhook delivery (docs/alerts.md). */
  webhooks: WebhookDeliveryConfig;
  logLevel: LogLevel;
}

export interface ApiLimits {
  /** Requests per minute each API key may make (counted in process). */
  rateLimitPerMinute: number;
  /** Stale (channel, day) rollup pairs one trends request may recompute before answering. */
  rollupRefreshLimit: number;
}

export interface WebhookDeliveryConfig {
  /** Ms a consumer has to answer one attempt. */
  timeoutMs: number;
  /** Attempts per delivery in all, the first included. */
  maxAttempts: number;
  /** Delay before the first retry; each later retry waits twice as long. */
  retryDelayMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "5m", "1h", "2d", "250ms" → milliseconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads every variable, collects every problem, and throws one ConfigError
 * naming all of them: an operator fixes a broken deployment in one round.
 */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const url = (name: string, fallback: string, protocols: string[]): string => {
    const raw = read(name) ?? fallback;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL (got "${raw}")`);
      }
    } catch {
      problems.push(`${name} is not a URL (got "${raw}")`);
    }
    return raw;
  };

  const databaseUrl = url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/framewatch', ['postgres:', 'postgresql:']);
  if (!problems.some((p) => p.startsWith('DATABASE_URL'))) {
    const dbName = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
    if (!/^[A-Za-z0-9_-]{1,63}$/.test(dbName)) {
      problems.push(`DATABASE_URL must name a database of letters, digits, _ or - (got "${dbName}")`);
    }
  }
  const redisUrl = url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);
  const tgWebBaseUrl = url('TG_WEB_BASE_URL', 'https://t.me', ['http:', 'https:']).replace(/\/+$/, '');

  const host = read('HOST') ?? '127.0.0.1';
  const portRaw = read('PORT') ?? '3000';
  const port = Number(portRaw);
  if (!/^\d+$/.test(portRaw) || port > 65535) problems.push(`PORT must be an integer 0-65535 (got "${portRaw}")`);

  const queuePrefix = read('QUEUE_PREFIX') ?? 'framewatch';
  if (!/^[A-Za-z0-9_:.-]{1,64}$/.test(queuePrefix)) {
    problems.push(`QUEUE_PREFIX must be 1-64 of letters, digits, _ : . - (got "${queuePrefix}")`);
  }

  const apiIdRaw = read('TG_API_ID');
  const apiHash = read('TG_API_HASH');
  const sessionRaw = read('TG_SESSION');
  let telegramApp: Config['telegramApp'] = null;
  let telegram: TelegramCredentials | null = null;
  if (apiIdRaw !== undefined || apiHash !== undefined || sessionRaw !== undefined) {
    const apiId = Number(apiIdRaw);
    let ok = true;
    if (apiIdRaw === undefined) {
      problems.push('TG_API_ID is required when TG_API_HASH or TG_SESSION is set');
      ok = false;
    } else if (!/^\d{1,12}$/.test(apiIdRaw) || apiId === 0) {
      problems.push(`TG_API_ID must be a positive integer (got "${apiIdRaw}")`);
      ok = false;
    }
    if (apiHash === undefined) {
      problems.push('TG_API_HASH is required when TG_API_ID or TG_SESSION is set');
      ok = false;
    } else if (!/^[0-9a-f]{32}$/i.test(apiHash)) {
      problems.push('TG_API_HASH must be the 32 hex digits from my.telegram.org');
      ok = false;
    }
    // Several accounts: sessions separated by commas (StringSession never contains one).
    const sessions = (sessionRaw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (sessions.some((s) => !/^[A-Za-z0-9+/=_-]{20,}$/.test(s))) {
      problems.push('TG_SESSION must be one or more comma-separated session strings from `framewatch login`');
      ok = false;
    }
    if (ok && apiHash !== undefined) {
      telegramApp = { apiId, apiHash };
      telegram = sessions.length > 0 ? { apiId, apiHash, sessions } : null;
    }
  }

  const duration = (name: string, fallback: string, minMs: number): number => {
    const raw = read(name) ?? fallback;
    const ms = parseDuration(raw);
    if (ms === null || ms < minMs) {
      problems.push(`${name} must be a duration such as 90s, 5m, 1h or 2d, at least ${minMs} ms (got "${raw}")`);
      return parseDuration(fallback)!;
    }
    return ms;
  };
  const positive = (name: string, fallback: string, { integer, max }: { integer: boolean; max: number }): number => {
    const raw = read(name) ?? fallback;
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
      problems.push(`${name} must be a positive ${integer ? 'integer' : 'number'} up to ${max} (got "${raw}")`);
      return Number(fallback);
    }
    return n;
  };
  const rate = (name: string, fallback: string): RatePolicy => {
    const perSecond = positive(name, fallback, { integer: false, max: 1000 });
    // A burst of a few seconds' worth, at least one request.
    return { perSecond, burst: Math.max(1, Math.min(5, Math.floor(perSecond * 5))) };
  };
  let backfillSince: Date | null = null;
  const sinceRaw = read('COLLECT_BACKFILL_SINCE');
  if (sinceRaw !== undefined) {
    const at = /^\d{4}-\d{2}-\d{2}$/.test(sinceRaw) ? new Date(`${sinceRaw}T00:00:00Z`) : null;
    if (!at || Number.isNaN(at.getTime())) problems.push(`COLLECT_BACKFILL_SINCE must be a date YYYY-MM-DD (got "${sinceRaw}")`);
    else backfillSince = at;
  }
  const floodRaw = read('TG_FLOOD_SLEEP_THRESHOLD') ?? '5';
  if (!/^\d+$/.test(floodRaw) || Number(floodRaw) > 60) {
    problems.push(`TG_FLOOD_SLEEP_THRESHOLD must be whole seconds 0-60 (got "${floodRaw}")`);
  }
  const collection: CollectionConfig = {
    pollEveryMs: duration('COLLECT_POLL_INTERVAL', '5m', 1000),
    snapshotEveryMs: duration('COLLECT_SNAPSHOT_INTERVAL', '1h', 1000),
    refreshEveryMs: duration('COLLECT_REFRESH_INTERVAL', '30m', 1000),
    refreshWindowMs: duration('COLLECT_REFRESH_WINDOW', '48h', 60_000),
    backfillSince,
    pagesPerJob: positive('COLLECT_PAGES_PER_JOB', '10', { integer: true, max: 1000 }),
    workerConcurrency: positive('WORKER_CONCURRENCY', '4', { integer: true, max: 64 }),
    mtprotoRate: rate('TG_REQUESTS_PER_SECOND', '1'),
    resolveRate: { perSecond: 1 / 60, burst: 3 },
    webRate: rate('TG_WEB_REQUESTS_PER_SECOND', '0.5'),
    floodSleepThresholdSeconds: Math.min(60, Number(floodRaw) || 0),
  };

  const smtpUrl = read('SMTP_URL');
  const mailFrom = read('MAIL_FROM');
  let smtp: Config['smtp'] = null;
  if (smtpUrl !== undefined) {
    url('SMTP_URL', smtpUrl, ['smtp:', 'smtps:']);
    if (mailFrom === undefined) problems.push('MAIL_FROM is required when SMTP_URL is set');
    smtp = { url: smtpUrl, from: mailFrom ?? '' };
  }
  if (mailFrom !== undefined && !/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/.test(mailFrom)) {
    problems.push(`MAIL_FROM must be an address such as "framewatch <digest@example.org>" (got "${mailFrom}")`);
  }

  const adminKey = read('FRAMEWATCH_ADMIN_KEY') ?? null;
  if (adminKey !== null && adminKey.length < 16) {
    problems.push('FRAMEWATCH_ADMIN_KEY must be at least 16 characters');
  }

  const positiveInt = (name: string, fallback: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > max) {
      problems.push(`${name} must be an integer from 1 to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const api: ApiLimits = {
    rateLimitPerMinute: positiveInt('API_RATE_LIMIT', 600, 1_000_000_000),
    rollupRefreshLimit: positiveInt('API_ROLLUP_REFRESH_LIMIT', 500, 100_000),
  };

  const webhooks: WebhookDeliveryConfig = {
    timeoutMs: duration('WEBHOOK_TIMEOUT', '10s', 100),
    maxAttempts: positiveInt('WEBHOOK_MAX_ATTEMPTS', 8, 30),
    retryDelayMs: duration('WEBHOOK_RETRY_DELAY', '30s', 10),
  };

  const logLevel = (read('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    databaseUrl,
    redisUrl,
    queuePrefix,
    host,
    port,
    telegram,
    telegramApp,
    tgWebBaseUrl,
    collection,
    smtp,
    adminKey,
    api,
    webhooks,
    logLevel,
  };
}
