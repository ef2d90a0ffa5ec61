// The API's per-key request counts, kept in Redis so that every API process
// behind a balancer counts against the same limit (in process memory, N
// processes would allow N times API_RATE_LIMIT). One connection, for the
// rate-limit plugin only.
//
// No offline queue and few retries: while Redis is unreachable a count fails
// at once, and the API lets the request through (fails open) rather than
// making rate limiting a reason to refuse analysts; /ready reports Redis down.
import { Redis } from 'ioredis';

export interface RateLimitRedis {
  /** The ioredis client, as @fastify/rate-limit's `redis` option wants it. */
  readonly client: unknown;
  /** Key prefix of the counters. */
  readonly namespace: string;
  close(): Promise<void>;
}

export function createRateLimitRedis(url: string, prefix: string): RateLimitRedis {
  const client = new Redis(url, { connectTimeout: 1000, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  // Failures surface per request (and the request passes); without a listener ioredis would log each one.
  client.on('error', () => {});
  return {
    client,
    namespace: `${prefix}:rate-limit:`,
    async close() {
      client.disconnect();
    },
  };
}
