// The posts store: idempotent batch upserts with edit history. Every source
// (export import, MTProto, web preview) writes through upsertPosts, so the
// rules for merging what a source saw with what we already hold live in one
// SQL statement below.
import type { Queryable } from '../db/db.ts';
import type { ChannelPost, PostSource, UpsertOutcome } from './types.ts';

export interface UpsertOptions {
  source: PostSource;
  /** When this batch was observed; first/last seen, edit detection. */
  seenAt: Date;
}

// Merge rules, in the order the SQL applies them:
// - A post never seen before is inserted as version 1.
// - An export is a snapshot of the past. When we already hold a later edit
//   (stored edited_at newer than the export's), the export's text is stale
//   and is not allowed to roll the post back.
// - Otherwise a changed text, or a new edit time, is an edit: the previous
//   text goes to post_versions, version increments, and the classification
//   summary is cleared so the post gets re-tagged. A text change seen without
//   an edit time (the web preview shows only "edited") is dated to when we saw it.
// - Metrics and metadata a source does not carry (exports have no views) are
//   NULL in the batch and never erase what another source stored.
// - A live source seeing the post proves it exists: deleted_at is cleared.
// - A row whose merged state equals the stored one is not written at all, so a
//   re-import leaves the table byte-for-byte untouched.
// - Every row written marks its (channel, UTC day) rollup stale (rollup_dirty),
//   in the same transaction; see services/trends/rollups.ts.
const UPSERT_SQL = `
WITH incoming AS (
  SELECT * FROM unnest(
    $2::int[], $3::timestamptz[], $4::text[], $5::jsonb[], $6::int[], $7::int[], $8::int[],
    $9::jsonb[], $10::int[], $11::timestamptz[], $12::bigint[], $13::int[], $14::text[],
    $15::text[], $16::text[]
  ) AS t(message_id, posted_at, text, entities, views, forwards, replies,
         reactions, reactions_total, edited_at, fwd_from_telegram_id, fwd_from_message_id, fwd_from_name,
         media_kind, grouped_id)
),
-- By key, so the plan is a primary-key lookup however large the channel is.
prev AS (
  SELECT p.* FROM posts p WHERE p.channel_id = $1 AND p.message_id = ANY($2::int[])
),
merged AS (
  SELECT
    i.message_id,
    COALESCE(pr.posted_at, i.posted_at) AS posted_at,
    CASE WHEN f.stale THEN pr.text ELSE i.text END AS text,
    CASE WHEN f.stale THEN pr.entities
         WHEN f.is_new OR e.is_edit THEN i.entities
         ELSE COALESCE(i.entities, pr.entities) END AS entities,
    COALESCE(i.views, pr.views) AS views,
    COALESCE(i.forwards, pr.forwards) AS forwards,
    COALESCE(i.replies, pr.replies) AS replies,
    COALESCE(i.reactions, pr.reactions) AS reactions,
    COALESCE(i.reactions_total, pr.reactions_total) AS reactions_total,
    CASE WHEN f.stale THEN pr.edited_at
         ELSE COALESCE(i.edited_at, CASE WHEN e.text_changed THEN $18::timestamptz END, pr.edited_at) END AS edited_at,
    CASE WHEN $17 = 'export' THEN pr.deleted_at ELSE NULL END AS deleted_at,
    COALESCE(i.fwd_from_telegram_id, pr.fwd_from_telegram_id) AS fwd_from_telegram_id,
    COALESCE(i.fwd_from_message_id, pr.fwd_from_message_id) AS fwd_from_message_id,
    COALESCE(i.fwd_from_name, pr.fwd_from_name) AS fwd_from_name,
    COALESCE(i.media_kind, pr.media_kind) AS media_kind,
    COALESCE(i.grouped_id, pr.grouped_id) AS grouped_id,
    CASE WHEN f.is_new THEN 1 ELSE pr.version + e.is_edit::int END AS version,
    CASE WHEN f.is_new OR $17 <> 'export' THEN $17 ELSE pr.source END AS source,
    COALESCE(pr.first_seen_at, $18::timestamptz) AS first_seen_at,
    CASE WHEN f.is_new OR $17 <> 'export' THEN $18::timestamptz ELSE pr.last_seen_at END AS last_seen_at,
    CASE WHEN e.is_edit THEN NULL ELSE pr.lang END AS lang,
    CASE WHEN e.is_edit THEN NULL ELSE pr.on_topic END AS on_topic,
    CASE WHEN e.is_edit THEN NULL ELSE pr.classifier_version END AS classifier_version,
    CASE WHEN e.is_edit THEN NULL ELSE pr.classified_at END AS classified_at,
    f.is_new, e.is_edit,
    pr.version AS prev_version, pr.text AS prev_text, pr.entities AS prev_entities, pr.edited_at AS prev_edited_at
  FROM incoming i
  LEFT JOIN prev pr USING (message_id)
  CROSS JOIN LATERAL (
    SELECT pr.message_id IS NULL AS is_new,
           (pr.message_id IS NOT NULL AND $17 = 'export' AND pr.edited_at IS NOT NULL
             AND (i.edited_at IS NULL OR i.edited_at < pr.edited_at)) AS stale
  ) f
  CROSS JOIN LATERAL (
    SELECT (NOT f.is_new AND NOT f.stale AND pr.text IS DISTINCT FROM i.text) AS text_changed,
           (NOT f.is_new AND NOT f.stale AND (pr.text IS DISTINCT FROM i.text
              OR (i.edited_at IS NOT NULL AND i.edited_at IS DISTINCT FROM pr.edited_at))) AS is_edit
  ) e
),
versioned AS (
  INSERT INTO post_versions (channel_id, message_id, version, text, entities, edited_at, superseded_at)
  SELECT $1, m.message_id, m.prev_version, m.prev_text, m.prev_entities, m.prev_edited_at, $18
  FROM merged m
  WHERE m.is_edit
  ON CONFLICT DO NOTHING
),
upserted AS (
  INSERT INTO posts AS p (
    channel_id, message_id, posted_at, text, entities, views, forwards, replies, reactions, reactions_total,
    edited_at, deleted_at, fwd_from_telegram_id, fwd_from_message_id, fwd_from_name, media_kind, grouped_id,
    version, source, first_seen_at, last_seen_at, lang, on_topic, classifier_version, classified_at)
  SELECT $1, message_id, posted_at, text, entities, views, forwards, replies, reactions, reactions_total,
    edited_at, deleted_at, fwd_from_telegram_id, fwd_from_message_id, fwd_from_name, media_kind, grouped_id,
    version, source, first_seen_at, last_seen_at, lang, on_topic, classifier_version, classified_at
  FROM merged
  ON CONFLICT (channel_id, message_id) DO UPDATE SET
    posted_at = EXCLUDED.posted_at, text = EXCLUDED.text, entities = EXCLUDED.entities,
    views = EXCLUDED.views, forwards = EXCLUDED.forwards, replies = EXCLUDED.replies,
    reactions = EXCLUDED.reactions, reactions_total = EXCLUDED.reactions_total,
    edited_at = EXCLUDED.edited_at, deleted_at = EXCLUDED.deleted_at,
    fwd_from_telegram_id = EXCLUDED.fwd_from_telegram_id, fwd_from_message_id = EXCLUDED.fwd_from_message_id,
    fwd_from_name = EXCLUDED.fwd_from_name, media_kind = EXCLUDED.media_kind, grouped_id = EXCLUDED.grouped_id,
    version = EXCLUDED.version, source = EXCLUDED.source, last_seen_at = EXCLUDED.last_seen_at,
    lang = EXCLUDED.lang, on_topic = EXCLUDED.on_topic,
    classifier_version = EXCLUDED.classifier_version, classified_at = EXCLUDED.classified_at
  WHERE (p.text, p.entities, p.views, p.forwards, p.replies, p.reactions, p.edited_at, p.deleted_at,
         p.fwd_from_telegram_id, p.fwd_from_message_id, p.fwd_from_name, p.media_kind, p.grouped_id,
         p.version, p.source, p.last_seen_at)
    IS DISTINCT FROM
        (EXCLUDED.text, EXCLUDED.entities, EXCLUDED.views, EXCLUDED.forwards, EXCLUDED.replies, EXCLUDED.reactions,
         EXCLUDED.edited_at, EXCLUDED.deleted_at, EXCLUDED.fwd_from_telegram_id, EXCLUDED.fwd_from_message_id,
         EXCLUDED.fwd_from_name, EXCLUDED.media_kind, EXCLUDED.grouped_id, EXCLUDED.version, EXCLUDED.source,
         EXCLUDED.last_seen_at)
  RETURNING message_id, posted_at
),
dirty AS (
  INSERT INTO rollup_dirty (channel_id, day)
  SELECT DISTINCT $1::bigint, (u.posted_at AT TIME ZONE 'UTC')::date FROM upserted u
  ON CONFLICT DO NOTHING
)
SELECT m.message_id, m.is_new, m.is_edit FROM merged m JOIN upserted u USING (message_id)
`;

