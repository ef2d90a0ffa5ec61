// The collector: one channel, one source, three kinds of work.
//   poll     new posts (a walk down from the top to the newest cursor), then a
//            slice of backfill (a walk down from the oldest cursor);
//   snapshot the subscriber count;
//   refresh  recent posts re-read for metrics, edits and deletions.
// Every page is stored in its own transaction together with the cursor that
// now covers it (see migrations/003_collection.sql), so a collector killed at
// any instant leaves a state the next one resumes from, losing and
// duplicating nothing.
import { recordChannelSnapshot, setChannelStatus, advanceCursors } from '../channels/store.ts';
import type { ChannelSnapshot, ChannelStatus } from '../channels/types.ts';
import { sqlState, type Db, type Queryable } from '../db/db.ts';
import type { Logger } from '../log.ts';
import { markDeleted, upsertPosts } from '../posts/store.ts';
import type { ChannelPost } from '../posts/types.ts';
import { ChannelUnavailableError, type ChannelSource, type HistoryPage } from './source.ts';
import {
  getCollectionState,
  recentMessageIds,
  recordRun,
  saveCatchUp,
  saveResolution,
  sourceChannel,
  withChannelLease,
  type CollectionState,
} from './state.ts';

/** Told after every commit which posts are new or edited (they flow on to classification). */
export type StoredPostsListener = (channelId: number, messageIds: number[], seenAt: Date) => Promise<void>;

export interface CollectorDeps {
  db: Db;
  source: ChannelSource;
  onStored?: StoredPostsListener | null;
  logger?: Logger | null;
  now?: () => Date;
}

export interface PollOptions {
  /** Pages this call may fetch (catch-up first, then backfill); Infinity for a full pass. */
  maxPages: number;
  /** Backfill horizon when the channel row sets none; null: the channel's first post. */
  defaultBackfillSince: Date | null;
  /**
   * false for a backfill slice: skip the check for new posts (the schedule's
   * poll does it) unless a walk down from the top is unfinished, so the whole
   * budget goes to backfill.
   */
  checkNew?: boolean;
  signal?: AbortSignal;
}

export interface CollectReport {
  channelId: number;
  /** 'busy': another collector holds the channel; 'unavailable': the source cannot read it (status says why). */
  outcome: 'done' | 'more' | 'busy' | 'unavailable' | 'stopped';
  status: ChannelStatus | null;
  detail: string | null;
  pages: number;
  requests: number;
  inserted: number;
  edited: number;
  refreshed: number;
  deleted: number;
  newestMessageId: number | null;
  oldestMessageId: number | null;
  backfillDone: boolean;
  snapshot: ChannelSnapshot | null;
  /** Where the next slice starts ("c<id>": inside a catch-up walk, "b<id>": backfill below id); names follow-up jobs. */
  resumeMarker: string | null;
}

function emptyReport(channelId: number): CollectReport {
  return {
    channelId, outcome: 'done', status: null, detail: null, pages: 0, requests: 0, inserted: 0, edited: 0, refreshed: 0,
    deleted: 0, newestMessageId: null, oldestMessageId: null, backfillDone: false, snapshot: null, resumeMarker: null,
  };
}

function idRange(posts: readonly ChannelPost[]): { min: number; max: number } | null {
  if (posts.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const p of posts) {
    min = Math.min(min, p.messageId);
    max = Math.max(max, p.messageId);
  }
  return { min, max };
}

export class ChannelNotFoundError extends Error {
  override name = 'ChannelNotFoundError';
}

