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

describe('marking days stale on a new snapshot', () => {
  it('marks only the days whose nearest snapshot can change', async () => {
    const id = await channel('marking_one', 'monitor');
    await store(id, [post(1, '2025-03-01T10:00:00Z'), post(2, '2025-03-02T10:00:00Z'), post(3, '2025-03-03T10:00:00Z')]);
    await snapshot(id, '2025-02-20T00:00:00Z', 10);
    await refreshAllRollups(t.db);
    const dirty = async () => (await t.db.query<{ day: string }>('SELECT day::text FROM rollup_dirty WHERE channel_id = $1 ORDER BY day', [id])).rows.map((r) => r.day);
    // Mar 2 at 09:00: noon of Mar 2 and Mar 3 is now nearer to it than to Feb 20; Mar 1 noon too.
    await snapshot(id, '2025-03-02T09:00:00Z', 20);
    expect(await dirty()).toEqual(['2025-03-01', '2025-03-02', '2025-03-03']);
    await refreshAllRollups(t.db);
    // Mar 2 at 15:00, after the 09:00 one: Mar 2 noon lies between them (it stays with 09:00 on the tie), Mar 3 noon moves.
    await snapshot(id, '2025-03-02T15:00:00Z', 30);
    expect(await dirty()).toEqual(['2025-03-02', '2025-03-03']);
    await refreshAllRollups(t.db);
    expect(await weights(id)).toEqual({ '2025-03-01': 20, '2025-03-02': 20, '2025-03-03': 30 });
    // A collector's afternoon snapshots: the first one after noon takes today, the next one marks nothing.
    await snapshot(id, '2025-03-03T13:00:00Z', 40);
    expect(await dirty()).toEqual(['2025-03-03']);
    await refreshAllRollups(t.db);
    await snapshot(id, '2025-03-03T16:00:00Z', 50);
    expect(await dirty()).toEqual([]);
    expect(await weights(id)).toEqual({ '2025-03-01': 20, '2025-03-02': 20, '2025-03-03': 40 });
  });

  it('keeps every day\'s weight equal to its nearest snapshot, whatever order snapshots arrive in', async () => {
    const id = await channel('marking_random', 'monitor');
    const days = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2025, 4, 1 + i, 8)).toISOString());
    await store(id, days.map((d, i) => post(i + 1, d)));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 25; i++) {
      const at = new Date(Date.UTC(2025, 3, 25) + Math.floor(rand() * 40 * 86_400_000)).toISOString();
      await t.db.query(
        "INSERT INTO subscriber_snapshots (channel_id, observed_at, subscribers, source) VALUES ($1, $2, $3, 'manual') ON CONFLICT DO NOTHING",
        [id, at, 1000 + i],
      );
      if (i % 3 === 2) {
        await refreshAllRollups(t.db);
        const { rows } = await t.db.query<{ day: string; stored: number | null; nearest: number | null }>(
          "SELECT day::text, subscribers AS stored, nearest_subscribers(channel_id, day) AS nearest FROM daily_rollups WHERE channel_id = $1 AND bucket = '_all'",
          [id],
        );
        expect(rows).toHaveLength(30);
        expect(rows.filter((r) => r.stored !== r.nearest), `after ${i + 1} snapshots`).toEqual([]);
      }
    }
  });
});

// The channels of the tests above are in 'monitor'; this one leaves that audience out.
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
