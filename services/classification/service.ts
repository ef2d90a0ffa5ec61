// Classifying stored posts: the bridge between the pure classifier and the
// posts store. Used by the classify-posts job (new and edited posts), by
// `framewatch reclassify` (posts tagged by an older classifier version) and
// by the demo.
import type { Db, Queryable } from '../db/db.ts';
import { refreshAllRollups } from '../trends/rollups.ts';
import {
  countPostsNeedingClassification,
  loadPostsToClassify,
  nextPostsNeedingClassification,
  nextUnclassifiedPosts,
  saveClassifications,
  type FrameTagInput,
  type PostToClassify,
  type SavedClassification,
} from './store.ts';

/** What this module needs of a classifier (services/classifier satisfies it). */
export interface TextClassifier {
  readonly version: string;
  classify(text: string): { lang: string; onTopic: boolean; frames: FrameTagInput[] };
}

export interface ClassifiedChannelPosts {
  channelId: number;
  saved: SavedClassification[];
}

async function classifyAndSave(db: Db, classifier: TextClassifier, posts: PostToClassify[], at: Date, onSaved?: OnSaved): Promise<ClassifiedChannelPosts[]> {
  const byChannel = new Map<number, PostToClassify[]>();
  for (const p of posts) {
    const list = byChannel.get(p.channelId);
    if (list) list.push(p);
    else byChannel.set(p.channelId, [p]);
  }
  return db.transaction(async (tx) => {
    const out: ClassifiedChannelPosts[] = [];
    for (const [channelId, channelPosts] of byChannel) {
      const results = channelPosts.map((p) => ({ messageId: p.messageId, version: p.version, ...classifier.classify(p.text) }));
      const saved = await saveClassifications(tx, channelId, classifier.version, results, at);
      if (onSaved && saved.length > 0) await onSaved(tx, channelId, saved);
      out.push({ channelId, saved });
    }
    return out;
  });
}

/** Runs inside the transaction that saved the tags: what depends on them commits or rolls back with them. */
export type OnSaved = (tx: Queryable, channelId: number, saved: SavedClassification[]) => Promise<void>;

/**
 * Classifies the given posts of one channel (the classify-posts job).
 * `onSaved` records what follows from the new tags (alert events) in the
 * same transaction: a retried job finds the tags already saved and the
 * frames unchanged, so anything recorded after the commit would be lost.
 */
export async function classifyPosts(
  db: Db,
  classifier: TextClassifier,
  channelId: number,
  messageIds: readonly number[],
  at: Date = new Date(),
  onSaved?: OnSaved,
): Promise<SavedClassification[]> {
  const posts = await loadPostsToClassify(db, channelId, messageIds);
  const [result] = await classifyAndSave(db, classifier, posts, at, onSaved);
  return result?.saved ?? [];
}

/**
 * Classifies up to `limit` posts that were stored but never classified (or
 * edited since): the safety net under the classify-posts jobs, for posts
 * written by `collect --once`, imports, or a process killed between its
 * commit and its enqueue. Returns how many it classified.
 */
export async function classifyBacklog(db: Db, classifier: TextClassifier, limit = 2000): Promise<number> {
  const posts = await nextUnclassifiedPosts(db, limit);
  if (posts.length > 0) await classifyAndSave(db, classifier, posts, new Date());
  return posts.length;
}

export interface ReclassifyProgress {
  done: number;
  total: number;
}

/**
 * Tags every post whose tags did not come from this classifier version, in
 * batches (each its own transaction, so an interrupted run keeps its work),
 * then brings the rollups up to date.
 */
export async function reclassifyStoredPosts(
  db: Db,
  classifier: TextClassifier,
  options: { batchSize?: number; onProgress?: (p: ReclassifyProgress) => void; signal?: AbortSignal } = {},
): Promise<{ classified: number; total: number; rollupsRefreshed: number }> {
  const batchSize = options.batchSize ?? 2000;
  const total = await countPostsNeedingClassification(db, classifier.version);
  let done = 0;
  let after = { channelId: 0, messageId: 0 };
  while (!options.signal?.aborted) {
    const batch = await nextPostsNeedingClassification(db, classifier.version, after, batchSize);
    if (batch.length === 0) break;
    await classifyAndSave(db, classifier, batch, new Date());
    done += batch.length;
    const last = batch[batch.length - 1]!;
    after = { channelId: last.channelId, messageId: last.messageId };
    options.onProgress?.({ done, total });
  }
  const rollupsRefreshed = await refreshAllRollups(db);
  return { classified: done, total, rollupsRefreshed };
}