export function createCollector(deps: CollectorDeps) {
  const { db, source } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger ?? null;

  async function loadState(channelId: number): Promise<CollectionState> {
    const state = await getCollectionState(db, channelId);
    if (!state) throw new ChannelNotFoundError(`channel #${channelId} is not registered`);
    return state;
  }

  /** Stores one page and moves the cursors in one transaction; returns what changed. */
  async function storePage(
    report: CollectReport,
    channelId: number,
    posts: readonly ChannelPost[],
    moveCursors: (tx: Queryable) => Promise<void>,
  ): Promise<void> {
    const seenAt = now();
    const outcome = await db.transaction(async (tx) => {
      const result = await upsertPosts(tx, channelId, posts, { source: source.kind, seenAt });
      await moveCursors(tx);
      return result;
    });
    report.inserted += outcome.inserted.length;
    report.edited += outcome.edited.length;
    report.refreshed += outcome.refreshed.length;
    const changed = [...outcome.inserted, ...outcome.edited];
    if (changed.length > 0 && deps.onStored) await deps.onStored(channelId, changed.sort((a, b) => a - b), seenAt);
  }

  /** Resolves the channel through the source when needed and keeps what it learned. */
  async function prepare(state: CollectionState, report: CollectReport, signal?: AbortSignal): Promise<CollectionState> {
    const resolution = await source.resolve(sourceChannel(state), signal);
    if (!resolution) return state;
    report.requests++;
    try {
      await saveResolution(db, state.channelId, resolution);
    } catch (err) {
      if (sqlState(err) !== '23505') throw err;
      // Another row already is this Telegram channel: it was renamed, or registered twice.
      const { rows } = await db.query<{ id: number; username: string | null }>('SELECT id, username FROM channels WHERE telegram_id = $1', [resolution.telegramId]);
      const twin = rows[0];
      throw new ChannelUnavailableError(
        'error',
        `@${state.username} is the same Telegram channel as #${twin?.id} (@${twin?.username ?? '?'}); remove one of them`,
      );
    }
    return { ...state, telegramId: resolution.telegramId, accessHash: resolution.accessHash, account: resolution.account };
  }

  /** Runs fn under the channel lease; maps "cannot read this channel" to its status. */
  async function guarded(
    channelId: number,
    kind: 'poll' | 'snapshot' | 'refresh' | 'once',
    signal: AbortSignal | undefined,
    fn: (state: CollectionState, report: CollectReport) => Promise<void>,
  ): Promise<CollectReport> {
    const report = emptyReport(channelId);
    const startedAt = now();
    const ran = await withChannelLease(db, channelId, async () => {
      let state = await loadState(channelId);
      try {
        state = await prepare(state, report, signal);
        await fn(state, report);
        const after = await loadState(channelId);
        if (after.status !== 'active' && after.status !== 'paused') await setChannelStatus(db, channelId, 'active', null);
        report.status = after.status === 'paused' ? 'paused' : 'active';
      } catch (err) {
        if (!(err instanceof ChannelUnavailableError)) throw err;
        await setChannelStatus(db, channelId, err.status, err.message);
        report.outcome = 'unavailable';
        report.status = err.status;
        report.detail = err.message;
        log?.warn({ channelId, status: err.status }, err.message);
      } finally {
        const after = await getCollectionState(db, channelId);
        if (after) {
          report.newestMessageId = after.newestMessageId;
          report.oldestMessageId = after.oldestMessageId;
          report.backfillDone = after.backfillDone;
          report.resumeMarker = after.catchUp ? `c${after.catchUp.before}` : !after.backfillDone ? `b${after.oldestMessageId ?? 'top'}` : null;
        }
      }
      await recordRun(db, {
        channelId, kind, source: source.kind, startedAt, requests: report.requests, inserted: report.inserted,
        edited: report.edited, deleted: report.deleted, outcome: report.outcome, detail: report.detail,
      });
      return true;
    });
    if (ran === null) return { ...report, outcome: 'busy' };
    return report;
  }

  /** One walk step down from the top toward the newest cursor. Returns true when the walk is finished. */
  async function catchUpPage(state: CollectionState, report: CollectReport, signal?: AbortSignal): Promise<boolean> {
    const newest = state.newestMessageId;
    const page: HistoryPage = await source.history(
      sourceChannel(state),
      { before: state.catchUp?.before ?? null, after: newest },
      signal,
    );
    report.pages++;
    report.requests += page.requests;
    const channelId = state.channelId;
    const range = idRange(page.posts);

    if (newest === null) {
      // The channel's first page: it defines both cursors.
      await storePage(report, channelId, page.posts, async (tx) => {
        await advanceCursors(tx, channelId, {
          ...(range ? { newestMessageId: range.max, oldestMessageId: range.min } : {}),
          // An empty channel, or one whose whole history fits this page: nothing to backfill.
          ...(!range || !page.more ? { backfillDone: true } : {}),
          collectedAt: now(),
        });
      });
      return true;
    }

    const fresh = page.posts.filter((p) => p.messageId > newest);
    const freshRange = idRange(fresh);
    const reached = !page.more || fresh.length < page.posts.length || fresh.length === 0;
    const top = Math.max(state.catchUp?.top ?? newest, freshRange?.max ?? newest);
    await storePage(report, channelId, page.posts, async (tx) => {
      if (reached) {
        await advanceCursors(tx, channelId, { newestMessageId: top, collectedAt: now() });
        if (state.catchUp) await saveCatchUp(tx, channelId, null);
      } else {
        await saveCatchUp(tx, channelId, { top, before: freshRange!.min });
      }
    });
    return reached;
  }

  /** One page of backfill below the oldest cursor. Returns true when the backfill is finished. */
  async function backfillPage(state: CollectionState, report: CollectReport, horizon: Date | null, signal?: AbortSignal): Promise<boolean> {
    const page = await source.history(sourceChannel(state), { before: state.oldestMessageId, after: null }, signal);
    report.pages++;
    report.requests += page.requests;
    const below = page.posts.filter((p) => state.oldestMessageId === null || p.messageId < state.oldestMessageId);
    const range = idRange(below);
    const pastHorizon = horizon !== null && below.some((p) => p.postedAt < horizon);
    const done = !page.more || below.length === 0 || pastHorizon;
    await storePage(report, state.channelId, below, async (tx) => {
      await advanceCursors(tx, state.channelId, { ...(range ? { oldestMessageId: range.min } : {}), backfillDone: done, collectedAt: now() });
    });
    return done;
  }

  return {
    source,

    /** Why a scheduled job for this channel should do nothing (gone or paused), or null. */
    async skipReason(channelId: number): Promise<string | null> {
      const state = await getCollectionState(db, channelId);
      if (!state) return 'channel no longer registered';
      if (state.status === 'paused') return 'channel paused';
      return null;
    },

    /** New posts first, then backfill, within a page budget. */
    poll(channelId: number, options: PollOptions, kind: 'poll' | 'once' = 'poll'): Promise<CollectReport> {
      return guarded(channelId, kind, options.signal, async (initial, report) => {
        let state = initial;
        let caughtUp = options.checkNew === false && state.catchUp === null && state.newestMessageId !== null;
        try {
          while (!caughtUp && report.pages < options.maxPages) {
            if (options.signal?.aborted) break;
            caughtUp = await catchUpPage(state, report, options.signal);
            state = await loadState(channelId);
            if (caughtUp) break;
          }
          const horizon = state.backfillUntil ?? options.defaultBackfillSince;
          while (caughtUp && !state.backfillDone && report.pages < options.maxPages) {
            if (options.signal?.aborted) break;
            await backfillPage(state, report, horizon, options.signal);
            state = await loadState(channelId);
          }
        } catch (err) {
          // Shutting down mid-request (a paced wait, a fetch): every committed page is consistent; stop here.
          if (!options.signal?.aborted) throw err;
        }
        const pending = !caughtUp || !state.backfillDone;
        report.outcome = options.signal?.aborted && pending ? 'stopped' : pending ? 'more' : 'done';
      });
    },

    /** Records the subscriber count (and title, description). */
    snapshot(channelId: number, signal?: AbortSignal): Promise<CollectReport> {
      return guarded(channelId, 'snapshot', signal, async (state, report) => {
        const { snapshot, requests } = await source.snapshot(sourceChannel(state), signal);
        report.requests += requests;
        await recordChannelSnapshot(db, channelId, snapshot, source.kind);
        report.snapshot = snapshot;
      });
    },

    /** Re-reads posts younger than the window: metrics, edits, deletions. */
    refresh(channelId: number, windowMs: number, signal?: AbortSignal): Promise<CollectReport> {
      return guarded(channelId, 'refresh', signal, async (state, report) => {
        const ids = await recentMessageIds(db, channelId, new Date(now().getTime() - windowMs), 1000);
        if (ids.length === 0) return;
        const result = await source.recheck(sourceChannel(state), ids, signal);
        report.requests += result.requests;
        report.pages += result.requests;
        await storePage(report, channelId, result.posts, async (tx) => {
          report.deleted += (await markDeleted(tx, channelId, result.gone, now())).length;
        });
      });
    },
  };
}

export type Collector = ReturnType<typeof createCollector>;
