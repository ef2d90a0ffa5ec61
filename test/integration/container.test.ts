import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.ts';
import { createContainer } from '../../services/container.ts';
import { createLogger } from '../../services/log.ts';
import { Redis } from 'ioredis';
import { REDIS_URL, useRedisPrefix } from '../helpers/redis.ts';

const prefix = useRedisPrefix('container');
const container = createContainer(loadConfig({ REDIS_URL, QUEUE_PREFIX: prefix }), { logger: createLogger('silent', { pretty: false }) });
afterAll(() => container.close());

describe('composition root', () => {
  it('reports BullMQ queue depths to the metrics port', async () => {
    await container.queue.enqueue('snapshot', { channelId: 41 });
    await container.queue.enqueue('classify-posts', { channelId: 41, messageIds: [1, 2] });
    const depths = await container.queueStats!.depths();
    expect(depths).toContainEqual({ queue: 'collect', state: 'waiting', count: 1 });
    expect(depths).toContainEqual({ queue: 'classify', state: 'waiting', count: 1 });
    expect(depths).toContainEqual({ queue: 'maintain', state: 'waiting', count: 0 });
  });

  it('checks the real Redis for readiness', async () => {
    const redis = container.readinessChecks.find((c) => c.name === 'redis');
    await expect(redis!.check()).resolves.toBeUndefined();
  });

  it('builds the classifier once, lazily', () => {
    expect(container.classifier).toBe(container.classifier);
    expect(container.classifier.version).toMatch(/^fw-/);
  });
});

describe('collection pacing', () => {
  // A t.me that answers every page with a redirect (no public preview): enough to make requests.
  const fetcher = { async get() { return { status: 302, header: (name: string) => (name === 'location' ? 'https://t.me/gone' : null), body: '' }; } };
  const channel = { channelId: 7, username: 'somechannel', telegramId: null, accessHash: null, account: null };
  const build = (sharedPacing: boolean, p: string) =>
    createContainer(loadConfig({ REDIS_URL, QUEUE_PREFIX: p }), { logger: createLogger('silent', { pretty: false }), httpFetcher: fetcher, sharedPacing });
  const sharedPrefix = useRedisPrefix('pacing-shared');
  const localPrefix = useRedisPrefix('pacing-local');

  it('the worker paces through Redis (one bucket for every process), a one-off pass in memory', async () => {
    const shared = build(true, sharedPrefix);
    const local = build(false, localPrefix);
    try {
      await shared.collectionSource('web').snapshot(channel).catch(() => undefined);
      await local.collectionSource('web').snapshot(channel).catch(() => undefined);
      const redis = new Redis(REDIS_URL);
      try {
        expect(await redis.exists(`${sharedPrefix}:pace:web`)).toBe(1);
        expect(await redis.exists(`${localPrefix}:pace:web`)).toBe(0);
      } finally {
        redis.disconnect();
      }
    } finally {
      await shared.close();
      await local.close();
    }
  });
});
