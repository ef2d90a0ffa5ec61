// The same sums the rollups hold, computed straight from posts and
// frame_tags: the reference the rollup-based trends must equal (tests), and
// the slow path the benchmark compares against. Same definitions: a post's
// UTC day, frames only on on-topic posts, NULL views as 0, the subscriber
// weight of nearest_subscribers(channel, day). Written the way one would
// query posts directly: one scan per needed set, summed per channel-day
// first (where the weight is looked up once), then per bucket and group.
import type { Queryable } from '../../services/db/db.ts';
import type { RollupCell } from '../../services/trends/series.ts';
import type { CellQuery } from '../../services/trends/store.ts';

/** The rollup read's query, answered from posts instead. */
export interface DirectQuery extends CellQuery {
  /** Compute subscriber reach (one nearest_subscribers call per channel-day). */
  withReach: boolean;
}

export async function directCells(db: Queryable, q: DirectQuery): Promise<RollupCell[]> {
  const params: unknown[] = [q.bucket, q.from, q.to, q.buckets];
  const where = ["p.posted_at >= ($2::date)::timestamp AT TIME ZONE 'UTC'", "p.posted_at < ($3::date)::timestamp AT TIME ZONE 'UTC'"];
  if (q.audiences !== null) {
    params.push(q.audiences);
    where.push(`p.channel_id IN (SELECT id FROM channels WHERE audience = ANY($${params.length}::text[]))`);
  }
  if (q.channelIds !== null) {
    params.push(q.channelIds);
    where.push(`p.channel_id = ANY($${params.length}::bigint[])`);
  }
  const day = "(p.posted_at AT TIME ZONE 'UTC')::date";
  const branches: string[] = [];
  if (q.buckets.includes('_all')) {
    branches.push(`SELECT p.channel_id, ${day} AS day, '_all'::text AS bucket, count(*) AS posts, sum(p.views) AS views
                     FROM posts p WHERE ${where.join(' AND ')} GROUP BY 1, 2`);
  }
  if (q.buckets.includes('_on_topic')) {
    branches.push(`SELECT p.channel_id, ${day} AS day, '_on_topic'::text AS bucket, count(*) AS posts, sum(p.views) AS views
                     FROM posts p WHERE p.on_topic AND ${where.join(' AND ')} GROUP BY 1, 2`);
  }
  if (q.buckets.some((b) => !b.startsWith('_'))) {
    branches.push(`SELECT p.channel_id, ${day} AS day, f.frame AS bucket, count(*) AS posts, sum(p.views) AS views
                     FROM posts p JOIN frame_tags f ON f.channel_id = p.channel_id AND f.message_id = p.message_id
                    WHERE p.on_topic AND f.frame = ANY($4::text[]) AND ${where.join(' AND ')} GROUP BY 1, 2, 3`);
  }
  const group = q.groupBy === 'channel' ? 'x.channel_id::text' : q.groupBy === 'audience' ? "COALESCE(c.audience, 'unassigned')" : "'all'";
  const reach = q.withReach ? 'sum(x.posts * COALESCE(nearest_subscribers(x.channel_id, x.day), 0))::bigint' : '0::bigint';
  const { rows } = await db.query<RollupCell>(
    `SELECT to_char(date_trunc($1, x.day::timestamp), 'YYYY-MM-DD') AS t, ${group} AS "group", x.bucket,
            sum(x.posts)::bigint AS posts, COALESCE(sum(x.views), 0)::bigint AS views, ${reach} AS reach
       FROM (${branches.join(' UNION ALL ')}) x JOIN channels c ON c.id = x.channel_id
      WHERE x.bucket = ANY($4::text[])
      GROUP BY 1, 2, 3`,
    params,
  );
  return rows;
}
