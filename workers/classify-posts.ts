// Classification jobs: new and edited posts (classify-posts, enqueued by the
// collector as soon as it commits them) and the backlog sweep (posts stored
// without a job: `collect --once`, imports, a crash between commit and enqueue).
import { classifyBacklog, classifyPosts, type TextClassifier } from '../services/classification/service.ts';
import type { AlertService } from '../services/alerts/service.ts';
import type { Db } from '../services/db/db.ts';
import type { Logger } from '../services/log.ts';
import type { JobHandlers } from '../services/queue/bullmq.ts';

export interface ClassificationWorkerDeps {
  db: Db;
  classifier: TextClassifier;
  logger: Logger;
  /** Posts the sweep classifies per run; the rest wait for the next tick. */
  backlogBatch?: number;
  /**
   * post.framed alerts for posts classified by classify-posts jobs (new and
   * edited posts as they are collected). The backlog sweep sends none: it
   * classifies imports and history, which are not news.
   */
  alerts?: Pick<AlertService, 'recordClassified' | 'dispatch'>;
}

export function classificationHandlers(deps: ClassificationWorkerDeps): JobHandlers {
  const { db, classifier, logger } = deps;
  return {
    'classify-posts': async ({ data }) => {
      const { alerts } = deps;
      const deliveryIds: string[] = [];
      const saved = await classifyPosts(db, classifier, data.channelId, data.messageIds, new Date(), alerts
        ? async (tx, channelId, posts) => {
          deliveryIds.push(...(await alerts.recordClassified(tx, channelId, posts)).deliveryIds);
        }
        : undefined);
      if (alerts) await alerts.dispatch(deliveryIds);
      const framed = saved.filter((s) => s.frames.length > 0).length;
      logger.debug({ channelId: data.channelId, posts: saved.length, framed }, 'classified');
      // Fewer saved than asked: some posts were edited meanwhile (their own job follows) or deleted.
      return { classified: saved.length, framed, version: classifier.version };
    },
    'classify-backlog': async ({ signal }) => {
      let total = 0;
      const batch = deps.backlogBatch ?? 2000;
      // A few batches per tick, so a large import is worked off without one job running for minutes.
      for (let i = 0; i < 10 && !signal.aborted; i++) {
        const n = await classifyBacklog(db, classifier, batch);
        total += n;
        if (n < batch) break;
      }
      if (total > 0) logger.info({ classified: total }, 'classification backlog');
      return { classified: total };
    },
  };
}
