// A Redis connection for work that must not wait on Redis: no offline queue
// and one retry, so a command while Redis is unreachable fails at once and
// the caller falls back (the rate limit lets the request through, pacing
// goes per process). It reconnects in the background as ioredis does.
import { Redis } from 'ioredis';

export function createFailFastRedis(url: string): Redis {
  const client = new Redis(url, { connectTimeout: 1000, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  // Failures surface per command, where the caller handles them; without a listener ioredis would log each one.
  client.on('error', () => {});
  return client;
}
