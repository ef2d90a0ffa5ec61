// Who amplifies whom: forwarded posts as edges from the origin to the
// forwarding channel. An origin is a monitored channel when its Telegram id
// (or, for web-preview forwards that carry only a name, its @username) is
// ours; otherwise it appears by Telegram id or by the name the source showed.
//
// This reads posts (there is no rollup of forwards): the partial index
// posts_forwards_time_idx keeps it to the forwarded posts of the range.
// docs/api.md gives its cost.
import type { Queryable } from '../db/db.ts';

export interface ForwardFilters {
  from: string | null;
  to: string | null;
  frame: string | null;
  audiences: string[] | null;
  channelIds: number[] | null;
  minPosts: number;
  limit: number;
}

export interface ForwardNode {
  id: string;
  monitored: boolean;
  channelId: number | null;
  telegramId: number | null;
  username: string | null;
  name: string;
  audience: string | null;
}

export interface ForwardEdge {
  from: string;
  to: string;
  posts: number;
  firstAt: Date;
  lastAt: Date;
}

interface EdgeRow {
  toChannelId: number;
  originChannelId: number | null;
  originTelegramId: number | null;
  originName: string | null;
  posts: number;
  firstAt: Date;
  lastAt: Date;
}

export async function forwardGraph(db: Queryable, f: ForwardFilters): Promise<{ nodes: ForwardNode[]; edges: ForwardEdge[] }> {
  const params: unknown[] = [];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ['(p.fwd_from_telegram_id IS NOT NULL OR p.fwd_from_name IS NOT NULL)'];
  if (f.from !== null) where.push(`p.posted_at >= ${add(f.from)}::timestamptz`);
  if (f.to !== null) where.push(`p.posted_at < ${add(f.to)}::timestamptz`);
  if (f.channelIds !== null) where.push(`p.channel_id = ANY(${add(f.channelIds)}::bigint[])`);
  if (f.audiences !== null) where.push(`p.channel_id IN (SELECT id FROM channels WHERE audience = ANY(${add(f.audiences)}::text[]))`);
  if (f.frame !== null) {
    where.push(`p.on_topic AND EXISTS (SELECT 1 FROM frame_tags t WHERE t.channel_id = p.channel_id AND t.message_id = p.message_id AND t.frame = ${add(f.frame)})`);
  }
  const minPosts = add(f.minPosts);
  const limit = add(f.limit);
  // Grouped first (one row per forwarding channel and origin as the source
  // named it), then origins mapped to monitored channels: one lookup per
  // group, not per post. A channel named both by id and by @name (two
  // sources) folds into one edge in the second grouping.
  const { rows } = await db.query<EdgeRow>(
    `WITH g AS (
       SELECT p.channel_id, p.fwd_from_telegram_id AS tg,
              CASE WHEN p.fwd_from_telegram_id IS NULL THEN p.fwd_from_name END AS shown,
              max(p.fwd_from_name) AS name, count(*) AS posts, min(p.posted_at) AS first_at, max(p.posted_at) AS last_at
         FROM posts p
        WHERE ${where.join(' AND ')}
        GROUP BY 1, 2, 3
     ), m AS (
       SELECT g.*, COALESCE(by_id.id, by_name.id) AS origin
         FROM g
         LEFT JOIN channels by_id ON by_id.telegram_id = g.tg
         LEFT JOIN channels by_name ON g.tg IS NULL AND g.shown LIKE '@%' AND by_name.username = lower(substr(g.shown, 2))
     )
     SELECT channel_id AS "toChannelId", origin AS "originChannelId",
            CASE WHEN origin IS NULL THEN tg END AS "originTelegramId",
            max(name) AS "originName", sum(posts)::bigint AS posts, min(first_at) AS "firstAt", max(last_at) AS "lastAt"
       FROM m
      WHERE origin IS DISTINCT FROM channel_id
      GROUP BY channel_id, origin, CASE WHEN origin IS NULL THEN tg END, CASE WHEN origin IS NULL AND tg IS NULL THEN shown END
     HAVING sum(posts) >= ${minPosts}
      ORDER BY posts DESC, "toChannelId", "originChannelId", "originTelegramId", "originName"
      LIMIT ${limit}`,
    params,
  );
  const channelIds = [...new Set(rows.flatMap((r) => [r.toChannelId, ...(r.originChannelId !== null ? [r.originChannelId] : [])]))];
  const channels = await db.query<{ id: number; telegram_id: number | null; username: string | null; title: string; audience: string | null }>(
    'SELECT id, telegram_id, username, title, audience FROM channels WHERE id = ANY($1::bigint[])',
    [channelIds],
  );
  const nodes = new Map<string, ForwardNode>();
  for (const c of channels.rows) {
    nodes.set(`channel:${c.id}`, {
      id: `channel:${c.id}`, monitored: true, channelId: c.id, telegramId: c.telegram_id, username: c.username,
      name: c.username ? `@${c.username}` : c.title, audience: c.audience,
    });
  }
  const edges = rows.map((r): ForwardEdge => {
    let from: string;
    if (r.originChannelId !== null) from = `channel:${r.originChannelId}`;
    else if (r.originTelegramId !== null) from = `telegram:${r.originTelegramId}`;
    else from = `name:${r.originName ?? ''}`;
    if (!nodes.has(from)) {
      nodes.set(from, {
        id: from, monitored: false, channelId: null, telegramId: r.originTelegramId, username: null,
        name: r.originName ?? (r.originTelegramId !== null ? String(r.originTelegramId) : ''), audience: null,
      });
    }
    return { from, to: `channel:${r.toChannelId}`, posts: r.posts, firstAt: r.firstAt, lastAt: r.lastAt };
  });
  return { nodes: [...nodes.values()], edges };
}
