// EXTENSION POINT for the classifier integration (issue 4).
//
// Every time the collector stores new or edited posts it enqueues a
// `classify-posts` job {channelId, messageIds} (services/queue/catalog.ts),
// named by the commit so an edited post is classified again. The worker runs
// those jobs with the handler that `createClassifyPostsHandler` builds. Until
// the classifier is wired it is null: the worker then does not consume the
// classify queue at all and the jobs wait there (nothing lost, nothing faked).
//
// To wire it, replace `null` with a factory that takes the container (db,
// logger, config) and returns a handler that reads the posts (channelId,
// messageIds), classifies them and stores the tags. Throwing retries the job
// with backoff; throwing RetryLaterError (services/pacing/retry-later.ts)
// delays it without spending an attempt.
import type { Container } from '../services/container.ts';
import type { ClassifyPostsJob } from '../services/queue/catalog.ts';

export interface ClassifyPostsContext {
  /** Aborted when the worker shuts down. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
}

export type ClassifyPostsHandler = (job: ClassifyPostsJob, context: ClassifyPostsContext) => Promise<void>;

export const createClassifyPostsHandler: ((container: Container) => ClassifyPostsHandler) | null = null;
