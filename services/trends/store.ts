// Reads for trends, audience comparisons and events: sums over the rollup
// tables (migrations/002_rollups.sql, 004_api.sql), never over posts.
import type { Queryable } from '../db/db.ts';
import type { TrendBucket } from './days.ts';
import { ALL_BUCKET, ON_TOPIC_BUCKET, type RollupCell } from './series.ts';

export interface CellQuery {
  bucket: TrendBucket;
  from: string;
  to: string;
  buckets: readonly string[];
  /** Restrict to these audiences; null for every channel. */
  audiences: readonly string[] | null;
  /** Restrict to these channels; null for every channel. */
  channelIds: readonly number[] | null;
  /** What the cells' `group` is. */
  groupBy: 'audience' | 'channel' | 'none';
}

/**
 * Adds a query's audience and channel restrictions to `where` (a channels
 * table aliased `c` is joined), with their parameters; `channelColumn` is the
 * column that holds the channel id in that query.
 */
function addScope(q: { audiences: readonly string[] | null; channelIds: readonly number[] | null }, params: unknown[], where: string[], channelColumn: 'r.channel_id' | 'c.id'): void {
  if (q.audiences !== null) {
    params.push(q.audiences);
    where.push(`c.audience = ANY($${params.length}::text[])`);
  }
  if (q.channelIds !== null) {
    params.push(q.channelIds);
    where.push(`${channelColumn} = ANY($${params.length}::bigint[])`);
  }
}

/** Channel-level reads are needed to filter or group by channel; everything else reads the audience level. */
export function needsChannelLevel(q: Pick<CellQuery, 'channelIds' | 'groupBy'>): boolean {
  return q.channelIds !== null || q.groupBy === 'channel';
}

/** Sums per (bucket start, group, rollup bucket) over [from, to). */
export async function rollupCells(db: Queryable, q: CellQuery): Promise<RollupCell[]> {
  const params: unknown[] = [q.bucket, q.from, q.to, q.buckets];
  const where: string[] = ['r.day >= $2::date', 'r.day < $3::date', 'r.bucket = ANY($4::text[])'];
  let sql: string;
  if (needsChannelLevel(q)) {
    addScope(q, params, where, 'r.channel_id');
    const group = q.groupBy === 'channel' ? 'r.channel_id::text' : q.groupBy === 'audience' ? "COALESCE(c.audience, 'unassigned')" : "'all'";
    sql = `SELECT to_char(date_trunc($1, r.day::timestamp), 'YYYY-MM-DD') AS t, ${group} AS "group", r.bucket,
                  sum(r.posts)::bigint AS posts, sum(r.views)::bigint AS views,
                  sum(r.posts::bigint * COALESCE(r.subscribers, 0))::bigint AS reach
             FROM daily_rollups r JOIN channels c ON c.id = r.channel_id
            WHERE ${where.join(' AND ')}
            GROUP BY 1, 2, 3`;
  } else {
    if (q.audiences !== null) {
      params.push(q.audiences);
      where.push(`r.audience = ANY($${params.length}::text[])`);
    }
    const group = q.groupBy === 'audience' ? 'r.audience' : "'all'";
    sql = `SELECT to_char(date_trunc($1, r.day::timestamp), 'YYYY-MM-DD') AS t, ${group} AS "group", r.bucket,
                  sum(r.posts)::bigint AS posts, sum(r.views)::bigint AS views, sum(r.reach)::bigint AS reach
             FROM audience_rollups r
            WHERE ${where.join(' AND ')}
            GROUP BY 1, 2, 3`;
  }
  const { rows } = await db.query<RollupCell>(sql, params);
  return rows;
}

export interface RankedChannel {
  id: number;
  username: string | null;
  title: string;
  audience: string | null;
  posts: number;
}

/** The channels with the most posts in `rankBucket` over [from, to), most first. */
export async function topChannels(
  db: Queryable,
  q: { from: string; to: string; rankBucket: string; audiences: readonly string[] | null; channelIds: readonly number[] | null; limit: number },
): Promise<RankedChannel[]> {
  const params: unknown[] = [q.from, q.to, q.rankBucket, q.limit];
  const where = ['r.day >= $1::date', 'r.day < $2::date', 'r.bucket = $3'];
  addScope(q, params, where, 'r.channel_id');
  const { rows } = await db.query<RankedChannel>(
    `SELECT c.id, c.username, c.title, c.audience, sum(r.posts)::bigint AS posts
       FROM daily_rollups r JOIN channels c ON c.id = r.channel_id
      WHERE ${where.join(' AND ')}
      GROUP BY c.id ORDER BY posts DESC, c.id LIMIT $4`,
    params,
  );
  return rows;
}

