// Every failure in one shape, {"error": {"code", "message"}}: bad input
// (400 naming the parameter), unknown ids and routes (404), conflicts,
// oversized bodies, and the database being down (503).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../services/container.ts';
import { createDb } from '../../services/db/db.ts';
import { buildTestApi, TEST_ADMIN_KEY, useTestApi } from '../helpers/api.ts';

const api = useTestApi();

describe('400 names the parameter', () => {
  const cases: Array<[string, string]> = [
    ['/v1/trends?bucket=year', 'bucket'],
    ['/v1/trends?metric=likes', 'metric'],
    ['/v1/trends?groupBy=planet', 'groupBy'],
    ['/v1/trends?weight=heavy', 'weight'],
    ['/v1/trends?metric=posts&weight=views', 'weight'],
    ['/v1/trends?from=2025-13-01', 'from'],
    ['/v1/trends?from=yesterday', 'from'],
    ['/v1/trends?from=2025-01-01T10:00:00Z', 'from'],
    ['/v1/trends?from=2025-02-01&to=2025-01-01', 'to'],
    ['/v1/trends?audience=mars', 'audience'],
    ['/v1/trends?audience=ru,,ua', 'audience'],
    ['/v1/trends?frame=love', 'frame'],
    ['/v1/trends?channel=@nosuchchannel', 'channel'],
    ['/v1/trends?channel=424242', 'channel'],
    ['/v1/trends?limit=0', 'limit'],
    ['/v1/trends?bucket=day&from=2020-01-01&to=2025-01-01', 'bucket'],
    ['/v1/trends?onTopic=sometimes', 'onTopic'],
    ['/v1/trends?metrc=share', 'metrc'],
    ['/v1/posts?limit=5000', 'limit'],
    ['/v1/posts?limit=ten', 'limit'],
    ['/v1/posts?cursor=garbage', 'cursor'],
    ['/v1/posts?q=%20%21%3F', 'q'],
    ['/v1/posts?q=one%20two%20three%20four%20five%20six%20seven%20eight%20nine', 'q'],
    ['/v1/posts?to=2025-02-30T10:00:00Z', 'to'],
    ['/v1/posts?channel=12abc', 'channel'],
    ['/v1/posts?frame=DENIAL', 'frame'],
    ['/v1/posts/abc/1', 'channelId'],
    ['/v1/posts/1/0', 'messageId'],
    ['/v1/channels/0', 'id'],
    ['/v1/channels?status=sleeping', 'status'],
    ['/v1/channels/1/subscribers?from=soon', 'from'],
    ['/v1/audiences/compare?weight=likes', 'weight'],
    ['/v1/audiences/compare?audience=ru;ua', 'audience'],
    ['/v1/events?type=frame.party', 'type'],
    ['/v1/events?k=100', 'k'],
    ['/v1/events?baselineWeeks=8&activeWeeks=20', 'activeWeeks'],
    ['/v1/graph/forwards?minPosts=0', 'minPosts'],
    ['/v1/graph/forwards?from=2025-01-02&to=2025-01-01', 'to'],
  ];

  it.each(cases)('GET %s -> %s', async (url, parameter) => {
    const res = await api.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'invalid_parameter', parameter, message: expect.stringMatching(new RegExp(`^${parameter}: \\S`)) } });
  });

  const bodies: Array<[string, unknown, string]> = [
    ['/v1/channels', {}, 'username'],
    ['/v1/channels', { username: '@fine_name' }, 'audience'],
    ['/v1/channels', { username: '@fine_name', audience: 'mars' }, 'audience'],
    ['/v1/channels', { username: 't.me/joinchat/abc', audience: 'ru' }, 'username'],
    ['/v1/channels', { username: '@fine_name', audience: 'ru', labels: { one: 1 } }, 'labels'],
    ['/v1/channels', { username: '@fine_name', audience: 'ru', labels: ['a', 'a'] }, 'labels'],
    ['/v1/channels', { username: '@fine_name', audience: 'ru', colour: 'red' }, 'colour'],
  ];

  it.each(bodies)('POST %s %j -> %s', async (url, payload, parameter) => {
    const res = await api.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, key: api.adminKey });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_parameter', parameter, message: expect.stringMatching(new RegExp(`^${parameter}: `)) });
  });

  it('shows the offending value and the allowed ones', async () => {
    const res = await api.inject({ method: 'GET', url: '/v1/trends?bucket=year' });
    expect(res.json().error.message).toBe('bucket: must be one of day, week, month (got year)');
    const unknown = await api.inject({ method: 'GET', url: '/v1/trends?metrc=share' });
    expect(unknown.json().error.message).toBe('metrc: is not a parameter of this route');
  });

  it('refuses a PATCH that changes nothing, and a body that is not JSON', async () => {
    const created = await api.inject({ method: 'POST', url: '/v1/channels', payload: { username: '@patch_target', audience: 'ru' }, key: api.adminKey });
    const empty = await api.inject({ method: 'PATCH', url: `/v1/channels/${created.json().id}`, payload: {}, key: api.adminKey });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('invalid_parameter');
    const broken = await api.inject({ method: 'POST', url: '/v1/channels', payload: '{"username":', headers: { 'content-type': 'application/json' }, key: api.adminKey });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
  });
});

