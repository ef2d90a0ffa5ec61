// The collector's view of a channel row: cursors, the unfinished catch-up
// walk, and the MTProto identity. Plain functions over a Queryable so each
// write joins the transaction that stores the posts it describes.
import type { ChannelStatus } from '../channels/types.ts';
import type { Queryable } from '../db/db.ts';
import type { Resolution, SourceChannel } from './source.ts';

export interface CollectionState {
  channelId: number;
  username: string | null;
  telegramId: number | null;
  accessHash: string | null;
  account: string | null;
  status: ChannelStatus;
  newestMessageId: number | null;
  oldestMessageId: number | null;
  /** An unfinished walk down from the top: [catchUp.before, catchUp.top] is stored. */
  catchUp: { top: number; before: number } | null;
  backfillUntil: Date | null;
  backfillDone: boolean;
}

interface StateRow {
  id: number;
  username: string | null;
  telegram_id: number | null;
  access_hash: string | null;
  mtproto_account: string | null;
  status: ChannelStatus;
  newest_message_id: number | null;
  oldest_message_id: number | null;
  catchup_top: number | null;
  catchup_before: number | null;
  backfill_until: Date | null;
  backfill_done: boolean;
}

export async function getCollectionState(db: Queryable, channelId: number): Promise<CollectionState | null> {
  const { rows } = await db.query<StateRow>(
    `SELECT id, username, telegram_id, access_hash, mtproto_account, status, newest_message_id, oldest_message_id,
            catchup_top, catchup_before, backfill_until, backfill_done
       FROM channels WHERE id = $1`,
    [channelId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    channelId: r.id,
    username: r.username,
    telegramId: r.telegram_id,
    accessHash: r.access_hash,
    account: r.mtproto_account,
    status: r.status,
    newestMessageId: r.newest_message_id,
    oldestMessageId: r.oldest_message_id,
    catchUp: r.catchup_top !== null && r.catchup_before !== null ? { top: r.catchup_top, before: r.catchup_before } : null,
    backfillUntil: r.backfill_until,
    backfillDone: r.backfill_done,
  };
}

export function sourceChannel(state: CollectionState): SourceChannel {
  return {
    channelId: state.channelId,
    username: state.username,
    telegramId: state.telegramId,
    accessHash: state.accessHash,
    account: state.account,
  };
}

/** Records an unfinished walk down from the top, or (null) that it met the newest cursor. */
export async function saveCatchUp(tx: Queryable, channelId: number, catchUp: { top: number; before: number } | null): Promise<void> {
  await tx.query('UPDATE channels SET catchup_top = $2, catchup_before = $3, updated_at = now() WHERE id = $1', [
    channelId,
    catchUp?.top ?? null,
    catchUp?.before ?? null,
  ]);
}

/** Stores an MTProto identity; a new account's access hash replaces the old one. */
export async function saveResolution(db: Queryable, channelId: number, r: Resolution): Promise<void> {
  await db.query(
    `UPDATE channels SET telegram_id = $2, access_hash = $3, mtproto_account = $4, updated_at = now() WHERE id = $1`,
    [channelId, r.telegramId, r.accessHash, r.account],
  );
}

/**
 * Sets how far back to backfill. Moving it earlier than what a finished
 * backfill covered reopens the backfill from the oldest cursor.
 */
export async function setBackfillUntil(db: Queryable, channelId: number, until: Date): Promise<void> {
  await db.query(
    `UPDATE channels SET backfill_until = $2,
            backfill_done = backfill_done AND backfill_until IS NOT NULL AND $2 >= backfill_until,
            updated_at = now()
      WHERE id = $1 AND backfill_until IS DISTINCT FROM $2`,
    [channelId, until],
  );
}

/**
 * Channels the worker collects: the active ones, and over MTProto also those
 * without a public web preview. A channel that is missing, private, paused or
 * in error is not scheduled; `collect --once` re-checks it and reactivates it.
 */
export async function schedulableChannelIds(db: Queryable, source: 'mtproto' | 'web'): Promise<number[]> {
  const statuses = source === 'mtproto' ? ['active', 'no_preview'] : ['active'];
  const { rows } = await db.query<{ id: number }>('SELECT id FROM channels WHERE status = ANY($1::text[]) ORDER BY id', [statuses]);
  return rows.map((r) => r.id);
}

/** Posts recent enough to be re-read for metrics, edits and deletions. */
export async function recentMessageIds(db: Queryable, channelId: number, since: Date, limit: number): Promise<number[]> {
  const { rows } = await db.query<{ message_id: number }>(
    `SELECT message_id FROM posts
      WHERE channel_id = $1 AND posted_at >= $2 AND deleted_at IS NULL
      ORDER BY message_id DESC LIMIT $3`,
    [channelId, since, limit],
  );
  return rows.map((r) => r.message_id).reverse();
}

export interface RunRecord {
  channelId: number;
  kind: 'poll' | 'snapshot' | 'refresh' | 'once';
  source: 'mtproto' | 'web';
  startedAt: Date;
  requests: number;
  inserted: number;
  edited: number;
  deleted: number;
  outcome: string;
  detail: string | null;
}

export async function recordRun(db: Queryable, run: RunRecord): Promise<void> {
  await db.query(
    `INSERT INTO collection_runs (channel_id, kind, source, started_at, requests, inserted, edited, deleted, outcome, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [run.channelId, run.kind, run.source, run.startedAt, run.requests, run.inserted, run.edited, run.deleted, run.outcome, run.detail],
  );
}

/**
 * Holds a per-channel lease for the length of fn: a session advisory lock on
 * a dedicated connection, released when fn ends or the process dies (the
 * server drops the lock with the connection). Returns null when another
 * collector holds it.
 */
export async function withChannelLease<T>(
  db: { withClient<R>(fn: (c: Queryable) => Promise<R>): Promise<R> },
  channelId: number,
  fn: () => Promise<T>,
): Promise<T | null> {
  return db.withClient(async (conn) => {
    const { rows } = await conn.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(7311943, $1::int) AS ok', [channelId]);
    if (!rows[0]?.ok) return null;
    try {
      return await fn();
    } finally {
      await conn.query('SELECT pg_advisory_unlock(7311943, $1::int)', [channelId]).catch(() => {});
    }
  });
}
