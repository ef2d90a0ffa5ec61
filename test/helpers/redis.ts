// Per-file Redis isolation: every integration file gets its own BullMQ key
// prefix, and its keys are deleted when the file ends, so files run in
// parallel against one Redis.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function deleteKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** A unique QUEUE_PREFIX for this test file; its keys are removed afterwards. */
export function useRedisPrefix(label = 'fw'): string {
  const prefix = `fwtest-${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
  afterAll(async () => {
    await deleteKeys(prefix);
  });
  return prefix;
}
