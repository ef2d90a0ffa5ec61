// The same sums the rollups hold, computed straight from posts and
// frame_tags: the reference the rollup-based trends must equal (tests), and
// the slow path the benchmark compares against. Same definitions: a post's
// UTC day, frames only on on-topic posts, NULL views as 0, the subscriber
// weight of nearest_subscribers(channel, day).
import type { Queryable } from '../../services/db/db.ts';
import type { RollupCell } from '../../services/trends/series.ts';

export interface DirectQuery {
  bucket: 'day' | 'week' | 'month';
  from: string;
  to: string;
  buckets: readonly string[];
  audiences: readonly string[] | null;
  channelIds: readonly number[] | null;
  groupBy: 'audience' | 'channel' | 'none';
  /** Compute subscriber reach (one nearest_subscribers call per channel-day). */
  withReach: boolean;
}

export async function directCells(db: Queryable, q: DirectQuery): Promise<RollupCell[]> {
  const params: unknown[] = [q.bucket, q.from, q.to, q.buckets];
  const where = ["p.posted_at >= ($2::date)::timestamp AT TIME ZONE 'UTC'", "p.posted_at < ($3::date)::timestamp AT TIME ZONE 'UTC'"];
  if (q.audiences !== null) {
    params.push(q.audiences);
    where.push(`c.audience = ANY($${params.length}::text[])`);
  }
  if (q.channelIds !== null) {
    params.push(q.channelIds);
    where.push(`p.channel_id = ANY($${params.length}::bigint[])`);
  }
  const group = q.groupBy === 'channel' ? 'x.channel_id::text' : q.groupBy === 'audience' ? "COALESCE(x.audience, 'unassigned')" : "'all'";
  const reach = q.withReach ? 'sum(COALESCE(w.subscribers, 0))::bigint' : '0::bigint';
  const weights = q.withReach
    ? `LEFT JOIN LATERAL (SELECT nearest_subscribers(d.channel_id, d.day) AS subscribers
                            FROM (SELECT x.channel_id, x.day) d) w ON true`
    : '';
  const { rows } = await db.query<RollupCell>(
    `WITH x AS (
       SELECT p.channel_id, c.audience, (p.posted_at AT TIME ZONE 'UTC')::date AS day, p.views, b.bucket
         FROM posts p JOIN channels c ON c.id = p.channel_id
         CROSS JOIN LATERAL (
           SELECT '_all'::text AS bucket
           UNION ALL SELECT '_on_topic' WHERE p.on_topic
           UNION ALL SELECT f.frame FROM frame_tags f WHERE p.on_topic AND f.channel_id = p.channel_id AND f.message_id = p.message_id
         ) b
        WHERE ${where.join(' AND ')} AND b.bucket = ANY($4::text[])
     )
     SELECT to_char(date_trunc($1, x.day::timestamp), 'YYYY-MM-DD') AS t, ${group} AS "group", x.bucket,
            count(*)::bigint AS posts, COALESCE(sum(x.views), 0)::bigint AS views, ${reach} AS reach
       FROM x ${weights}
      GROUP BY 1, 2, 3`,
    params,
  );
  return rows;
}
