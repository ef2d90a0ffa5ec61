import { describe, expect, it } from 'vitest';
import { advanceCursors, getChannel, registerChannel } from '../../services/channels/store.ts';
import { getPost, getPostVersions, markDeleted, upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost } from '../../services/posts/types.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';

const t = useTestDatabase();

function post(messageId: number, overrides: Partial<ChannelPost> = {}): ChannelPost {
  return {
    messageId,
    postedAt: new Date(Date.UTC(2024, 11, 1, 12, 0, messageId)),
    text: `post ${messageId}`,
    entities: null,
    views: null,
    forwards: null,
    replies: null,
    reactions: null,
    editedAt: null,
    forwardedFrom: null,
    mediaKind: null,
    groupedId: null,
    ...overrides,
  };
}

let counter = 0;
async function newChannel(): Promise<number> {
  counter++;
  const { channel } = await registerChannel(t.db, { username: `store_test_${counter}`, audience: 'ru' });
  return channel.id;
}

const at = (iso: string) => new Date(iso);

describe('upsertPosts', () => {
  it('inserts new posts, then leaves identical ones untouched', async () => {
    const channelId = await newChannel();
    const batch = [post(1), post(2, { text: '', mediaKind: 'photo' })];
    const first = await t.db.transaction((tx) => upsertPosts(tx, channelId, batch, { source: 'export', seenAt: at('2025-01-01T00:00:00Z') }));
    expect(first).toEqual({ inserted: [1, 2], edited: [], refreshed: [], unchanged: 0 });
    const xmin = await t.db.query('SELECT xmin::text FROM posts WHERE channel_id = $1 ORDER BY message_id', [channelId]);
    const again = await t.db.transaction((tx) => upsertPosts(tx, channelId, batch, { source: 'export', seenAt: at('2025-02-01T00:00:00Z') }));
    expect(again).toEqual({ inserted: [], edited: [], refreshed: [], unchanged: 2 });
    // Not rewritten at all: same row versions, first/last seen unchanged.
    expect((await t.db.query('SELECT xmin::text FROM posts WHERE channel_id = $1 ORDER BY message_id', [channelId])).rows).toEqual(xmin.rows);
    expect((await getPost(t.db, channelId, 1))?.last_seen_at).toEqual(at('2025-01-01T00:00:00Z'));
  });

  it('keeps every earlier text as a version when a post is edited', async () => {
    const channelId = await newChannel();
    const seen = (iso: string) => ({ source: 'mtproto' as const, seenAt: at(iso) });
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(7, { text: 'v1', views: 10 })], seen('2025-01-01T00:00:00Z')));
    const edit = await t.db.transaction((tx) =>
      upsertPosts(tx, channelId, [post(7, { text: 'v2', views: 15, editedAt: at('2025-01-01T05:00:00Z') })], seen('2025-01-01T06:00:00Z')),
    );
    expect(edit.edited).toEqual([7]);
    await t.db.transaction((tx) =>
      upsertPosts(tx, channelId, [post(7, { text: 'v3', views: 20, editedAt: at('2025-01-02T05:00:00Z') })], seen('2025-01-02T06:00:00Z')),
    );
    const stored = await getPost(t.db, channelId, 7);
    expect(stored).toMatchObject({ text: 'v3', version: 3, views: 20, edited_at: at('2025-01-02T05:00:00Z') });
    expect(await getPostVersions(t.db, channelId, 7)).toEqual([
      { version: 1, text: 'v1', edited_at: null, superseded_at: at('2025-01-01T06:00:00Z') },
      { version: 2, text: 'v2', edited_at: at('2025-01-01T05:00:00Z'), superseded_at: at('2025-01-02T06:00:00Z') },
    ]);
  });

  it('dates a text change seen without an edit time (web preview) to when it was seen', async () => {
    const channelId = await newChannel();
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(3, { text: 'old' })], { source: 'web', seenAt: at('2025-01-01T00:00:00Z') }));
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(3, { text: 'new' })], { source: 'web', seenAt: at('2025-01-03T00:00:00Z') }));
    expect(await getPost(t.db, channelId, 3)).toMatchObject({ text: 'new', version: 2, edited_at: at('2025-01-03T00:00:00Z') });
  });

  it('never lets an older export roll back a later edit, nor erase live metrics', async () => {
    const channelId = await newChannel();
    await t.db.transaction((tx) =>
      upsertPosts(tx, channelId, [post(4, { text: 'edited text', views: 900, forwards: 12, editedAt: at('2025-01-05T00:00:00Z') })], {
        source: 'mtproto',
        seenAt: at('2025-01-06T00:00:00Z'),
      }),
    );
    const outcome = await t.db.transaction((tx) =>
      upsertPosts(tx, channelId, [post(4, { text: 'original text' })], { source: 'export', seenAt: at('2025-01-07T00:00:00Z') }),
    );
    expect(outcome.edited).toEqual([]);
    expect(await getPost(t.db, channelId, 4)).toMatchObject({ text: 'edited text', version: 1, views: 900, forwards: 12 });
    expect(await getPostVersions(t.db, channelId, 4)).toEqual([]);
  });

  it('keeps a deleted mark through a re-import but clears it when a live source sees the post', async () => {
    const channelId = await newChannel();
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(5), post(6)], { source: 'mtproto', seenAt: at('2025-01-01T00:00:00Z') }));
    expect(await t.db.transaction((tx) => markDeleted(tx, channelId, [5, 6, 99], at('2025-01-02T00:00:00Z')))).toEqual([5, 6]);
    expect(await t.db.transaction((tx) => markDeleted(tx, channelId, [5], at('2025-01-03T00:00:00Z')))).toEqual([]);
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(5)], { source: 'export', seenAt: at('2025-01-04T00:00:00Z') }));
    expect((await getPost(t.db, channelId, 5))?.deleted_at).toEqual(at('2025-01-02T00:00:00Z'));
    expect((await getPost(t.db, channelId, 5))?.text).toBe('post 5'); // the text is evidence; kept
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(6)], { source: 'web', seenAt: at('2025-01-04T00:00:00Z') }));
    expect((await getPost(t.db, channelId, 6))?.deleted_at).toBeNull();
  });

  it('clears the classification summary of an edited post so it is tagged again', async () => {
    const channelId = await newChannel();
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(8, { text: 'a' }), post(9, { text: 'b' })], { source: 'mtproto', seenAt: at('2025-01-01T00:00:00Z') }));
    await t.db.query(`UPDATE posts SET lang = 'ru', on_topic = true, classifier_version = 'v1', classified_at = now() WHERE channel_id = $1`, [channelId]);
    await t.db.transaction((tx) =>
      upsertPosts(tx, channelId, [post(8, { text: 'a, edited' }), post(9, { text: 'b', views: 5 })], { source: 'mtproto', seenAt: at('2025-01-02T00:00:00Z') }),
    );
    const rows = await t.db.query<{ message_id: number; classifier_version: string | null }>(
      'SELECT message_id, classifier_version FROM posts WHERE channel_id = $1 ORDER BY message_id',
      [channelId],
    );
    expect(rows.rows).toEqual([
      { message_id: 8, classifier_version: null },
      { message_id: 9, classifier_version: 'v1' },
    ]);
  });

  it('takes the last occurrence when a batch lists a message twice', async () => {
    const channelId = await newChannel();
    const outcome = await t.db.transaction((tx) =>
      upsertPosts(tx, channelId, [post(10, { views: 1 }), post(10, { views: 2 })], { source: 'mtproto', seenAt: at('2025-01-01T00:00:00Z') }),
    );
    expect(outcome.inserted).toEqual([10]);
    expect((await getPost(t.db, channelId, 10))?.views).toBe(2);
  });

  it('advances the cursors with the posts in one transaction, or not at all', async () => {
    const channelId = await newChannel();
    await expect(
      t.db.transaction(async (tx) => {
        await upsertPosts(tx, channelId, [post(20), post(21)], { source: 'mtproto', seenAt: at('2025-01-01T00:00:00Z') });
        await advanceCursors(tx, channelId, { newestMessageId: 21, oldestMessageId: 20 });
        throw new Error('worker killed');
      }),
    ).rejects.toThrow('worker killed');
    expect(await getPost(t.db, channelId, 20)).toBeNull();
    expect((await getChannel(t.db, channelId))?.newestMessageId).toBeNull();

    await t.db.transaction(async (tx) => {
      await upsertPosts(tx, channelId, [post(20), post(21)], { source: 'mtproto', seenAt: at('2025-01-01T00:00:00Z') });
      await advanceCursors(tx, channelId, { newestMessageId: 21, oldestMessageId: 20 });
    });
    await advanceCursors(t.db, channelId, { newestMessageId: 15, oldestMessageId: 25 }); // never backwards
    expect(await getChannel(t.db, channelId)).toMatchObject({ newestMessageId: 21, oldestMessageId: 20 });
  });
});
