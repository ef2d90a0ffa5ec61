// The second rollup level (audience_rollups) and the subscriber weights of
// migration 004: both must stay exactly what a direct aggregation gives,
// whatever changed (posts, snapshots, a channel's audience, its deletion).
import { describe, expect, it } from 'vitest';
import { recordChannelSnapshot, registerChannel } from '../../services/channels/store.ts';
import { saveClassifications } from '../../services/classification/store.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost } from '../../services/posts/types.ts';
import { refreshAllRollups } from '../../services/trends/rollups.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';

const t = useTestDatabase();

function post(messageId: number, postedAt: string, views: number | null = 10): ChannelPost {
  return {
    messageId, postedAt: new Date(postedAt), text: `post ${messageId}`, entities: null, views, forwards: null, replies: null,
    reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
  };
}

async function channel(username: string, audience: 'ua' | 'ru' | 'west' | 'monitor'): Promise<number> {
  return (await registerChannel(t.db, { username, audience })).channel.id;
}

async function store(channelId: number, posts: ChannelPost[], frames: Record<number, string[]> = {}): Promise<void> {
  await t.db.transaction(async (tx) => {
    await upsertPosts(tx, channelId, posts, { source: 'mtproto', seenAt: new Date() });
    await saveClassifications(tx, channelId, 'test-1', posts.map((p) => ({
      messageId: p.messageId, version: 1, lang: 'ru', onTopic: p.messageId % 4 !== 0,
      frames: (frames[p.messageId] ?? []).map((frame) => ({ frame, score: 0.8, evidence: [] })),
    })), new Date());
  });
}

async function snapshot(channelId: number, at: string, subscribers: number): Promise<void> {
  await recordChannelSnapshot(t.db, channelId, {
    telegramId: null, username: null, title: '', about: null, subscribers, subscribersExact: true, observedAt: new Date(at),
  }, 'manual');
}

async function weights(channelId: number): Promise<Record<string, number | null>> {
  const { rows } = await t.db.query<{ day: string; subscribers: number | null }>(
    "SELECT day::text, subscribers FROM daily_rollups WHERE channel_id = $1 AND bucket = '_all' ORDER BY day",
    [channelId],
  );
  return Object.fromEntries(rows.map((r) => [r.day, r.subscribers]));
}

/** audience_rollups must equal this, row for row. */
async function audienceLevelMismatches(): Promise<unknown[]> {
  const { rows } = await t.db.query(`
    WITH direct AS (
      SELECT r.day, COALESCE(c.audience, 'unassigned') AS audience, r.bucket, sum(r.posts)::int AS posts,
             sum(r.views)::bigint AS views, sum(r.posts::bigint * COALESCE(r.subscribers, 0))::bigint AS reach
        FROM daily_rollups r JOIN channels c ON c.id = r.channel_id GROUP BY 1, 2, 3)
    SELECT * FROM (SELECT day, audience, bucket, posts, views, reach FROM direct
                   EXCEPT SELECT day, audience, bucket, posts, views, reach FROM audience_rollups) a
    UNION ALL
    SELECT * FROM (SELECT day, audience, bucket, posts, views, reach FROM audience_rollups
                   EXCEPT SELECT day, audience, bucket, posts, views, reach FROM direct) b`);
  return rows;
}

