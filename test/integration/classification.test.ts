import { describe, expect, it } from 'vitest';
import { registerChannel } from '../../services/channels/store.ts';
import { classifyPosts, reclassifyStoredPosts } from '../../services/classification/service.ts';
import { saveClassifications } from '../../services/classification/store.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost } from '../../services/posts/types.ts';
import { refreshAllRollups } from '../../services/trends/rollups.ts';
import { keywordClassifier } from '../fakes/keyword-classifier.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';

const t = useTestDatabase();

function post(messageId: number, text: string, postedAt: string, views: number | null = null): ChannelPost {
  return {
    messageId, postedAt: new Date(postedAt), text, entities: null, views, forwards: null, replies: null,
    reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
  };
}

let n = 0;
async function channelWith(posts: ChannelPost[]): Promise<number> {
  n++;
  const { channel } = await registerChannel(t.db, { username: `classif_test_${n}`, audience: 'ua' });
  await t.db.transaction((tx) => upsertPosts(tx, channel.id, posts, { source: 'mtproto', seenAt: new Date('2025-01-20T00:00:00Z') }));
  return channel.id;
}

async function rollupsOf(channelId: number) {
  const { rows } = await t.db.query<{ day: string; bucket: string; posts: number; views: number; views_known: number }>(
    'SELECT day::text, bucket, posts, views, views_known FROM daily_rollups WHERE channel_id = $1 ORDER BY day, bucket',
    [channelId],
  );
  return rows;
}

