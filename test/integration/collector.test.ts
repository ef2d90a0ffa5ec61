import { beforeEach, describe, expect, it } from 'vitest';
import { registerChannel } from '../../services/channels/store.ts';
import { createCollector } from '../../services/collection/collector.ts';
import { ChannelUnavailableError } from '../../services/collection/source.ts';
import { getCollectionState, setBackfillUntil, withChannelLease } from '../../services/collection/state.ts';
import { RetryLaterError } from '../../services/pacing/retry-later.ts';
import { getPost, getPostVersions } from '../../services/posts/store.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';
import { FakeSource, post } from '../fakes/fake-source.ts';

const t = useTestDatabase();
let n = 0;
let channelId: number;
let source: FakeSource;
let stored: Array<{ channelId: number; ids: number[] }>;

async function storedIds(): Promise<number[]> {
  const { rows } = await t.db.query<{ message_id: number }>('SELECT message_id FROM posts WHERE channel_id = $1 ORDER BY message_id', [channelId]);
  return rows.map((r) => r.message_id);
}

function collector() {
  return createCollector({
    db: t.db,
    source,
    onStored: async (id, ids) => {
      stored.push({ channelId: id, ids });
    },
  });
}

const FULL = { maxPages: Infinity, defaultBackfillSince: null };

beforeEach(async () => {
  n++;
  channelId = (await registerChannel(t.db, { username: `fake_channel_${n}`, audience: 'ru' })).channel.id;
  source = new FakeSource('web');
  stored = [];
});

describe('collector: new posts and backfill', () => {
  it('backfills a channel page by page within a budget, each page committed with its cursor', async () => {
    source.addRange(1, 95);
    const c = collector();
    const first = await c.poll(channelId, { ...FULL, maxPages: 2 });
    expect(first).toMatchObject({ outcome: 'more', pages: 2, inserted: 40, newestMessageId: 95, oldestMessageId: 56, backfillDone: false });
    expect(await storedIds()).toEqual(range(56, 95));
    const rest = await c.poll(channelId, FULL);
    expect(rest).toMatchObject({ outcome: 'done', inserted: 55, oldestMessageId: 1, backfillDone: true });
    expect(await storedIds()).toEqual(range(1, 95));
    // Every stored post was handed on for classification exactly once.
    expect(stored.flatMap((s) => s.ids).sort((a, b) => a - b)).toEqual(range(1, 95));
  });

  it('a second pass adds exactly the new posts, with one request when nothing is older', async () => {
    source.addRange(1, 30);
    const c = collector();
    await c.poll(channelId, FULL);
    source.addRange(31, 5);
    const before = source.requests;
    const second = await c.poll(channelId, FULL);
    expect(second).toMatchObject({ outcome: 'done', inserted: 5, newestMessageId: 35 });
    expect(source.requests - before).toBe(1);
    expect(stored.at(-1)!.ids).toEqual(range(31, 35));
  });

  it('resumes an interrupted walk down to the newest cursor without losing the gap', async () => {
    source.addRange(1, 10);
    const c = collector();
    await c.poll(channelId, FULL);
    source.addRange(11, 50); // 50 new posts: three pages down to the cursor
    source.failAt = { request: source.requests + 3, error: () => new Error('connection reset') };
    await expect(c.poll(channelId, FULL)).rejects.toThrow('connection reset');
    const mid = await getCollectionState(t.db, channelId);
    // Two pages (60..41, 40..21) are stored; the newest cursor has not moved past the gap 11..20.
    expect(mid).toMatchObject({ newestMessageId: 10, catchUp: { top: 60, before: 21 } });
    expect(await storedIds()).toEqual([...range(1, 10), ...range(21, 60)]);
    const resumed = await c.poll(channelId, FULL);
    expect(resumed).toMatchObject({ outcome: 'done', inserted: 10, newestMessageId: 60 });
    expect(await getCollectionState(t.db, channelId)).toMatchObject({ catchUp: null, newestMessageId: 60 });
    expect(await storedIds()).toEqual(range(1, 60));
  });

  it('stops the backfill at the horizon date', async () => {
    source.addRange(1, 100); // post i at 2024-12-01 + i hours
    await setBackfillUntil(t.db, channelId, new Date('2024-12-03T00:00:00Z')); // post 48
    const report = await collector().poll(channelId, FULL);
    expect(report.backfillDone).toBe(true);
    const ids = await storedIds();
    expect(ids[0]).toBeLessThanOrEqual(48);
    expect(ids[0]).toBeGreaterThan(20);
  });

  it('keeps what it stored when Telegram says "later", and says when', async () => {
    source.addRange(1, 50);
    source.failAt = { request: 2, error: () => new RetryLaterError(120_000, 'FLOOD_WAIT_120') };
    await expect(collector().poll(channelId, FULL)).rejects.toBeInstanceOf(RetryLaterError);
    expect(await storedIds()).toEqual(range(31, 50));
  });

  it('lets only one collector work on a channel at a time', async () => {
    source.addRange(1, 5);
    // Another collector (another worker process) holds the channel's lease.
    const inner = await withChannelLease(t.db, channelId, () => collector().poll(channelId, FULL));
    expect(inner).toMatchObject({ outcome: 'busy', pages: 0 });
    expect(source.requests).toBe(0);
    expect(await collector().poll(channelId, FULL)).toMatchObject({ outcome: 'done', inserted: 5 });
  });

  it('records why a channel cannot be read', async () => {
    source.unavailable = new ChannelUnavailableError('no_preview', '@x shows no public preview');
    const report = await collector().poll(channelId, FULL);
    expect(report).toMatchObject({ outcome: 'unavailable', status: 'no_preview' });
    expect((await getCollectionState(t.db, channelId))!.status).toBe('no_preview');
    source.unavailable = null;
    source.addRange(1, 3);
    expect(await collector().poll(channelId, FULL)).toMatchObject({ outcome: 'done', status: 'active' });
  });
});

