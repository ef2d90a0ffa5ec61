// The API's per-key request counts, kept in Redis so that every API process
// behind a balancer counts against the same limit (in process memory, N
// processes would allow N times API_RATE_LIMIT). One connection, for the
// rate-limit plugin only.
//
// While Redis is unreachable a count fails at once (fail-fast-redis.ts), and
// the API lets the request through (fails open) rather than making rate
// limiting a reason to refuse analysts; /ready reports Redis down.
import { createFailFastRedis } from './fail-fast-redis.ts';

export interface RateLimitRedis {
  /** The ioredis client, as @fastify/rate-limit's `redis` option wants it. */
  readonly client: unknown;
  /** Key prefix of the counters. */
  readonly namespace: string;
  close(): Promise<void>;
}

export function createRateLimitRedis(url: string, prefix: string): RateLimitRedis {
  const client = createFailFastRedis(url);
  return {
    client,
    namespace: `${prefix}:rate-limit:`,
    async close() {
      client.disconnect();
    },
  };
}
