import { beforeEach, describe, expect, it } from 'vitest';
import { registerChannel } from '../../services/channels/store.ts';
import { createCollector } from '../../services/collection/collector.ts';
import { getCollectionState } from '../../services/collection/state.ts';
import { createPacer, type Clock } from '../../services/pacing/pacer.ts';
import { RetryLaterError } from '../../services/pacing/retry-later.ts';
import { getPost } from '../../services/posts/store.ts';
import { accountKey } from '../../services/telegram/accounts.ts';
import { createMtprotoSource, type MtprotoAccount } from '../../services/telegram/source.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';
import { ACCESS_HASH, apiMessage, CHANNEL_ID, FakeMtprotoClient } from '../fakes/fake-mtproto.ts';

const t = useTestDatabase();
let n = 0;
let channelId: number;
let client: FakeMtprotoClient;
let account: MtprotoAccount;
let clock: Clock & { t: number; slept: number[] };

function source() {
  return createMtprotoSource({ accounts: [account], resolvePacer: createPacer({ perSecond: 1 / 60, burst: 3 }, clock), clock });
}

const FULL = { maxPages: Infinity, defaultBackfillSince: null };

beforeEach(async () => {
  n++;
  channelId = (await registerChannel(t.db, { username: `kursk_front_${n}`, audience: 'ru' })).channel.id;
  client = new FakeMtprotoClient(CHANNEL_ID + n);
  clock = {
    t: Date.parse('2024-12-16T18:00:00Z'),
    slept: [],
    now() {
      return this.t;
    },
    async sleep(ms) {
      this.slept.push(ms);
      this.t += ms;
    },
  };
  account = { key: accountKey('session-one'), client, pacer: createPacer({ perSecond: 1, burst: 5 }, clock) };
});

describe('MTProto source through the collector', () => {
  it('resolves a channel once, keeps its id, access hash and account, and reads history in pages of 100', async () => {
    for (let id = 1; id <= 250; id++) client.messages.set(id, apiMessage(id));
    const collector = createCollector({ db: t.db, source: source() });
    const first = await collector.poll(channelId, FULL);
    expect(first).toMatchObject({ outcome: 'done', inserted: 250, pages: 3, newestMessageId: 250, oldestMessageId: 1, backfillDone: true });
    expect(await getCollectionState(t.db, channelId)).toMatchObject({ telegramId: CHANNEL_ID + n, accessHash: ACCESS_HASH, account: account.key });
    expect(client.calls).toEqual([
      `resolveUsername kursk_front_${n}`,
      'getHistory offset=0 min=0',
      'getHistory offset=151 min=0',
      'getHistory offset=51 min=0',
    ]);

    // New posts: asked for with min_id, one request; no resolve again.
    client.calls = [];
    for (let id = 251; id <= 260; id++) client.messages.set(id, apiMessage(id));
    const second = await collector.poll(channelId, FULL);
    expect(second).toMatchObject({ inserted: 10, newestMessageId: 260 });
    expect(client.calls).toEqual(['getHistory offset=0 min=250']);
  });

  it('records the subscriber count from GetFullChannel with the stored access hash', async () => {
    client.messages.set(1, apiMessage(1));
    const collector = createCollector({ db: t.db, source: source() });
    const report = await collector.snapshot(channelId);
    expect(report.snapshot).toMatchObject({ subscribers: 64_321, subscribersExact: true, telegramId: CHANNEL_ID + n });
    expect(client.calls.at(-1)).toBe(`getFullChannel ${CHANNEL_ID + n}/${ACCESS_HASH}`);
  });

  it('notices edits (edit_date) and deletions (MessageEmpty) when re-reading recent posts', async () => {
    const recent = Math.floor(clock.now() / 1000) - 3600;
    for (let id = 1; id <= 5; id++) client.messages.set(id, apiMessage(id, { date: recent + id }));
    const collector = createCollector({ db: t.db, source: source(), now: () => new Date(clock.now()) });
    await collector.poll(channelId, FULL);
    client.messages.set(2, apiMessage(2, { date: recent + 2, message: 'исправлено', editDate: recent + 600, views: 900 }));
    client.messages.delete(4);
    client.calls = [];
    const report = await collector.refresh(channelId, 48 * 3_600_000);
    expect(report).toMatchObject({ edited: 1, deleted: 1 });
    expect(client.calls).toEqual(['getMessages 5']);
    expect(await getPost(t.db, channelId, 2)).toMatchObject({ text: 'исправлено', version: 2, views: 900 });
    expect(await getPost(t.db, channelId, 4)).toMatchObject({ text: 'сообщение 4' });
    expect((await getPost(t.db, channelId, 4))!.deleted_at).toBeInstanceOf(Date);
  });

  it('turns a FloodWait into RetryLaterError and holds the account back instead of sleeping', async () => {
    for (let id = 1; id <= 150; id++) client.messages.set(id, apiMessage(id));
    client.floodOn = { method: 'getHistory', seconds: 420 };
    const s = source();
    const collector = createCollector({ db: t.db, source: s });
    const err = await collector.poll(channelId, FULL).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).retryAfterMs).toBe(420_000);
    expect(clock.slept).toEqual([]);
    // The next job for this account does not even send: it is told to come back after the wait.
    const next = await collector.poll(channelId, FULL).catch((e: unknown) => e);
    expect(next).toBeInstanceOf(RetryLaterError);
    expect((next as RetryLaterError).retryAfterMs).toBeGreaterThan(400_000);
    expect(client.calls.filter((c) => c.startsWith('getHistory'))).toHaveLength(1);
  });

  it('refuses to give two registered names the same Telegram channel (a renamed channel)', async () => {
    const other = (await registerChannel(t.db, { username: `kursk_front_old_${n}`, audience: 'ru' })).channel.id;
    await t.db.query('UPDATE channels SET telegram_id = $2 WHERE id = $1', [other, CHANNEL_ID + n]);
    const report = await createCollector({ db: t.db, source: source() }).poll(channelId, FULL);
    expect(report).toMatchObject({ outcome: 'unavailable', status: 'error' });
    expect(report.detail).toMatch(new RegExp(`same Telegram channel as #${other} \\(@kursk_front_old_${n}\\)`));
  });

  it('marks a username that is not a channel not_found', async () => {
    await t.db.query("UPDATE channels SET username = 'someone' WHERE id = $1", [channelId]);
    const report = await createCollector({ db: t.db, source: source() }).poll(channelId, FULL);
    expect(report).toMatchObject({ outcome: 'unavailable', status: 'not_found' });
  });
});