describe('subscriber weights', () => {
  it('weights each day by the snapshot nearest to its noon UTC, and follow new snapshots', async () => {
    const id = await channel('weights_one', 'monitor');
    await store(id, [post(1, '2025-01-01T08:00:00Z'), post(2, '2025-01-03T23:00:00Z'), post(3, '2025-01-06T01:00:00Z')]);
    await refreshAllRollups(t.db);
    expect(await weights(id)).toEqual({ '2025-01-01': null, '2025-01-03': null, '2025-01-06': null });

    await snapshot(id, '2025-01-02T00:00:00Z', 1000);
    await refreshAllRollups(t.db);
    expect(await weights(id)).toEqual({ '2025-01-01': 1000, '2025-01-03': 1000, '2025-01-06': 1000 });

    // Noon of Jan 3 is 12 h from Jan 4 00:00 and 36 h from Jan 2 00:00.
    await snapshot(id, '2025-01-04T00:00:00Z', 2000);
    await refreshAllRollups(t.db);
    expect(await weights(id)).toEqual({ '2025-01-01': 1000, '2025-01-03': 2000, '2025-01-06': 2000 });

    // An equal distance goes to the earlier snapshot: Jan 6 noon is 24 h from both.
    await snapshot(id, '2025-01-07T12:00:00Z', 3000);
    await snapshot(id, '2025-01-05T12:00:00Z', 2500);
    await refreshAllRollups(t.db);
    expect(await weights(id)).toEqual({ '2025-01-01': 1000, '2025-01-03': 2000, '2025-01-06': 2500 });

    // Without it, Jan 6 noon is 60 h from Jan 4 and 24 h from Jan 7 12:00.
    await t.db.query("DELETE FROM subscriber_snapshots WHERE channel_id = $1 AND observed_at = '2025-01-05T12:00:00Z'", [id]);
    await refreshAllRollups(t.db);
    expect(await weights(id)).toEqual({ '2025-01-01': 1000, '2025-01-03': 2000, '2025-01-06': 3000 });
  });
});

// The channel of the test above is in 'monitor'; this one leaves that audience out.
describe('audience rollups', () => {
  it('equal the channel rollups summed by audience, through new posts, re-tags, audience changes and deletions', async () => {
    const a = await channel('level_a', 'ru');
    const b = await channel('level_b', 'ru');
    const c = await channel('level_c', 'west');
    await snapshot(a, '2025-02-01T00:00:00Z', 500);
    await snapshot(c, '2025-02-10T00:00:00Z', 70);
    const days = ['2025-02-01', '2025-02-02', '2025-02-03'];
    for (const [i, id] of [a, b, c].entries()) {
      await store(id, Array.from({ length: 12 }, (_, k) => post(k + 1, `${days[k % 3]}T1${k % 10}:00:00Z`, k % 5 === 0 ? null : 10 * (i + 1))), {
        1: ['denial'], 2: ['denial', 'kidnapping'], 6: ['cannon_fodder'],
      });
    }
    await refreshAllRollups(t.db);
    expect(await audienceLevelMismatches()).toEqual([]);
    const ru = await t.db.query("SELECT sum(posts)::int AS posts, sum(reach)::bigint AS reach FROM audience_rollups WHERE audience = 'ru' AND bucket = '_all'");
    expect(ru.rows[0]).toEqual({ posts: 24, reach: 12 * 500 });

    await t.db.query("UPDATE channels SET audience = 'ua' WHERE id = $1", [b]);
    await store(c, [post(20, '2025-02-03T20:00:00Z', 5)], { 20: ['denial'] });
    await refreshAllRollups(t.db);
    expect(await audienceLevelMismatches()).toEqual([]);
    const moved = await t.db.query<{ audience: string; posts: number }>(
      "SELECT audience, sum(posts)::int AS posts FROM audience_rollups WHERE bucket = '_all' AND audience <> 'monitor' GROUP BY audience ORDER BY audience",
    );
    expect(moved.rows).toEqual([{ audience: 'ru', posts: 12 }, { audience: 'ua', posts: 12 }, { audience: 'west', posts: 13 }]);

    await t.db.query('UPDATE channels SET audience = NULL WHERE id = $1', [c]);
    await t.db.query('DELETE FROM channels WHERE id = $1', [a]);
    await refreshAllRollups(t.db);
    expect(await audienceLevelMismatches()).toEqual([]);
    const left = await t.db.query("SELECT audience, sum(posts)::int AS posts FROM audience_rollups WHERE bucket = '_all' AND audience <> 'monitor' GROUP BY audience ORDER BY audience");
    expect(left.rows).toEqual([{ audience: 'ua', posts: 12 }, { audience: 'unassigned', posts: 13 }]);
  });
});
