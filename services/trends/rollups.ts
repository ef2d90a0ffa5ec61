// Daily rollups (migrations/002_rollups.sql): recomputes the rows of every
// (channel, day) marked stale. Recomputing a whole (channel, day) from posts
// and frame_tags, rather than applying deltas, keeps the rollup exact no
// matter which writer changed what: a new post, an edit, fresh view counts,
// a re-classification.
//
// Two levels (migrations/002_rollups.sql, 004_api.sql):
//   daily_rollups     per (UTC day, channel, bucket), with the day's subscriber
//                     weight (the snapshot nearest to noon UTC);
//   audience_rollups  the same summed per (day, audience, bucket), so trends
//                     and comparisons by audience read a few thousand rows.
// Refreshing the first level marks the days it touched stale at the second
// (audience_rollup_dirty), in the same transaction; refreshAudienceRollups
// recomputes whole days, every audience at once, from the first level.
import type { Db, Queryable } from '../db/db.ts';

export const ALL_POSTS = '_all';
export const ON_TOPIC = '_on_topic';

/** Marks (channel, UTC day) pairs stale; call inside the transaction that changed them. */
export async function markRollupsDirty(tx: Queryable, channelId: number, postedAt: readonly Date[]): Promise<void> {
  if (postedAt.length === 0) return;
  await tx.query(
    `INSERT INTO rollup_dirty (channel_id, day)
     SELECT DISTINCT $1::bigint, (t AT TIME ZONE 'UTC')::date FROM unnest($2::timestamptz[]) AS t
     ON CONFLICT DO NOTHING`,
    [channelId, postedAt],
  );
}

const RECOMPUTE_SQL = `
INSERT INTO daily_rollups (day, channel_id, bucket, posts, views, views_known, subscribers)
SELECT d.day, d.channel_id, b.bucket, count(*)::int, COALESCE(sum(p.views), 0), count(p.views)::int, min(d.subscribers)
  FROM (SELECT channel_id, day, nearest_subscribers(channel_id, day) AS subscribers
          FROM unnest($1::bigint[], $2::date[]) AS u(channel_id, day)) d
  JOIN posts p ON p.channel_id = d.channel_id
              AND p.posted_at >= d.day::timestamp AT TIME ZONE 'UTC'
              AND p.posted_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
  CROSS JOIN LATERAL (
    SELECT '${ALL_POSTS}'::text AS bucket
    UNION ALL SELECT '${ON_TOPIC}' WHERE p.on_topic
    UNION ALL SELECT f.frame FROM frame_tags f
               WHERE p.on_topic AND f.channel_id = p.channel_id AND f.message_id = p.message_id
  ) b
 GROUP BY d.day, d.channel_id, b.bucket`;

/**
 * Recomputes up to `limit` stale (channel, day) pairs; returns how many.
 * Safe to run from several processes at once (SKIP LOCKED hands each its own pairs).
 */
export async function refreshRollups(db: Db, limit = 2000): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ channel_id: number; day: string }>(
      `DELETE FROM rollup_dirty WHERE (channel_id, day) IN (
         SELECT channel_id, day FROM rollup_dirty ORDER BY channel_id, day LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING channel_id, day::text`,
      [limit],
    );
    if (rows.length === 0) return 0;
    const channelIds = rows.map((r) => r.channel_id);
    const days = rows.map((r) => r.day);
    await tx.query(
      `DELETE FROM daily_rollups r USING unnest($1::bigint[], $2::date[]) AS d(channel_id, day)
        WHERE r.channel_id = d.channel_id AND r.day = d.day`,
      [channelIds, days],
    );
    await tx.query(RECOMPUTE_SQL, [channelIds, days]);
    await tx.query('INSERT INTO audience_rollup_dirty (day) SELECT DISTINCT unnest($1::date[]) ON CONFLICT DO NOTHING', [days]);
    return rows.length;
  });
}

// A whole day, every audience: ~2,000 channels x a handful of buckets is a
// few milliseconds, and recomputing rather than adding deltas keeps it exact
// whatever changed (a channel's rows, its audience, its deletion).
const RECOMPUTE_AUDIENCE_SQL = `
INSERT INTO audience_rollups (day, audience, bucket, posts, views, views_known, reach)
SELECT r.day, COALESCE(c.audience, 'unassigned'), r.bucket, sum(r.posts), sum(r.views), sum(r.views_known),
       sum(r.posts::bigint * COALESCE(r.subscribers, 0))
  FROM daily_rollups r JOIN channels c ON c.id = r.channel_id
 WHERE r.day = ANY($1::date[])
 GROUP BY 1, 2, 3`;

/**
 * Recomputes the audience rows of up to `limit` stale days; returns how many.
 * A day being recomputed holds its dirty row locked, so a refresher of the
 * first level that marks the day again waits for this transaction and the
 * day is recomputed once more with its changes: no update is lost.
 */
export async function refreshAudienceRollups(db: Db, limit = 366): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ day: string }>(
      `DELETE FROM audience_rollup_dirty WHERE day IN (
         SELECT day FROM audience_rollup_dirty ORDER BY day LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING day::text`,
      [limit],
    );
    if (rows.length === 0) return 0;
    const days = rows.map((r) => r.day);
    await tx.query('DELETE FROM audience_rollups WHERE day = ANY($1::date[])', [days]);
    await tx.query(RECOMPUTE_AUDIENCE_SQL, [days]);
    return rows.length;
  });
}

/** Refreshes both levels until nothing is stale; returns the number of (channel, day) pairs recomputed. */
export async function refreshAllRollups(db: Db, batch = 2000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await refreshRollups(db, batch);
    total += n;
    if (n < batch) break;
  }
  while ((await refreshAudienceRollups(db)) > 0);
  return total;
}
