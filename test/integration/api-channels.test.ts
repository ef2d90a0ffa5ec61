// Channel management through the API, and what it does to trends.
import { describe, expect, it } from 'vitest';
import { recordChannelSnapshot } from '../../services/channels/store.ts';
import { saveClassifications } from '../../services/classification/store.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import { useTestApi } from '../helpers/api.ts';

const api = useTestApi();
const admin = () => ({ key: api.adminKey });

async function create(body: Record<string, unknown>) {
  return api.inject({ method: 'POST', url: '/v1/channels', payload: body, ...admin() });
}

async function seedPosts(channelId: number, count: number): Promise<void> {
  await api.db.transaction(async (tx) => {
    await upsertPosts(tx, channelId, Array.from({ length: count }, (_, i) => ({
      messageId: i + 1, postedAt: new Date(Date.UTC(2025, 0, 6 + i)), text: 'Korea', entities: null, views: 100, forwards: null, replies: null,
      reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
    })), { source: 'web', seenAt: new Date() });
    await saveClassifications(tx, channelId, 'test', Array.from({ length: count }, (_, i) => ({
      messageId: i + 1, version: 1, lang: 'en', onTopic: true, frames: [{ frame: 'denial', score: 1, evidence: [] }],
    })), new Date());
  });
}

async function denialByAudience(): Promise<Record<string, number>> {
  const trend = await api.get('/v1/trends?metric=posts&frame=denial&groupBy=audience&from=2025-01-01&to=2025-03-01');
  return Object.fromEntries(trend.series.map((s: { key: string; points: Array<{ posts: number }> }) => [s.key, s.points.reduce((n, p) => n + p.posts, 0)]));
}

describe('channels', () => {
  it('registers a channel from a t.me link (admin), with Location, and refuses it twice', async () => {
    const res = await create({ username: 'https://t.me/s/Kursk_Watch', audience: 'ru', labels: ['voenkor'], title: 'Kursk watch' });
    expect(res.statusCode).toBe(201);
    const channel = res.json();
    expect(res.headers.location).toBe(`/v1/channels/${channel.id}`);
    expect(channel).toMatchObject({
      username: 'kursk_watch', audience: 'ru', labels: ['voenkor'], title: 'Kursk watch', status: 'active', url: 'https://t.me/kursk_watch',
      posts: 0, subscribers: null,
    });
    const again = await create({ username: '@kursk_watch', audience: 'ua' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
  });

  it('says which part of a bad channel reference is wrong', async () => {
    const res = await create({ username: 'https://t.me/+AbCdEf', audience: 'ru' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ parameter: 'username', message: expect.stringMatching(/^username: .*private invite link/) });
  });

  it('lists channels with their stats and filters by audience and status', async () => {
    const ua = (await create({ username: '@list_ua_one', audience: 'ua' })).json();
    await recordChannelSnapshot(api.db, ua.id, { telegramId: null, username: null, title: '', about: null, subscribers: 1234, subscribersExact: false, observedAt: new Date('2025-01-01T00:00:00Z') }, 'web');
    await seedPosts(ua.id, 3);
    const list = await api.get('/v1/channels?audience=ua');
    expect(list.items.map((c: { username: string }) => c.username)).toEqual(['list_ua_one']);
    const one = await api.get(`/v1/channels/${ua.id}`);
    expect(one).toMatchObject({ subscribers: 1234, subscribersAt: '2025-01-01T00:00:00.000Z', posts: 3, onTopicPosts: 3, firstPostDay: '2025-01-06', lastPostDay: '2025-01-08' });
    expect((await api.get('/v1/channels?status=paused')).items).toEqual([]);
  });

  it('changes the audience, and trends move the channel\'s posts with it', async () => {
    const c = (await create({ username: '@moving_channel', audience: 'west' })).json();
    await seedPosts(c.id, 4);
    const before = await denialByAudience();
    const res = await api.inject({ method: 'PATCH', url: `/v1/channels/${c.id}`, payload: { audience: 'monitor', labels: ['moved'] }, ...admin() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ audience: 'monitor', labels: ['moved'] });
    const after = await denialByAudience();
    expect(after.west).toBe(before.west! - 4);
    expect(after.monitor).toBe(before.monitor! + 4);

    const unassigned = await api.inject({ method: 'PATCH', url: `/v1/channels/${c.id}`, payload: { audience: null }, ...admin() });
    expect(unassigned.json().audience).toBeNull();
    expect((await denialByAudience()).unassigned).toBe(4);
  });

  it('pauses and resumes collection', async () => {
    const c = (await create({ username: '@pausing_channel', audience: 'ru' })).json();
    const paused = await api.inject({ method: 'PATCH', url: `/v1/channels/${c.id}`, payload: { status: 'paused' }, ...admin() });
    expect(paused.json().status).toBe('paused');
    const bad = await api.inject({ method: 'PATCH', url: `/v1/channels/${c.id}`, payload: { status: 'not_found' }, ...admin() });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.parameter).toBe('status');
  });

  it('deletes a channel with its posts, and trends forget them', async () => {
    const c = (await create({ username: '@doomed_channel', audience: 'ua' })).json();
    await seedPosts(c.id, 5);
    const before = await denialByAudience();
    const res = await api.inject({ method: 'DELETE', url: `/v1/channels/${c.id}`, ...admin() });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await api.inject({ method: 'GET', url: `/v1/channels/${c.id}` })).statusCode).toBe(404);
    expect((await api.inject({ method: 'GET', url: `/v1/posts/${c.id}/1` })).statusCode).toBe(404);
    expect((await denialByAudience()).ua).toBe(before.ua! - 5);
    expect((await api.inject({ method: 'DELETE', url: `/v1/channels/${c.id}`, ...admin() })).statusCode).toBe(404);
  });

  it('gives the subscriber series within a range', async () => {
    const c = (await create({ username: '@growing_channel', audience: 'ru' })).json();
    for (const [day, n] of [['2025-01-01', 100], ['2025-01-08', 150], ['2025-01-15', 210]] as const) {
      await recordChannelSnapshot(api.db, c.id, { telegramId: null, username: null, title: '', about: null, subscribers: n, subscribersExact: true, observedAt: new Date(`${day}T06:00:00Z`) }, 'mtproto');
    }
    const series = await api.get(`/v1/channels/${c.id}/subscribers?from=2025-01-02&to=2025-01-15T06:00:00Z`);
    expect(series).toEqual({ channelId: c.id, points: [{ at: '2025-01-08T06:00:00.000Z', subscribers: 150, exact: true, source: 'mtproto' }] });
    expect((await api.get(`/v1/channels/${c.id}/subscribers`)).points).toHaveLength(3);
    expect((await api.inject({ method: 'GET', url: '/v1/channels/987654/subscribers' })).statusCode).toBe(404);
  });
});
