// Gauges of the pipeline for /metrics, each one cheap at tens of millions of
// posts: collection lag from the channels table, the classification backlog
// through its partial index, tag counts from the audience rollups.
import type { Queryable } from '../db/db.ts';

export interface CollectionLag {
  activeChannels: number;
  /** Active channels never collected yet (no lag to measure). */
  neverCollected: number;
  /** Seconds since last_collected_at over active collected channels; null when there are none. */
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export async function collectionLag(db: Queryable): Promise<CollectionLag> {
  const { rows } = await db.query<CollectionLag>(
    `SELECT count(*)::int AS "activeChannels",
            count(*) FILTER (WHERE last_collected_at IS NULL)::int AS "neverCollected",
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM now() - last_collected_at))::float8 AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM now() - last_collected_at))::float8 AS p95,
            max(extract(epoch FROM now() - last_collected_at))::float8 AS max
       FROM channels WHERE status = 'active'`,
  );
  return rows[0]!;
}

export interface ClassificationStats {
  /** Posts with no tags from any classifier version (new or edited). */
  awaiting: number;
  /** Posts per rollup bucket: '_all', '_on_topic' and one per frame (as of the last rollup refresh). */
  byBucket: Record<string, number>;
}

export async function classificationStats(db: Queryable): Promise<ClassificationStats> {
  const awaiting = await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM posts WHERE classifier_version IS NULL');
  const buckets = await db.query<{ bucket: string; posts: number }>('SELECT bucket, sum(posts)::bigint AS posts FROM audience_rollups GROUP BY bucket');
  return { awaiting: awaiting.rows[0]!.n, byBucket: Object.fromEntries(buckets.rows.map((r) => [r.bucket, r.posts])) };
}

export async function rollupBacklog(db: Queryable): Promise<{ pairs: number; days: number }> {
  const { rows } = await db.query<{ pairs: number; days: number }>(
    'SELECT (SELECT count(*) FROM rollup_dirty)::bigint AS pairs, (SELECT count(*) FROM audience_rollup_dirty)::bigint AS days',
  );
  return rows[0]!;
}

export interface WebhookStats {
  /** Deliveries waiting for a first or further attempt. */
  pending: number;
  /** Attempts of the last 24 hours: accepted (2xx), refused (another status), unreachable (no response). */
  attempts24h: { accepted: number; refused: number; unreachable: number };
  /** Deliveries given up in the last 24 hours (attempts exhausted). */
  failed24h: number;
}

export async function webhookStats(db: Queryable): Promise<WebhookStats> {
  const { rows } = await db.query<{ pending: number; accepted: number; refused: number; unreachable: number; failed: number }>(
    `SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')::bigint AS pending,
            count(*) FILTER (WHERE a.status_code BETWEEN 200 AND 299)::bigint AS accepted,
            count(*) FILTER (WHERE a.status_code IS NOT NULL AND a.status_code NOT BETWEEN 200 AND 299)::bigint AS refused,
            count(*) FILTER (WHERE a.status_code IS NULL)::bigint AS unreachable,
            (SELECT count(*) FROM webhook_deliveries WHERE status = 'failed' AND finished_at > now() - interval '24 hours')::bigint AS failed
       FROM webhook_attempts a WHERE a.attempted_at > now() - interval '24 hours'`,
  );
  const r = rows[0]!;
  return { pending: r.pending, attempts24h: { accepted: r.accepted, refused: r.refused, unreachable: r.unreachable }, failed24h: r.failed };
}
