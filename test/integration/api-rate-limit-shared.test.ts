// The per-key rate limit counted in Redis: two API processes (two apps here)
// share one limit per key, and when Redis cannot count, requests still pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../services/container.ts';
import { createApiKey } from '../../services/keys/store.ts';
import { createRateLimitRedis, type RateLimitRedis } from '../../services/queue/rate-limit-redis.ts';
import { buildTestApi, useTestApi } from '../helpers/api.ts';
import { REDIS_URL, useRedisPrefix } from '../helpers/redis.ts';

const api = useTestApi();
const prefix = useRedisPrefix('ratelimit');

type Built = { app: FastifyInstance; container: Container };

describe('rate limit shared through Redis', () => {
  const stores: RateLimitRedis[] = [];
  const built: Built[] = [];
  const build = async (store: RateLimitRedis) => {
    stores.push(store);
    const b = await buildTestApi(api.url, api.db, { env: { API_RATE_LIMIT: '4' }, rateLimitStore: store });
    built.push(b);
    return b;
  };
  let first: Built;
  let second: Built;
  beforeAll(async () => {
    first = await build(createRateLimitRedis(REDIS_URL, prefix));
    second = await build(createRateLimitRedis(REDIS_URL, prefix));
  });
  afterAll(async () => {
    for (const b of built) {
      await b.app.close();
      await b.container.close();
    }
    for (const s of stores) await s.close();
  });

  const get = (b: Built, key: string) => b.app.inject({ method: 'GET', url: '/v1/frames', headers: { authorization: `Bearer ${key}` } });

  it('two API processes count one key against one limit', async () => {
    const { key } = await createApiKey(api.db, { name: 'shared', scope: 'read' });
    expect((await get(first, key)).statusCode).toBe(200);
    expect((await get(second, key)).statusCode).toBe(200);
    expect((await get(first, key)).statusCode).toBe(200);
    expect((await get(second, key)).statusCode).toBe(200);
    // Each app saw two requests, under its limit of 4; together they saw four.
    const refused = await get(first, key);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect((await get(second, key)).statusCode).toBe(429);
    // Another key has its own count.
    const other = await createApiKey(api.db, { name: 'other', scope: 'read' });
    expect((await get(second, other.key)).statusCode).toBe(200);
  });

  it('lets requests through when Redis cannot count', async () => {
    const unreachable = await build(createRateLimitRedis('redis://127.0.0.1:1', prefix));
    const { key } = await createApiKey(api.db, { name: 'no-redis', scope: 'read' });
    for (let i = 0; i < 6; i++) expect((await get(unreachable, key)).statusCode).toBe(200);
  });
});