describe('classifying stored posts', () => {
  it('stores the summary, the tags with evidence, and exact daily rollups', async () => {
    const channelId = await channelWith([
      post(1, 'Korea troops: denial and kidnapping', '2025-01-11T10:00:00Z', 100),
      post(2, 'Korea troops: denial', '2025-01-11T23:59:59Z', 50),
      post(3, 'weather report', '2025-01-11T12:00:00Z', 7),
      post(4, 'Korea: plain news', '2025-01-12T00:00:00Z'),
    ]);
    const saved = await classifyPosts(t.db, keywordClassifier(), channelId, [1, 2, 3, 4]);
    expect(saved.map((s) => [s.messageId, s.frames, s.previousFrames])).toEqual([
      [1, ['denial', 'kidnapping'], []],
      [2, ['denial'], []],
      [3, [], []],
      [4, [], []],
    ]);
    const tags = await t.db.query('SELECT message_id, frame, score, evidence, classifier_version, posted_at FROM frame_tags WHERE channel_id = $1 ORDER BY message_id, frame', [channelId]);
    expect(tags.rows[0]).toEqual({
      message_id: 1, frame: 'denial', score: expect.closeTo(0.9, 5), classifier_version: 'kw-1',
      evidence: [{ start: 14, end: 20, text: 'denial' }], posted_at: new Date('2025-01-11T10:00:00Z'),
    });
    expect(tags.rows).toHaveLength(3);
    await refreshAllRollups(t.db);
    expect(await rollupsOf(channelId)).toEqual([
      { day: '2025-01-11', bucket: '_all', posts: 3, views: 157, views_known: 3 },
      { day: '2025-01-11', bucket: '_on_topic', posts: 2, views: 150, views_known: 2 },
      { day: '2025-01-11', bucket: 'denial', posts: 2, views: 150, views_known: 2 },
      { day: '2025-01-11', bucket: 'kidnapping', posts: 1, views: 100, views_known: 1 },
      { day: '2025-01-12', bucket: '_all', posts: 1, views: 0, views_known: 0 },
      { day: '2025-01-12', bucket: '_on_topic', posts: 1, views: 0, views_known: 0 },
    ]);
  });

  it('keeps rollups exact as views refresh, posts are edited and re-tagged', async () => {
    const channelId = await channelWith([post(1, 'Korea denial', '2025-01-05T10:00:00Z', 10)]);
    await classifyPosts(t.db, keywordClassifier(), channelId, [1]);
    await refreshAllRollups(t.db);
    // Fresh metrics: the rollup's views follow.
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(1, 'Korea denial', '2025-01-05T10:00:00Z', 99)], { source: 'mtproto', seenAt: new Date() }));
    await refreshAllRollups(t.db);
    expect((await rollupsOf(channelId)).find((r) => r.bucket === 'denial')).toMatchObject({ posts: 1, views: 99 });
    // An edit clears the tags' validity until the post is classified again.
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(1, 'Korea cannon_fodder', '2025-01-05T10:00:00Z', 99)], { source: 'mtproto', seenAt: new Date() }));
    await refreshAllRollups(t.db);
    expect((await rollupsOf(channelId)).map((r) => r.bucket)).toEqual(['_all']);
    const saved = await classifyPosts(t.db, keywordClassifier(), channelId, [1]);
    expect(saved[0]).toMatchObject({ frames: ['cannon_fodder'], previousFrames: ['denial'] });
    await refreshAllRollups(t.db);
    expect((await rollupsOf(channelId)).map((r) => r.bucket)).toEqual(['_all', '_on_topic', 'cannon_fodder']);
  });

  it('does not store a result computed from a text that was edited meanwhile', async () => {
    const channelId = await channelWith([post(1, 'Korea denial', '2025-01-05T10:00:00Z')]);
    await t.db.transaction((tx) => upsertPosts(tx, channelId, [post(1, 'Korea kidnapping', '2025-01-05T10:00:00Z')], { source: 'mtproto', seenAt: new Date() }));
    const stale = { messageId: 1, version: 1, lang: 'en', onTopic: true, frames: [{ frame: 'denial', score: 1, evidence: [] }] };
    expect(await t.db.transaction((tx) => saveClassifications(tx, channelId, 'kw-1', [stale], new Date()))).toEqual([]);
    const { rows } = await t.db.query('SELECT classifier_version FROM posts WHERE channel_id = $1', [channelId]);
    expect(rows).toEqual([{ classifier_version: null }]);
  });

  it('reclassify re-tags exactly the posts of other versions, then has nothing left to do', async () => {
    const channelId = await channelWith(
      Array.from({ length: 25 }, (_, i) => post(i + 1, i % 2 ? 'Korea denial' : 'Korea kidnapping', `2025-01-${String(1 + (i % 9)).padStart(2, '0')}T10:00:00Z`)),
    );
    await classifyPosts(t.db, keywordClassifier('kw-1'), channelId, [1, 2, 3]);
    const progress: number[] = [];
    const run = await reclassifyStoredPosts(t.db, keywordClassifier('kw-2'), { batchSize: 4, onProgress: (p) => progress.push(p.done) });
    const everything = await t.db.query<{ n: number }>("SELECT count(*) AS n FROM posts WHERE classifier_version IS DISTINCT FROM 'kw-2'");
    expect(everything.rows[0]!.n).toBe(0);
    expect(run.classified).toBe(run.total);
    expect(progress.at(-1)).toBe(run.total);
    expect(await reclassifyStoredPosts(t.db, keywordClassifier('kw-2'))).toMatchObject({ classified: 0, total: 0 });
    const versions = await t.db.query('SELECT DISTINCT classifier_version FROM frame_tags WHERE channel_id = $1', [channelId]);
    expect(versions.rows).toEqual([{ classifier_version: 'kw-2' }]);
  });

  it('rollups equal a direct aggregation of posts and tags', async () => {
    // Pseudo-random but reproducible posts over two weeks.
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const texts = ['Korea denial', 'Korea kidnapping denial', 'Korea', 'other', 'Korea berserker_praise cannon_fodder'];
    const posts = Array.from({ length: 400 }, (_, i) =>
      post(i + 1, texts[Math.floor(rand() * texts.length)]!, new Date(Date.UTC(2025, 0, 1) + Math.floor(rand() * 14 * 86400_000)).toISOString(), rand() < 0.2 ? null : Math.floor(rand() * 1000)),
    );
    const channelId = await channelWith(posts);
    await classifyPosts(t.db, keywordClassifier(), channelId, posts.map((p) => p.messageId));
    await refreshAllRollups(t.db);
    const direct = await t.db.query(
      `SELECT day::text, bucket, posts, views, views_known FROM (
         SELECT (p.posted_at AT TIME ZONE 'UTC')::date AS day, b.bucket, count(*)::int AS posts,
                COALESCE(sum(p.views), 0)::bigint AS views, count(p.views)::int AS views_known
           FROM posts p
           CROSS JOIN LATERAL (SELECT '_all' AS bucket UNION ALL SELECT '_on_topic' WHERE p.on_topic
                               UNION ALL SELECT frame FROM frame_tags f WHERE f.channel_id = p.channel_id AND f.message_id = p.message_id) b
          WHERE p.channel_id = $1 GROUP BY 1, 2) x ORDER BY day, bucket`,
      [channelId],
    );
    expect(await rollupsOf(channelId)).toEqual(direct.rows);
  });
});
