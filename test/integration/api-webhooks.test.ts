import { describe, expect, it } from 'vitest';
import { recordAttempt, insertDeliveries, insertEvents } from '../../services/alerts/store.ts';
import { deliveryId } from '../../services/alerts/events.ts';
import { registerChannel } from '../../services/channels/store.ts';
import { useTestApi } from '../helpers/api.ts';

const api = useTestApi();

function post(body: unknown, key: string | null = api.adminKey) {
  return api.inject({ method: 'POST', url: '/v1/webhooks', payload: body as Record<string, unknown>, key });
}

describe('/v1/webhooks', () => {
  it('creates a webhook with a generated secret shown once, lists it without, deletes it', async () => {
    const { channel } = await registerChannel(api.db, { username: 'hook_target', audience: 'ru' });
    const res = await post({ url: 'https://example.org/hook', frames: ['denial'], audiences: ['ru', 'ua'], channels: ['@hook_target'] });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ url: 'https://example.org/hook', frames: ['denial'], audiences: ['ru', 'ua'], channels: [channel.id] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(res.headers.location).toBe(`/v1/webhooks/${created.id}`);

    const given = await post({ url: 'http://127.0.0.1:9/x', secret: 'my-own-secret-value-123' });
    expect(given.json().secret).toBe('my-own-secret-value-123');

    const list = await api.get('/v1/webhooks', api.adminKey);
    expect(list.items.map((w: { id: number }) => w.id)).toEqual([created.id, given.json().id]);
    expect(JSON.stringify(list)).not.toContain('secret');

    expect((await api.inject({ method: 'DELETE', url: `/v1/webhooks/${created.id}`, key: api.adminKey })).statusCode).toBe(204);
    expect((await api.inject({ method: 'DELETE', url: `/v1/webhooks/${created.id}`, key: api.adminKey })).statusCode).toBe(404);
    expect((await api.get('/v1/webhooks', api.adminKey)).items).toHaveLength(1);
  });

  it('400 names the bad parameter', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'url'],
      [{ url: 'ftp://example.org/x' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'https://user:pw@example.org/x' }, 'url'],
      [{ url: 'https://example.org/x', frames: ['no_such_frame'] }, 'frames.0'],
      [{ url: 'https://example.org/x', audiences: ['mars'] }, 'audiences.0'],
      [{ url: 'https://example.org/x', channels: ['@nobody_here'] }, 'channels'],
      [{ url: 'https://example.org/x', secret: 'short' }, 'secret'],
      [{ url: 'https://example.org/x', colour: 'red' }, 'colour'],
    ];
    for (const [body, parameter] of cases) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error, JSON.stringify(body)).toMatchObject({ code: 'invalid_parameter', parameter });
      expect(res.json().error.message.startsWith(`${parameter}:`)).toBe(true);
    }
    expect((await post({ url: 'https://example.org/x', channels: ['@nobody_here'] })).json().error.message).toContain('@nobody_here');
  });

  it('needs an admin key, for reads too (URLs can carry the receiver\'s tokens)', async () => {
    expect((await post({ url: 'https://example.org/x' }, null)).statusCode).toBe(401);
    expect((await post({ url: 'https://example.org/x' }, api.readKey)).statusCode).toBe(403);
    expect((await api.inject({ method: 'DELETE', url: '/v1/webhooks/1', key: api.readKey })).statusCode).toBe(403);
    expect((await api.inject({ method: 'GET', url: '/v1/webhooks', key: api.readKey })).statusCode).toBe(403);
    expect((await api.inject({ method: 'GET', url: '/v1/webhooks/1/deliveries', key: api.readKey })).statusCode).toBe(403);
    expect((await api.inject({ method: 'GET', url: '/v1/webhooks', key: null })).statusCode).toBe(401);
    expect((await api.inject({ method: 'GET', url: '/v1/webhooks', key: api.adminKey })).statusCode).toBe(200);
  });

  it('GET /v1/webhooks/:id/deliveries lists every attempt, newest first; 404 for an unknown webhook', async () => {
    const hook = (await post({ url: 'https://example.org/log' })).json();
    const at = new Date('2025-03-03T10:00:00Z');
    const event = { id: 'evt_log', type: 'post.framed' as const, frames: ['denial'], audience: 'ru', channelId: null, data: { x: 1 } };
    await insertEvents(api.db, [event], at);
    const id = deliveryId(hook.id, event.id);
    await insertDeliveries(api.db, [{ id, webhookId: hook.id, eventId: event.id }]);
    await recordAttempt(api.db, { deliveryId: id, attempt: 1, attemptedAt: at, statusCode: null, error: 'ECONNREFUSED: connect ECONNREFUSED', durationMs: 3 }, null);
    await recordAttempt(api.db, { deliveryId: id, attempt: 2, attemptedAt: new Date(at.getTime() + 30_000), statusCode: 200, error: null, durationMs: 41 }, 'delivered');
    const { items } = await api.get(`/v1/webhooks/${hook.id}/deliveries`, api.adminKey);
    expect(items).toEqual([
      { deliveryId: id, eventId: 'evt_log', eventType: 'post.framed', status: 'delivered', attempt: 2, at: '2025-03-03T10:00:30.000Z', statusCode: 200, error: null, durationMs: 41 },
      { deliveryId: id, eventId: 'evt_log', eventType: 'post.framed', status: 'delivered', attempt: 1, at: '2025-03-03T10:00:00.000Z', statusCode: null, error: 'ECONNREFUSED: connect ECONNREFUSED', durationMs: 3 },
    ]);
    const missing = await api.inject({ method: 'GET', url: '/v1/webhooks/999999/deliveries', key: api.adminKey });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });
});

describe('/metrics', () => {
  it('reports pending deliveries and the last day\'s attempts by result', async () => {
    const hook = (await post({ url: 'https://example.org/metrics' })).json();
    const events = ['evt_m1', 'evt_m2', 'evt_m3'].map((id) => ({ id, type: 'post.framed' as const, frames: ['denial'], audience: 'ru', channelId: null, data: {} }));
    await insertEvents(api.db, events, new Date());
    const ids = events.map((e) => deliveryId(hook.id, e.id));
    await insertDeliveries(api.db, ids.map((id, i) => ({ id, webhookId: hook.id, eventId: events[i]!.id })));
    const now = new Date();
    await recordAttempt(api.db, { deliveryId: ids[0]!, attempt: 1, attemptedAt: now, statusCode: 500, error: null, durationMs: 5 }, null);
    await recordAttempt(api.db, { deliveryId: ids[0]!, attempt: 2, attemptedAt: now, statusCode: 202, error: null, durationMs: 5 }, 'delivered');
    await recordAttempt(api.db, { deliveryId: ids[1]!, attempt: 1, attemptedAt: now, statusCode: null, error: 'no response within 10000 ms', durationMs: 10_000 }, 'failed');
    const text = (await api.app.inject({ url: '/metrics' })).body;
    const sample = (name: string, labels = '') => Number(new RegExp(`^${name}${labels.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(sample('framewatch_webhook_attempts_24h', '{result="accepted"}')).toBe(1);
    expect(sample('framewatch_webhook_attempts_24h', '{result="refused"}')).toBe(1);
    expect(sample('framewatch_webhook_attempts_24h', '{result="unreachable"}')).toBe(1);
    expect(sample('framewatch_webhook_deliveries_failed_24h')).toBe(1);
    expect(sample('framewatch_webhook_deliveries_pending')).toBe(1);
  });
});
