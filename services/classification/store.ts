// Writes classifier output for stored posts: the summary on posts (lang,
// on_topic, classifier_version) and one frame_tags row per frame, with its
// evidence. A result is written only if the post still has the text version
// it was computed from; an edit in between wins, and the edited post is
// classified again.
import type { Queryable } from '../db/db.ts';
import { markRollupsDirty } from '../trends/rollups.ts';

export interface EvidenceSpan {
  start: number;
  end: number;
  text: string;
}

export interface FrameTagInput {
  frame: string;
  score: number;
  evidence: EvidenceSpan[];
}

export interface PostClassification {
  messageId: number;
  /** posts.version the text was read at. */
  version: number;
  lang: string;
  onTopic: boolean;
  frames: FrameTagInput[];
}

export interface SavedClassification {
  messageId: number;
  /** posts.version the frames were computed from. */
  version: number;
  postedAt: Date;
  frames: string[];
  /** Frames the post carried before this write (for "newly framed" alerts). */
  previousFrames: string[];
}

export async function saveClassifications(
  tx: Queryable,
  channelId: number,
  classifierVersion: string,
  results: readonly PostClassification[],
  at: Date,
): Promise<SavedClassification[]> {
  if (results.length === 0) return [];
  const updated = await tx.query<{ message_id: number; posted_at: Date }>(
    `UPDATE posts p SET lang = u.lang, on_topic = u.on_topic, classifier_version = $2, classified_at = $3
       FROM unnest($4::int[], $5::int[], $6::text[], $7::boolean[]) AS u(message_id, version, lang, on_topic)
      WHERE p.channel_id = $1 AND p.message_id = u.message_id AND p.version = u.version
      RETURNING p.message_id, p.posted_at`,
    [
      channelId,
      classifierVersion,
      at,
      results.map((r) => r.messageId),
      results.map((r) => r.version),
      results.map((r) => r.lang),
      results.map((r) => r.onTopic),
    ],
  );
  if (updated.rows.length === 0) return [];
  const saved = new Map(updated.rows.map((r) => [r.message_id, r.posted_at]));
  const savedIds = [...saved.keys()];

  const removed = await tx.query<{ message_id: number; frame: string }>(
    'DELETE FROM frame_tags WHERE channel_id = $1 AND message_id = ANY($2::int[]) RETURNING message_id, frame',
    [channelId, savedIds],
  );
  const previous = new Map<number, string[]>();
  for (const r of removed.rows) previous.set(r.message_id, [...(previous.get(r.message_id) ?? []), r.frame]);

  const tags = results.filter((r) => saved.has(r.messageId) && r.onTopic).flatMap((r) => r.frames.map((f) => ({ messageId: r.messageId, ...f })));
  if (tags.length > 0) {
    await tx.query(
      `INSERT INTO frame_tags (channel_id, message_id, frame, score, evidence, classifier_version, posted_at)
       SELECT $1, t.message_id, t.frame, t.score, t.evidence, $2, p.posted_at
         FROM unnest($3::int[], $4::text[], $5::real[], $6::jsonb[]) AS t(message_id, frame, score, evidence)
         JOIN posts p ON p.channel_id = $1 AND p.message_id = t.message_id`,
      [
        channelId,
        classifierVersion,
        tags.map((t) => t.messageId),
        tags.map((t) => t.frame),
        tags.map((t) => t.score),
        tags.map((t) => JSON.stringify(t.evidence)),
      ],
    );
  }
  await markRollupsDirty(tx, channelId, [...saved.values()]);

  return results
    .filter((r) => saved.has(r.messageId))
    .map((r) => ({
      messageId: r.messageId,
      version: r.version,
      postedAt: saved.get(r.messageId)!,
      frames: r.onTopic ? r.frames.map((f) => f.frame) : [],
      previousFrames: (previous.get(r.messageId) ?? []).sort(),
    }));
}

export interface PostToClassify {
  channelId: number;
  messageId: number;
  version: number;
  text: string;
}

export async function loadPostsToClassify(db: Queryable, channelId: number, messageIds: readonly number[]): Promise<PostToClassify[]> {
  const { rows } = await db.query<{ channel_id: number; message_id: number; version: number; text: string }>(
    'SELECT channel_id, message_id, version, text FROM posts WHERE channel_id = $1 AND message_id = ANY($2::int[]) ORDER BY message_id',
    [channelId, messageIds],
  );
  return rows.map((r) => ({ channelId: r.channel_id, messageId: r.message_id, version: r.version, text: r.text }));
}

/**
 * The next posts, in key order after `after`, whose tags did not come from
 * `classifierVersion` (never classified, edited since, or an older version).
 */
export async function nextPostsNeedingClassification(
  db: Queryable,
  classifierVersion: string,
  after: { channelId: number; messageId: number },
  limit: number,
): Promise<PostToClassify[]> {
  const { rows } = await db.query<{ channel_id: number; message_id: number; version: number; text: string }>(
    `SELECT channel_id, message_id, version, text FROM posts
      WHERE (channel_id, message_id) > ($1, $2) AND classifier_version IS DISTINCT FROM $3
      ORDER BY channel_id, message_id LIMIT $4`,
    [after.channelId, after.messageId, classifierVersion, limit],
  );
  return rows.map((r) => ({ channelId: r.channel_id, messageId: r.message_id, version: r.version, text: r.text }));
}

/** Posts never classified or edited since (the partial index posts_unclassified_idx holds exactly these). */
export async function nextUnclassifiedPosts(db: Queryable, limit: number): Promise<PostToClassify[]> {
  const { rows } = await db.query<{ channel_id: number; message_id: number; version: number; text: string }>(
    `SELECT channel_id, message_id, version, text FROM posts
      WHERE classifier_version IS NULL ORDER BY channel_id, message_id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ channelId: r.channel_id, messageId: r.message_id, version: r.version, text: r.text }));
}

export async function countPostsNeedingClassification(db: Queryable, classifierVersion: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM posts WHERE classifier_version IS DISTINCT FROM $1', [classifierVersion]);
  return rows[0]!.n;
}
