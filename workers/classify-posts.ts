// EXTENSION POINT for the classifier integration (issue 4).
//
// Every time the collector stores new or edited posts it enqueues a
// `classify-posts` job {channelId, messageIds} (services/queue/catalog.ts).
// The worker runs those jobs with the handler below. Until the classifier is
// wired it is null: the worker then does not consume the classify queue at
// all, and the jobs wait there (nothing is lost, nothing is faked).
//
// To wire it, replace `null` with a function of this type that reads the
// posts (channelId, messageIds), classifies them and stores the tags.
import type { ClassifyPostsJob } from '../services/queue/catalog.ts';
import type { Container } from '../services/container.ts';

export interface ClassifyPostsContext {
  container: Container;
  /** Aborted when the worker shuts down. */
  signal: AbortSignal;
  /** 1 for the first attempt; a thrown error is retried with backoff. */
  attempt: number;
}

export type ClassifyPostsHandler = (job: ClassifyPostsJob, context: ClassifyPostsContext) => Promise<void>;

export const classifyPostsHandler: ClassifyPostsHandler | null = null;
