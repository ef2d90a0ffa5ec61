// The analyst's read model of posts: filtered, searched, keyset-paginated
// lists (newest first) and one post in full. SQL only; the API shapes the
// JSON.
//
// The filters mean exactly what the rollups count (services/trends), so a
// trend and the posts behind it agree: `frame` selects on-topic posts tagged
// with the frame, `onTopic=true` on-topic posts, and deleted posts are listed
// (with their deletion time) because they are counted.
import type { Queryable } from '../db/db.ts';
import type { PostKey } from './cursor.ts';
import { simpleQueryText, type SearchTerm } from './search.ts';

export interface PostFilters {
  channelIds: number[] | null;
  audiences: string[] | null;
  frame: string | null;
  /** ISO instant, inclusive. */
  from: string | null;
  /** ISO instant, exclusive. */
  to: string | null;
  search: SearchTerm[] | null;
  onTopic: boolean | null;
}

export interface FrameScore {
  frame: string;
  score: number;
}

export interface PostListItem {
  channelId: number;
  messageId: number;
  channelUsername: string | null;
  channelTitle: string;
  audience: string | null;
  postedAt: Date;
  /** posted_at with microseconds, for the cursor. */
  postedAtExact: string;
  text: string;
  views: number | null;
  forwards: number | null;
  replies: number | null;
  reactionsTotal: number | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  version: number;
  lang: string | null;
  onTopic: boolean | null;
  mediaKind: string | null;
  fwdFromTelegramId: number | null;
  fwdFromMessageId: number | null;
  fwdFromName: string | null;
  frames: FrameScore[];
}

