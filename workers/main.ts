// The worker process: registers the per-channel schedules from the channels
// table and the housekeeping schedules, runs the collection, classification,
// alert, digest and housekeeping workers, keeps the schedules in step with the table, and
// shuts down gracefully.
import type { Container } from '../services/container.ts';
import type { SourceKind } from '../services/collection/source.ts';
import { schedulableChannelIds } from '../services/collection/state.ts';
import { startWorkers } from '../services/queue/bullmq.ts';
import { alertHandlers } from './alerts.ts';
import { classificationHandlers } from './classify-posts.ts';
import { digestHandlers } from './digests.ts';
import { collectionHandlers } from './collection.ts';
import { maintenanceHandlers } from './maintenance.ts';

/** How often the classification backlog is swept and stale rollups recomputed. */
export const MAINTENANCE_EVERY_MS = 60_000;

export interface WorkerRunOptions {
  stopSignal: AbortSignal;
  /** Called once the workers are running (the CLI prints a line). */
  onReady?: (info: { source: SourceKind; channels: number; queues: string[] }) => void;
  /** How often the schedules are re-read from the channels table. */
  syncEveryMs?: number;
  /** How often the classification backlog is swept and rollups refreshed (default MAINTENANCE_EVERY_MS). */
  maintenanceEveryMs?: number;
}

export async function runWorker(container: Container, options: WorkerRunOptions): Promise<void> {
  const { config, db, logger } = container;
  const source = container.collectionSource();
  const queue = container.queue;
  const every = config.collection;

  const sync = async () => {
    const ids = await schedulableChannelIds(db, source.kind);
    const result = await queue.syncChannelSchedules(ids, every);
    logger.debug({ channels: ids.length, ...result }, 'schedules synced');
    return ids.length;
  };
  const channels = await sync();
  await queue.syncMaintenanceSchedules(options.maintenanceEveryMs ?? MAINTENANCE_EVERY_MS);

  const workers = await startWorkers({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    concurrency: every.workerConcurrency,
    logger,
    handlers: {
      ...collectionHandlers({ db, queue, source, config: every, logger }),
      ...classificationHandlers({ db, classifier: container.classifier, logger, alerts: container.alerts }),
      ...maintenanceHandlers({ db }),
      ...alertHandlers({ alerts: container.alerts, trends: container.trends }),
      ...digestHandlers({ db, queue, digests: container.digests, logger }),
    },
  });
  options.onReady?.({ source: source.kind, channels, queues: workers.queues });

  const timer = setInterval(() => {
    sync().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'schedule sync failed'));
  }, options.syncEveryMs ?? Math.min(60_000, every.pollEveryMs));
  try {
    await new Promise<void>((resolve) => {
      if (options.stopSignal.aborted) return resolve();
      options.stopSignal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(timer);
    logger.info('stopping: no new jobs; waiting for active ones to finish their current page');
    await workers.close();
  }
}
