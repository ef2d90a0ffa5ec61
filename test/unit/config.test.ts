import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration } from '../../config/env.ts';

const HASH = '0123456789abcdef0123456789abcdef';
const SESSION = '1BAAOMTQ5LjE1NC4xNjcuOTEAUGx1c3RoZXNlc3Npb25zdHJpbmc=';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/framewatch');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3000);
    expect(config.tgWebBaseUrl).toBe('https://t.me');
    expect(config.telegram).toBeNull();
    expect(config.smtp).toBeNull();
    expect(config.adminKey).toBeNull();
  });

  it('names every bad variable in one error', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x/y', REDIS_URL: 'nope', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['DATABASE_URL', 'REDIS_URL', 'PORT', 'LOG_LEVEL']);
    expect(() => loadConfig({ PORT: 'eighty', REDIS_URL: 'nope' })).toThrow(/PORT.*; REDIS_URL|REDIS_URL.*; PORT/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', TG_API_ID: '', TG_API_HASH: '', TG_SESSION: '' }).port).toBe(3000);
  });

  it('requires MTProto credentials as a complete set', () => {
    expect(problemsOf({ TG_API_ID: '12345' })).toEqual(['TG_API_HASH is required when TG_API_ID or TG_SESSION is set']);
    expect(problemsOf({ TG_API_ID: 'abc', TG_API_HASH: 'short' })).toHaveLength(2);
    const login = loadConfig({ TG_API_ID: '12345', TG_API_HASH: HASH });
    expect(login.telegram).toBeNull(); // no session yet: collection still uses the web preview
    expect(login.telegramApp).toEqual({ apiId: 12345, apiHash: HASH });
  });

  it('reads several comma-separated sessions as several accounts', () => {
    const config = loadConfig({ TG_API_ID: '12345', TG_API_HASH: HASH, TG_SESSION: `${SESSION}, ${SESSION}x` });
    expect(config.telegram?.sessions).toEqual([SESSION, `${SESSION}x`]);
  });

  it('strips a trailing slash from the web preview base', () => {
    expect(loadConfig({ TG_WEB_BASE_URL: 'http://127.0.0.1:8080/' }).tgWebBaseUrl).toBe('http://127.0.0.1:8080');
  });

  it('needs MAIL_FROM with SMTP_URL and a long enough admin key', () => {
    expect(problemsOf({ SMTP_URL: 'smtp://127.0.0.1:1025' })).toEqual(['MAIL_FROM is required when SMTP_URL is set']);
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:1025', MAIL_FROM: 'framewatch <digest@example.org>' }).smtp).toEqual({
      url: 'smtp://127.0.0.1:1025',
      from: 'framewatch <digest@example.org>',
    });
    expect(problemsOf({ FRAMEWATCH_ADMIN_KEY: 'short' })).toEqual(['FRAMEWATCH_ADMIN_KEY must be at least 16 characters']);
  });

  it('reads the API limits, with defaults, and names a bad one', () => {
    expect(loadConfig({}).api).toEqual({ rateLimitPerMinute: 600, rollupRefreshLimit: 500 });
    expect(loadConfig({ API_RATE_LIMIT: '30', API_ROLLUP_REFRESH_LIMIT: '2000' }).api).toEqual({ rateLimitPerMinute: 30, rollupRefreshLimit: 2000 });
    expect(problemsOf({ API_RATE_LIMIT: '0', API_ROLLUP_REFRESH_LIMIT: 'lots' })).toEqual([
      'API_RATE_LIMIT must be an integer from 1 to 1000000000 (got "0")',
      'API_ROLLUP_REFRESH_LIMIT must be an integer from 1 to 100000 (got "lots")',
    ]);
  });

  it('refuses a database name that could not be created safely', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://postgres@127.0.0.1/bad%20name;drop' })[0]).toMatch(/^DATABASE_URL must name a database/);
  });

  it('gives collection its documented defaults', () => {
    const { collection } = loadConfig({});
    expect(collection).toMatchObject({
      pollEveryMs: 5 * 60_000,
      snapshotEveryMs: 3_600_000,
      refreshEveryMs: 30 * 60_000,
      refreshWindowMs: 48 * 3_600_000,
      backfillSince: null,
      pagesPerJob: 10,
      workerConcurrency: 4,
      mtprotoRate: { perSecond: 1, burst: 5 },
      webRate: { perSecond: 0.5, burst: 2 },
      floodSleepThresholdSeconds: 5,
    });
  });

  it('reads collection intervals as durations and the backfill horizon as a date', () => {
    const { collection } = loadConfig({
      COLLECT_POLL_INTERVAL: '90s', COLLECT_REFRESH_WINDOW: '2d', COLLECT_BACKFILL_SINCE: '2024-10-01',
      TG_WEB_REQUESTS_PER_SECOND: '20', TG_FLOOD_SLEEP_THRESHOLD: '0',
    });
    expect(collection.pollEveryMs).toBe(90_000);
    expect(collection.refreshWindowMs).toBe(2 * 86_400_000);
    expect(collection.backfillSince).toEqual(new Date('2024-10-01T00:00:00Z'));
    expect(collection.webRate).toEqual({ perSecond: 20, burst: 5 });
    expect(collection.floodSleepThresholdSeconds).toBe(0);
  });

  it('names every bad collection variable', () => {
    const problems = problemsOf({
      COLLECT_POLL_INTERVAL: '5 minutes', COLLECT_BACKFILL_SINCE: '01.10.2024', COLLECT_PAGES_PER_JOB: '0',
      TG_REQUESTS_PER_SECOND: '-1', TG_FLOOD_SLEEP_THRESHOLD: '600', WORKER_CONCURRENCY: '2.5',
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'COLLECT_BACKFILL_SINCE', 'COLLECT_PAGES_PER_JOB', 'COLLECT_POLL_INTERVAL', 'TG_FLOOD_SLEEP_THRESHOLD',
      'TG_REQUESTS_PER_SECOND', 'WORKER_CONCURRENCY',
    ]);
  });

  it('parses durations with units and refuses the rest', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('5')).toBeNull();
    expect(parseDuration('0s')).toBeNull();
  });
});