// Serializes writers of one channel (two collectors, or a collector and an
// import) so edit detection compares against a stable previous row.
const CHANNEL_WRITE_LOCK = 'SELECT pg_advisory_xact_lock(7311942, $1::int)';

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Last occurrence wins: a batch may list a message twice (a page boundary). */
function dedupe(posts: readonly ChannelPost[]): ChannelPost[] {
  const byId = new Map<number, ChannelPost>();
  for (const p of posts) byId.set(p.messageId, p);
  return [...byId.values()];
}

/**
 * Stores a batch of one channel's posts. Must run inside a transaction (the
 * caller's, so a cursor can advance atomically with the posts it covers).
 */
export async function upsertPosts(
  tx: Queryable,
  channelId: number,
  batch: readonly ChannelPost[],
  options: UpsertOptions,
): Promise<UpsertOutcome> {
  const outcome: UpsertOutcome = { inserted: [], edited: [], refreshed: [], unchanged: 0 };
  if (batch.length === 0) return outcome;
  const posts = dedupe(batch);
  await tx.query(CHANNEL_WRITE_LOCK, [channelId]);
  const result = await tx.query<{ message_id: number; is_new: boolean; is_edit: boolean }>(UPSERT_SQL, [
    channelId,
    posts.map((p) => p.messageId),
    posts.map((p) => p.postedAt),
    posts.map((p) => p.text),
    posts.map((p) => json(p.entities && p.entities.length > 0 ? p.entities : null)),
    posts.map((p) => p.views),
    posts.map((p) => p.forwards),
    posts.map((p) => p.replies),
    posts.map((p) => json(p.reactions && p.reactions.length > 0 ? p.reactions : null)),
    posts.map((p) => (p.reactions ? p.reactions.reduce((sum, r) => sum + r.count, 0) : null)),
    posts.map((p) => p.editedAt),
    posts.map((p) => p.forwardedFrom?.telegramId ?? null),
    posts.map((p) => p.forwardedFrom?.messageId ?? null),
    posts.map((p) => p.forwardedFrom?.name ?? null),
    posts.map((p) => p.mediaKind),
    posts.map((p) => p.groupedId),
    options.source,
    options.seenAt,
  ]);
  for (const row of result.rows) {
    if (row.is_new) outcome.inserted.push(row.message_id);
    else if (row.is_edit) outcome.edited.push(row.message_id);
    else outcome.refreshed.push(row.message_id);
  }
  outcome.unchanged = posts.length - result.rows.length;
  return outcome;
}