const EXACT_TIME = `to_char(p.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The WHERE conditions of a filter set, appended to `params`. */
export function postConditions(filters: PostFilters, params: unknown[]): string[] {
  const where: string[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filters.channelIds !== null) where.push(`p.channel_id = ANY(${add(filters.channelIds)}::bigint[])`);
  if (filters.audiences !== null) where.push(`p.channel_id IN (SELECT id FROM channels WHERE audience = ANY(${add(filters.audiences)}::text[]))`);
  if (filters.from !== null) where.push(`p.posted_at >= ${add(filters.from)}::timestamptz`);
  if (filters.to !== null) where.push(`p.posted_at < ${add(filters.to)}::timestamptz`);
  if (filters.onTopic === true) where.push('p.on_topic');
  if (filters.onTopic === false) where.push('p.on_topic IS NOT TRUE');
  if (filters.frame !== null) {
    where.push(`p.on_topic AND EXISTS (SELECT 1 FROM frame_tags f
      WHERE f.channel_id = p.channel_id AND f.message_id = p.message_id AND f.frame = ${add(filters.frame)})`);
  }
  if (filters.search !== null && filters.search.length > 0) {
    // Same expression as the index posts_search_idx, so the planner can use it.
    const query = filters.search
      .map((term) => `(plainto_tsquery('russian', ${add(term.word)}) || to_tsquery('simple', ${add(simpleQueryText(term))}))`)
      .join(' && ');
    where.push(`post_search_vector(p.text) @@ (${query})`);
  }
  return where;
}

/** One page, newest first: (posted_at, channel_id, message_id) descending, after `after`. */
export async function listPosts(db: Queryable, filters: PostFilters, after: PostKey | null, limit: number): Promise<PostListItem[]> {
  const params: unknown[] = [];
  const where = postConditions(filters, params);
  if (after !== null) {
    params.push(after.postedAt, after.channelId, after.messageId);
    const n = params.length;
    // The first condition is implied by the second; it is spelled out so the
    // planner can start the posted_at index scan at the cursor.
    where.push(`p.posted_at <= $${n - 2}::timestamptz`);
    where.push(`(p.posted_at, p.channel_id, p.message_id) < ($${n - 2}::timestamptz, $${n - 1}::bigint, $${n}::int)`);
  }
  params.push(limit);
  const { rows } = await db.query<PostListItem>(
    `SELECT p.channel_id AS "channelId", p.message_id AS "messageId", c.username AS "channelUsername", c.title AS "channelTitle",
            c.audience, p.posted_at AS "postedAt", ${EXACT_TIME} AS "postedAtExact", p.text, p.views, p.forwards, p.replies,
            p.reactions_total AS "reactionsTotal", p.edited_at AS "editedAt", p.deleted_at AS "deletedAt", p.version, p.lang,
            p.on_topic AS "onTopic", p.media_kind AS "mediaKind", p.fwd_from_telegram_id AS "fwdFromTelegramId",
            p.fwd_from_message_id AS "fwdFromMessageId", p.fwd_from_name AS "fwdFromName",
            COALESCE(ft.frames, '[]'::json) AS frames
       FROM (SELECT p.* FROM posts p
              ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
              ORDER BY p.posted_at DESC, p.channel_id DESC, p.message_id DESC
              LIMIT $${params.length}) p
       JOIN channels c ON c.id = p.channel_id
       LEFT JOIN LATERAL (
         SELECT json_agg(json_build_object('frame', f.frame, 'score', f.score) ORDER BY f.frame) AS frames
           FROM frame_tags f WHERE p.on_topic AND f.channel_id = p.channel_id AND f.message_id = p.message_id) ft ON true
      ORDER BY p.posted_at DESC, p.channel_id DESC, p.message_id DESC`,
    params,
  );
  return rows;
}

export interface EvidenceSpan {
  start: number;
  end: number;
  text: string;
}

export interface PostDetail extends PostListItem {
  entities: unknown;
  reactions: unknown;
  groupedId: string | null;
  source: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  classifierVersion: string | null;
  classifiedAt: Date | null;
  /** The monitored channel the post was forwarded from, when it is one. */
  fwdFromChannelId: number | null;
  tags: Array<{ frame: string; score: number; evidence: EvidenceSpan[]; classifierVersion: string }>;
  versions: Array<{ version: number; text: string; editedAt: Date | null; supersededAt: Date }>;
}

export async function getPostDetail(db: Queryable, channelId: number, messageId: number): Promise<PostDetail | null> {
  const { rows } = await db.query<Omit<PostDetail, 'frames' | 'tags' | 'versions'>>(
    `SELECT p.channel_id AS "channelId", p.message_id AS "messageId", c.username AS "channelUsername", c.title AS "channelTitle",
            c.audience, p.posted_at AS "postedAt", ${EXACT_TIME} AS "postedAtExact", p.text, p.entities, p.views, p.forwards,
            p.replies, p.reactions, p.reactions_total AS "reactionsTotal", p.edited_at AS "editedAt", p.deleted_at AS "deletedAt",
            p.version, p.lang, p.on_topic AS "onTopic", p.media_kind AS "mediaKind", p.grouped_id AS "groupedId", p.source,
            p.first_seen_at AS "firstSeenAt", p.last_seen_at AS "lastSeenAt", p.classifier_version AS "classifierVersion",
            p.classified_at AS "classifiedAt", p.fwd_from_telegram_id AS "fwdFromTelegramId",
            p.fwd_from_message_id AS "fwdFromMessageId", p.fwd_from_name AS "fwdFromName",
            (SELECT o.id FROM channels o WHERE o.telegram_id = p.fwd_from_telegram_id) AS "fwdFromChannelId"
       FROM posts p JOIN channels c ON c.id = p.channel_id
      WHERE p.channel_id = $1 AND p.message_id = $2`,
    [channelId, messageId],
  );
  const post = rows[0];
  if (!post) return null;
  // Tags count only while the post is on topic; an edit clears on_topic until re-classified.
  const tags = post.onTopic
    ? (await db.query<PostDetail['tags'][number]>(
        `SELECT frame, score, evidence, classifier_version AS "classifierVersion" FROM frame_tags
          WHERE channel_id = $1 AND message_id = $2 ORDER BY score DESC, frame`,
        [channelId, messageId],
      )).rows
    : [];
  const versions = await db.query<PostDetail['versions'][number]>(
    `SELECT version, text, edited_at AS "editedAt", superseded_at AS "supersededAt" FROM post_versions
      WHERE channel_id = $1 AND message_id = $2 ORDER BY version`,
    [channelId, messageId],
  );
  return { ...post, frames: tags.map((t) => ({ frame: t.frame, score: t.score })), tags, versions: versions.rows };
}
