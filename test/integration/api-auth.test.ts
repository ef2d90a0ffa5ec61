// API keys: who may do what, how keys are stored, how use is recorded, and
// the per-key rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Authenticator } from '../../services/keys/authenticator.ts';
import { createApiKey, revokeApiKey } from '../../services/keys/store.ts';
import type { Container } from '../../services/container.ts';
import { buildTestApi, useTestApi } from '../helpers/api.ts';

const api = useTestApi();

describe('keys on /v1', () => {
  it('answers 401 without a key, with a malformed header, or with an unknown key', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: `Bearer fw_${'A'.repeat(43)}` }, { authorization: 'Bearer nonsense' }]) {
      const res = await api.app.inject({ method: 'GET', url: '/v1/frames', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('lets a read key read and answers 403 on every write', async () => {
    expect((await api.inject({ method: 'GET', url: '/v1/channels' })).statusCode).toBe(200);
    const writes = [
      { method: 'POST' as const, url: '/v1/channels', payload: { username: '@readers_cannot', audience: 'ru' } },
      { method: 'PATCH' as const, url: '/v1/channels/1', payload: { audience: 'ua' } },
      { method: 'DELETE' as const, url: '/v1/channels/1' },
    ];
    for (const w of writes) {
      const res = await api.inject(w);
      expect(res.statusCode, w.method).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/needs an admin key/) });
    }
  });

  it('lets admin keys, created or the bootstrap one, write', async () => {
    const admin = await createApiKey(api.db, { name: 'ops', scope: 'admin' });
    const created = await api.inject({ method: 'POST', url: '/v1/channels', payload: { username: '@admins_can', audience: 'ru' }, key: admin.key });
    expect(created.statusCode).toBe(201);
    const deleted = await api.inject({ method: 'DELETE', url: `/v1/channels/${created.json().id}`, key: api.adminKey });
    expect(deleted.statusCode).toBe(204);
    // Admin implies read.
    expect((await api.inject({ method: 'GET', url: '/v1/frames', key: admin.key })).statusCode).toBe(200);
  });

  it('stops accepting a revoked key', async () => {
    const k = await createApiKey(api.db, { name: 'leaked', scope: 'read' });
    expect((await api.inject({ method: 'GET', url: '/v1/frames', key: k.key })).statusCode).toBe(200);
    expect(await revokeApiKey(api.db, k.id)).toBe(true);
    expect((await api.inject({ method: 'GET', url: '/v1/frames', key: k.key })).statusCode).toBe(401);
  });

  it('stores only a SHA-256 of the key', async () => {
    const k = await createApiKey(api.db, { name: 'stored', scope: 'read' });
    const { rows } = await api.db.query<{ row: string; hash: string }>('SELECT row_to_json(k)::text AS row, encode(key_hash, \'hex\') AS hash FROM api_keys k WHERE id = $1', [k.id]);
    expect(rows[0]!.row).not.toContain(k.key.slice(3));
    const { createHash } = await import('node:crypto');
    expect(rows[0]!.hash).toBe(createHash('sha256').update(k.key).digest('hex'));
  });

  it('leaves /health, /ready, /metrics and /docs open', async () => {
    for (const url of ['/health', '/ready', '/metrics', '/docs/json']) {
      expect((await api.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    expect((await api.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});

describe('last_used_at', () => {
  it('is written on use, at most once a minute per key', async () => {
    const k = await createApiKey(api.db, { name: 'clocked', scope: 'read' });
    let now = Date.parse('2025-05-01T10:00:00Z');
    const auth = new Authenticator(api.db, { bootstrapKey: null, now: () => now });
    const lastUsed = async () => {
      // The write is off the request path: give it a moment.
      await new Promise((r) => setTimeout(r, 50));
      const { rows } = await api.db.query<{ t: Date | null }>('SELECT last_used_at AS t FROM api_keys WHERE id = $1', [k.id]);
      return rows[0]!.t?.toISOString() ?? null;
    };
    expect(await lastUsed()).toBeNull();
    expect(await auth.authenticate(k.key)).toMatchObject({ id: `key:${k.id}`, scope: 'read' });
    expect(await lastUsed()).toBe('2025-05-01T10:00:00.000Z');
    now += 30_000;
    await auth.authenticate(k.key);
    expect(await lastUsed()).toBe('2025-05-01T10:00:00.000Z');
    now += 31_000;
    await auth.authenticate(k.key);
    expect(await lastUsed()).toBe('2025-05-01T10:01:01.000Z');
  });
});

describe('rate limit per key', () => {
  let limited: { app: FastifyInstance; container: Container };
  beforeAll(async () => {
    limited = await buildTestApi(api.url, api.db, { env: { API_RATE_LIMIT: '3' } });
  });
  afterAll(async () => {
    await limited.app.close();
    await limited.container.close();
  });

  it('answers 429 in the error shape after the limit, counting each key apart', async () => {
    const a = await createApiKey(api.db, { name: 'busy', scope: 'read' });
    const b = await createApiKey(api.db, { name: 'calm', scope: 'read' });
    const get = (key: string) => limited.app.inject({ method: 'GET', url: '/v1/frames', headers: { authorization: `Bearer ${key}` } });
    for (let i = 0; i < 3; i++) expect((await get(a.key)).statusCode).toBe(200);
    const refused = await get(a.key);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/^rate limit of 3 requests per minute/) } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(b.key)).statusCode).toBe(200);
  });
});
