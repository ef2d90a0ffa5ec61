import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.ts';
import { createContainer } from '../../services/container.ts';
import { createLogger } from '../../services/log.ts';
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
