// Thin job handlers: each turns one queue job into one collector call, and
// passes what the collector stored on to the classify queue.
import type { CollectionConfig } from '../config/env.ts';
import { createCollector, type CollectReport } from '../services/collection/collector.ts';
import type { ChannelSource } from '../services/collection/source.ts';
import type { Db } from '../services/db/db.ts';
import type { Logger } from '../services/log.ts';
import type { JobHandlers, JobQueue } from '../services/queue/bullmq.ts';
import { classifyPayloads } from '../services/queue/catalog.ts';
import { RetryLaterError } from '../services/pacing/retry-later.ts';

export interface CollectionWorkerDeps {
  db: Db;
  queue: JobQueue;
  source: ChannelSource;
  config: CollectionConfig;
  logger: Logger;
}

const BUSY_RETRY_MS = 20_000;

type Outcome = Pick<CollectReport, 'outcome' | 'inserted' | 'edited' | 'deleted' | 'requests' | 'pages'> | { outcome: 'skipped'; reason: string };

function summary(r: CollectReport): Outcome {
  return { outcome: r.outcome, inserted: r.inserted, edited: r.edited, deleted: r.deleted, requests: r.requests, pages: r.pages };
}

export function collectionHandlers(deps: CollectionWorkerDeps): JobHandlers {
  const { db, queue, config, logger } = deps;
  const collector = createCollector({
    db,
    source: deps.source,
    logger,
    // New and edited posts flow on to classification as soon as they are committed.
    // The commit time names the job, so a repeated enqueue of one commit is one job.
    onStored: async (channelId, messageIds, seenAt) => {
      for (const payload of classifyPayloads(channelId, messageIds)) {
        await queue.enqueue('classify-posts', payload, { marker: seenAt.toISOString() });
      }
    },
  });

  // Jobs for a channel that is gone or paused do nothing (its schedules are removed at the next sync).
  const skipReason = (channelId: number) => collector.skipReason(channelId);

  async function poll(channelId: number, signal: AbortSignal, checkNew: boolean): Promise<Outcome> {
    const skip = await skipReason(channelId);
    if (skip) return { outcome: 'skipped', reason: skip };
    const report = await collector.poll(channelId, { maxPages: config.pagesPerJob, defaultBackfillSince: config.backfillSince, checkNew, signal });
    if (report.outcome === 'more' || report.outcome === 'stopped') {
      // The rest in a follow-up job: a worker slot is never held for a whole backfill.
      await queue.enqueue('backfill', { channelId }, { marker: report.resumeMarker ?? 'next' });
    }
    logger.info({ channelId, ...summary(report) }, 'poll');
    return summary(report);
  }

  /**
   * A poll that finds its channel busy has nothing to add (the other job is
   * collecting it). A snapshot or refresh would be a lost data point: it
   * comes back shortly instead, as a delayed job.
   */
  function retryIfBusy(report: CollectReport): CollectReport {
    if (report.outcome === 'busy') throw new RetryLaterError(BUSY_RETRY_MS, `channel #${report.channelId} is being collected by another job`);
    return report;
  }

  return {
    poll: ({ data, signal }) => poll(data.channelId, signal, true),
    backfill: ({ data, signal }) => poll(data.channelId, signal, false),
    snapshot: async ({ data, signal }) => {
      const skip = await skipReason(data.channelId);
      if (skip) return { outcome: 'skipped', reason: skip };
      const report = retryIfBusy(await collector.snapshot(data.channelId, signal));
      return { ...summary(report), subscribers: report.snapshot?.subscribers ?? null };
    },
    refresh: async ({ data, signal }) => {
      const skip = await skipReason(data.channelId);
      if (skip) return { outcome: 'skipped', reason: skip };
      return summary(retryIfBusy(await collector.refresh(data.channelId, config.refreshWindowMs, signal)));
    },
  };
}

