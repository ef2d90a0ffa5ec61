// The channels store: registered channels, their collection cursors and the
// subscriber series. Plain functions over a Queryable, so any of them can run
// inside the caller's transaction.
import type { Queryable } from '../db/db.ts';
import type { Audience, Channel, ChannelSnapshot, ChannelStatus, ChannelWithStats } from './types.ts';

interface ChannelRow {
  id: number;
  telegram_id: number | null;
  username: string | null;
  title: string;
  about: string | null;
  audience: Audience | null;
  labels: string[];
  access_hash: string | null;
  status: ChannelStatus;
  status_detail: string | null;
  newest_message_id: number | null;
  oldest_message_id: number | null;
  backfill_until: Date | null;
  backfill_done: boolean;
  last_collected_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toChannel(row: ChannelRow): Channel {
  return {
    id: row.id,
    telegramId: row.telegram_id,
    username: row.username,
    title: row.title,
    about: row.about,
    audience: row.audience,
    labels: row.labels,
    accessHash: row.access_hash,
    status: row.status,
    statusDetail: row.status_detail,
    newestMessageId: row.newest_message_id,
    oldestMessageId: row.oldest_message_id,
    backfillUntil: row.backfill_until,
    backfillDone: row.backfill_done,
    lastCollectedAt: row.last_collected_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function getChannel(db: Queryable, id: number): Promise<Channel | null> {
  const { rows } = await db.query<ChannelRow>('SELECT * FROM channels WHERE id = $1', [id]);
  return rows[0] ? toChannel(rows[0]) : null;
}

export async function findChannelByUsername(db: Queryable, username: string): Promise<Channel | null> {
  const { rows } = await db.query<ChannelRow>('SELECT * FROM channels WHERE username = $1', [username.toLowerCase()]);
  return rows[0] ? toChannel(rows[0]) : null;
}

export async function findChannelByTelegramId(db: Queryable, telegramId: number): Promise<Channel | null> {
  const { rows } = await db.query<ChannelRow>('SELECT * FROM channels WHERE telegram_id = $1', [telegramId]);
  return rows[0] ? toChannel(rows[0]) : null;
}

export interface RegisterChannelInput {
  username: string;
  audience: Audience;
  /** Replaces the channel's labels; undefined keeps them. */
  labels?: string[];
}

/**
 * Registers a channel by username, or updates the audience and labels of one
 * already registered (re-running `channels add` is how an analyst re-tags).
 */
export async function registerChannel(db: Queryable, input: RegisterChannelInput): Promise<{ channel: Channel; created: boolean }> {
  const { rows } = await db.query<ChannelRow & { inserted: boolean }>(
    `INSERT INTO channels (username, audience, labels) VALUES ($1, $2, $3)
     ON CONFLICT (username) DO UPDATE SET audience = EXCLUDED.audience,
       labels = CASE WHEN $4 THEN EXCLUDED.labels ELSE channels.labels END, updated_at = now()
     RETURNING *, (xmax = 0) AS inserted`,
    [input.username.toLowerCase(), input.audience, input.labels ?? [], input.labels !== undefined],
  );
  const row = rows[0]!;
  return { channel: toChannel(row), created: row.inserted };
}

export interface ExportChannelIdentity {
  telegramId: number;
  title: string;
  /** Attach the export to this already registered @username (it gains the Telegram id). */
  username?: string;
  audience?: Audience;
}

/**
 * Finds the channel an export belongs to (by Telegram id, else by the given
 * username) or creates it. Title and audience are refreshed when given.
 */
export async function upsertExportChannel(db: Queryable, identity: ExportChannelIdentity): Promise<{ channel: Channel; created: boolean }> {
  const byId = await findChannelByTelegramId(db, identity.telegramId);
  const byName = identity.username ? await findChannelByUsername(db, identity.username) : null;
  if (byId && byName && byId.id !== byName.id) {
    throw new Error(
      `the export is channel ${identity.telegramId}, already stored as channel #${byId.id}, but @${identity.username} is channel #${byName.id}`,
    );
  }
  if (byName && byName.telegramId !== null && byName.telegramId !== identity.telegramId) {
    throw new Error(`@${identity.username} is Telegram channel ${byName.telegramId}, but the export is channel ${identity.telegramId}`);
  }
  const existing = byId ?? byName;
  if (existing) {
    // Written only when something differs, so re-importing a file changes nothing.
    const { rows } = await db.query<ChannelRow>(
      `UPDATE channels SET telegram_id = $2, title = CASE WHEN $3 = '' THEN title ELSE $3 END,
              audience = COALESCE($4, audience), updated_at = now()
        WHERE id = $1
          AND (telegram_id, title, audience) IS DISTINCT FROM ($2, CASE WHEN $3 = '' THEN title ELSE $3 END, COALESCE($4, audience))
        RETURNING *`,
      [existing.id, identity.telegramId, identity.title, identity.audience ?? null],
    );
    return { channel: rows[0] ? toChannel(rows[0]) : existing, created: false };
  }
  const { rows } = await db.query<ChannelRow>(
    `INSERT INTO channels (telegram_id, username, title, audience) VALUES ($1, $2, $3, $4) RETURNING *`,
    [identity.telegramId, identity.username?.toLowerCase() ?? null, identity.title, identity.audience ?? null],
  );
  return { channel: toChannel(rows[0]!), created: true };
}

/** Channels with their latest subscriber count and stored post count. */
export async function listChannels(db: Queryable): Promise<ChannelWithStats[]> {
  const { rows } = await db.query<ChannelRow & { subscribers: number | null; subscribers_at: Date | null; post_count: number }>(
    `SELECT c.*, s.subscribers, s.observed_at AS subscribers_at,
            (SELECT count(*) FROM posts p WHERE p.channel_id = c.id) AS post_count
       FROM channels c
       LEFT JOIN LATERAL (
         SELECT subscribers, observed_at FROM subscriber_snapshots
          WHERE channel_id = c.id ORDER BY observed_at DESC LIMIT 1
       ) s ON true
      ORDER BY c.audience NULLS LAST, c.username NULLS LAST, c.id`,
  );
  return rows.map((r) => ({ ...toChannel(r), subscribers: r.subscribers, subscribersAt: r.subscribers_at, posts: r.post_count }));
}

/** Stores what a source saw of the channel: identity, description, subscriber count. */
export async function recordChannelSnapshot(
  db: Queryable,
  channelId: number,
  snapshot: ChannelSnapshot,
  source: 'mtproto' | 'web' | 'export' | 'manual',
): Promise<void> {
  await db.query(
    `UPDATE channels SET
        telegram_id = COALESCE($2, telegram_id),
        title = CASE WHEN $3 = '' THEN title ELSE $3 END,
        about = COALESCE($4, about),
        updated_at = now()
      WHERE id = $1`,
    [channelId, snapshot.telegramId, snapshot.title, snapshot.about],
  );
  if (snapshot.subscribers !== null) {
    await db.query(
      `INSERT INTO subscriber_snapshots (channel_id, observed_at, subscribers, exact, source)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel_id, observed_at) DO NOTHING`,
      [channelId, snapshot.observedAt, snapshot.subscribers, snapshot.subscribersExact, source],
    );
  }
}

export async function setChannelStatus(db: Queryable, channelId: number, status: ChannelStatus, detail: string | null): Promise<void> {
  await db.query('UPDATE channels SET status = $2, status_detail = $3, updated_at = now() WHERE id = $1', [channelId, status, detail]);
}

export interface CursorUpdate {
  newestMessageId?: number;
  oldestMessageId?: number;
  backfillDone?: boolean;
  collectedAt?: Date;
}

/**
 * Moves the collection cursors. Call it in the same transaction as the
 * upsertPosts that stored the posts the cursor now covers: a crash then loses
 * both or neither. The newest cursor only moves forward, the oldest only back.
 */
export async function advanceCursors(db: Queryable, channelId: number, update: CursorUpdate): Promise<void> {
  await db.query(
    `UPDATE channels SET
        newest_message_id = GREATEST(newest_message_id, $2),
        oldest_message_id = LEAST(oldest_message_id, $3),
        backfill_done = COALESCE($4, backfill_done),
        last_collected_at = COALESCE($5, last_collected_at),
        updated_at = now()
      WHERE id = $1
        AND (newest_message_id, oldest_message_id, backfill_done, last_collected_at) IS DISTINCT FROM
            (GREATEST(newest_message_id, $2), LEAST(oldest_message_id, $3), COALESCE($4, backfill_done), COALESCE($5, last_collected_at))`,
    [channelId, update.newestMessageId ?? null, update.oldestMessageId ?? null, update.backfillDone ?? null, update.collectedAt ?? null],
  );
}