export interface AudienceBucketSum {
  audience: string;
  bucket: string;
  posts: number;
  views: number;
  reach: number;
}

/** Totals per (audience, bucket) over [from, to): the input of an audience comparison. */
export async function audienceTotals(db: Queryable, from: string, to: string, audiences: readonly string[]): Promise<AudienceBucketSum[]> {
  const { rows } = await db.query<AudienceBucketSum>(
    `SELECT audience, bucket, sum(posts)::bigint AS posts, sum(views)::bigint AS views, sum(reach)::bigint AS reach
       FROM audience_rollups
      WHERE day >= $1::date AND day < $2::date AND audience = ANY($3::text[])
      GROUP BY 1, 2`,
    [from, to, audiences],
  );
  return rows;
}

export interface FirstSeenRow {
  scope: 'channel' | 'audience';
  key: string;
  frame: string;
  firstDay: string;
  topicFirstDay: string | null;
}

/**
 * The first day each frame was tagged in each channel (of the given
 * audiences/ids) and in each audience, with the first on-topic day, for the
 * frames first seen in [from, to). One index probe per (channel, frame).
 */
export async function firstSeen(
  db: Queryable,
  q: { from: string; to: string; frames: readonly string[]; audiences: readonly string[] | null; channelIds: readonly number[] | null },
): Promise<FirstSeenRow[]> {
  const params: unknown[] = [q.from, q.to, q.frames];
  const where: string[] = [];
  addScope(q, params, where, 'c.id');
  const channels = await db.query<FirstSeenRow>(
    `SELECT 'channel' AS scope, x.channel_id::text AS key, x.frame, x.first_day AS "firstDay", x.topic_first_day AS "topicFirstDay"
       FROM (
         SELECT c.id AS channel_id, f.frame,
                (SELECT min(r.day) FROM daily_rollups r WHERE r.channel_id = c.id AND r.bucket = f.frame)::text AS first_day,
                t.topic_first_day
           FROM channels c
           CROSS JOIN LATERAL (SELECT min(r.day)::text AS topic_first_day FROM daily_rollups r
                                WHERE r.channel_id = c.id AND r.bucket = '${ON_TOPIC_BUCKET}') t
           CROSS JOIN unnest($3::text[]) AS f(frame)
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ) x
      WHERE x.first_day >= $1 AND x.first_day < $2`,
    params,
  );
  if (q.channelIds !== null) return channels.rows;
  const audienceParams: unknown[] = [q.from, q.to, q.frames];
  let audienceWhere = "audience <> 'unassigned'";
  if (q.audiences !== null) {
    audienceParams.push(q.audiences);
    audienceWhere = `audience = ANY($4::text[])`;
  }
  const audiences = await db.query<FirstSeenRow>(
    `WITH firsts AS (
       SELECT audience, bucket, min(day)::text AS first_day FROM audience_rollups
        WHERE ${audienceWhere} AND (bucket = ANY($3::text[]) OR bucket = '${ON_TOPIC_BUCKET}')
        GROUP BY audience, bucket)
     SELECT 'audience' AS scope, f.audience AS key, f.bucket AS frame, f.first_day AS "firstDay", t.first_day AS "topicFirstDay"
       FROM firsts f LEFT JOIN firsts t ON t.audience = f.audience AND t.bucket = '${ON_TOPIC_BUCKET}'
      WHERE f.bucket <> '${ON_TOPIC_BUCKET}' AND f.first_day >= $1 AND f.first_day < $2`,
    audienceParams,
  );
  return [...audiences.rows, ...channels.rows];
}

export interface ChannelWeekRow {
  channelId: number;
  week: number;
  bucket: string;
  posts: number;
  lastDay: string;
}

/**
 * Posts per active channel and 7-day period counted back from `to`
 * (period 0 starts at `start`), for silence detection.
 */
export async function channelWeeks(
  db: Queryable,
  q: { start: string; to: string; audiences: readonly string[] | null; channelIds: readonly number[] | null },
): Promise<ChannelWeekRow[]> {
  const params: unknown[] = [q.start, q.to];
  const where = ["c.status = 'active'"];
  addScope(q, params, where, 'c.id');
  const { rows } = await db.query<ChannelWeekRow>(
    `SELECT r.channel_id AS "channelId", ((r.day - $1::date) / 7)::int AS week, r.bucket,
            sum(r.posts)::bigint AS posts, max(r.day)::text AS "lastDay"
       FROM daily_rollups r JOIN channels c ON c.id = r.channel_id
      WHERE r.day >= $1::date AND r.day < $2::date AND r.bucket IN ('${ON_TOPIC_BUCKET}', '${ALL_BUCKET}')
        AND ${where.join(' AND ')}
      GROUP BY 1, 2, 3`,
    params,
  );
  return rows;
}