describe('collector: snapshot and refresh', () => {
  it('records the subscriber count', async () => {
    source.subscribers = 64_321;
    const report = await collector().snapshot(channelId);
    expect(report.snapshot?.subscribers).toBe(64_321);
    const { rows } = await t.db.query<{ subscribers: number; exact: boolean; source: string }>(
      'SELECT subscribers, exact, source FROM subscriber_snapshots WHERE channel_id = $1', [channelId]);
    expect(rows).toEqual([{ subscribers: 64_321, exact: true, source: 'web' }]);
  });

  it('stores an edit as a new version and passes the post on for re-classification', async () => {
    const now = Date.now();
    source.add(post(1, new Date(now - 3_600_000), 'Корейцев нет'), post(2, new Date(now - 1_800_000), 'другое'));
    const c = collector();
    await c.poll(channelId, FULL);
    stored = [];
    source.add(post(1, new Date(now - 3_600_000), 'Корейцы есть, но это буряты', { editedAt: new Date(now - 60_000) }));
    const report = await c.refresh(channelId, 48 * 3_600_000);
    expect(report).toMatchObject({ edited: 1, deleted: 0 });
    expect(await getPost(t.db, channelId, 1)).toMatchObject({ text: 'Корейцы есть, но это буряты', version: 2 });
    expect((await getPostVersions(t.db, channelId, 1)).map((v) => v.text)).toEqual(['Корейцев нет']);
    expect(stored).toEqual([{ channelId, ids: [1] }]);
  });

  it('marks a deleted post deleted and keeps its text', async () => {
    const now = Date.now();
    source.add(post(1, new Date(now - 3_600_000), 'будет удалён'), post(2, new Date(now - 60_000)));
    const c = collector();
    await c.poll(channelId, FULL);
    source.posts.delete(1);
    const report = await c.refresh(channelId, 48 * 3_600_000);
    expect(report.deleted).toBe(1);
    const row = await getPost(t.db, channelId, 1);
    expect(row?.deleted_at).toBeInstanceOf(Date);
    expect(row?.text).toBe('будет удалён');
    expect((await getPost(t.db, channelId, 2))?.deleted_at).toBeNull();
  });

  it('does not re-read posts older than the window', async () => {
    source.add(post(1, new Date('2020-01-01T00:00:00Z')));
    const c = collector();
    await c.poll(channelId, FULL);
    const before = source.requests;
    await c.refresh(channelId, 48 * 3_600_000);
    expect(source.requests).toBe(before);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