/**
 * Marks posts a live source reported gone. The text stays: a deleted
 * propaganda post is evidence. Returns the ids newly marked.
 */
export async function markDeleted(tx: Queryable, channelId: number, messageIds: readonly number[], at: Date): Promise<number[]> {
  if (messageIds.length === 0) return [];
  await tx.query(CHANNEL_WRITE_LOCK, [channelId]);
  const result = await tx.query<{ message_id: number }>(
    `UPDATE posts SET deleted_at = $3
      WHERE channel_id = $1 AND message_id = ANY($2::int[]) AND deleted_at IS NULL
      RETURNING message_id`,
    [channelId, messageIds, at],
  );
  return result.rows.map((r) => r.message_id).sort((a, b) => a - b);
}

export interface StoredPostRow {
  channel_id: number;
  message_id: number;
  posted_at: Date;
  text: string;
  entities: unknown;
  views: number | null;
  forwards: number | null;
  replies: number | null;
  reactions: unknown;
  reactions_total: number | null;
  edited_at: Date | null;
  deleted_at: Date | null;
  fwd_from_telegram_id: number | null;
  fwd_from_message_id: number | null;
  fwd_from_name: string | null;
  media_kind: string | null;
  grouped_id: string | null;
  version: number;
  source: PostSource;
  first_seen_at: Date;
  last_seen_at: Date;
  lang: string | null;
  on_topic: boolean | null;
  classifier_version: string | null;
  classified_at: Date | null;
}

export interface PostVersionRow {
  version: number;
  text: string;
  edited_at: Date | null;
  superseded_at: Date;
}

export async function getPost(db: Queryable, channelId: number, messageId: number): Promise<StoredPostRow | null> {
  const { rows } = await db.query<StoredPostRow>('SELECT * FROM posts WHERE channel_id = $1 AND message_id = $2', [
    channelId,
    messageId,
  ]);
  return rows[0] ?? null;
}

export async function getPostVersions(db: Queryable, channelId: number, messageId: number): Promise<PostVersionRow[]> {
  const { rows } = await db.query<PostVersionRow>(
    `SELECT version, text, edited_at, superseded_at FROM post_versions
      WHERE channel_id = $1 AND message_id = $2 ORDER BY version`,
    [channelId, messageId],
  );
  return rows;
}