describe('other client errors', () => {
  it('404 for unknown channels, posts and routes', async () => {
    for (const url of ['/v1/channels/999999', '/v1/posts/999999/1', '/v1/channels/999999/subscribers', '/v1/nothing-here', '/nowhere']) {
      const res = await api.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
    for (const [method, url] of [['PATCH', '/v1/channels/999999'], ['DELETE', '/v1/channels/999999']] as const) {
      const res = await api.inject({ method, url, payload: method === 'PATCH' ? { title: 'x' } : undefined, key: api.adminKey });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
  });

  it('413 for a body over the limit', async () => {
    const res = await api.inject({
      method: 'POST', url: '/v1/channels', payload: { username: '@big_body', audience: 'ru', title: 'x'.repeat(300 * 1024) }, key: api.adminKey,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
  });

  it('415 for a body that is not JSON', async () => {
    const res = await api.inject({ method: 'POST', url: '/v1/channels', payload: 'username=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, key: api.adminKey });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });
});

describe('503 when the database is down', () => {
  let down: { app: FastifyInstance; container: Container };
  const deadDb = createDb('postgres://postgres@127.0.0.1:1/framewatch', { max: 1 });
  beforeAll(async () => {
    down = await buildTestApi('postgres://postgres@127.0.0.1:1/framewatch', deadDb);
  });
  afterAll(async () => {
    await down.app.close();
    await down.container.close();
    await deadDb.close();
  });

  it('answers 503 unavailable for reads, whatever the key', async () => {
    const bootstrap = await down.app.inject({ method: 'GET', url: '/v1/channels', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    expect(bootstrap.statusCode).toBe(503);
    expect(bootstrap.json()).toEqual({ error: { code: 'unavailable', message: expect.stringMatching(/database/) } });
    expect(bootstrap.headers['retry-after']).toBe('5');
    // A stored key cannot even be looked up.
    const keyed = await down.app.inject({ method: 'GET', url: '/v1/trends', headers: { authorization: `Bearer fw_${'B'.repeat(43)}` } });
    expect(keyed.statusCode).toBe(503);
    // What needs no database still works.
    expect((await down.app.inject({ method: 'GET', url: '/v1/frames', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).statusCode).toBe(200);
    expect((await down.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  it('describes every route with its parameters, responses and errors', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual([
      'DELETE /v1/channels/{id}', 'GET /health', 'GET /metrics', 'GET /ready', 'GET /v1/audiences/compare', 'GET /v1/channels',
      'GET /v1/channels/{id}', 'GET /v1/channels/{id}/subscribers', 'GET /v1/events', 'GET /v1/frames', 'GET /v1/graph/forwards',
      'GET /v1/posts', 'GET /v1/posts/{channelId}/{messageId}', 'GET /v1/trends', 'PATCH /v1/channels/{id}', 'POST /v1/channels',
      'GET /v1/webhooks', 'POST /v1/webhooks', 'DELETE /v1/webhooks/{id}', 'GET /v1/webhooks/{id}/deliveries',
      'GET /v1/digests', 'POST /v1/digests', 'DELETE /v1/digests/{id}', 'GET /v1/digests/{id}/preview',
    ].sort());
    const trends = doc.paths['/v1/trends'].get;
    expect(trends.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['bucket', 'from', 'to', 'audience', 'frame', 'groupBy', 'metric', 'weight']));
    expect(Object.keys(trends.responses['200'].content)).toEqual(['application/json', 'text/csv']);
    expect(trends.responses['400'].content['application/json'].schema.properties.error.properties).toHaveProperty('code');
    expect(trends.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/v1/channels'].post.requestBody.content['application/json'].schema.required).toEqual(['username', 'audience']);
  });
});
