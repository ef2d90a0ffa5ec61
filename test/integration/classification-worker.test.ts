import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerChannel } from '../../services/channels/store.ts';
import { createLogger } from '../../services/log.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost } from '../../services/posts/types.ts';
import { createJobQueue, startWorkers, type JobQueue, type RunningWorkers } from '../../services/queue/bullmq.ts';
import { classificationHandlers } from '../../workers/classify-posts.ts';
import { maintenanceHandlers } from '../../workers/maintenance.ts';
import { keywordClassifier } from '../fakes/keyword-classifier.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';
import { until } from '../helpers/until.ts';
import { REDIS_URL, useRedisPrefix } from '../helpers/redis.ts';

const t = useTestDatabase();
const prefix = useRedisPrefix('classify');
const logger = createLogger('silent', { pretty: false });
let queue: JobQueue;
let workers: RunningWorkers;

beforeAll(async () => {
  queue = createJobQueue({ redisUrl: REDIS_URL, prefix });
  workers = await startWorkers({
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 2,
    logger,
    handlers: { ...classificationHandlers({ db: t.db, classifier: keywordClassifier(), logger, backlogBatch: 7 }), ...maintenanceHandlers({ db: t.db }) },
  });
});
afterAll(async () => {
  await workers.close();
  await queue.close();
});


function post(messageId: number, text: string): ChannelPost {
  return {
    messageId, postedAt: new Date(Date.UTC(2025, 0, 10, 12, messageId)), text, entities: null, views: 10, forwards: null,
    replies: null, reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
  };
}

describe('classification and housekeeping workers', () => {
  it('classify-posts tags the posts of the job', async () => {
    const { channel } = await registerChannel(t.db, { username: 'cw_posts', audience: 'ru' });
    await t.db.transaction((tx) => upsertPosts(tx, channel.id, [post(1, 'Korea denial'), post(2, 'Korea kidnapping'), post(3, 'other')], { source: 'mtproto', seenAt: new Date() }));
    await queue.enqueue('classify-posts', { channelId: channel.id, messageIds: [1, 2] });
    const tags = await until('tags', async () => {
      const { rows } = await t.db.query<{ message_id: number; frame: string }>('SELECT message_id, frame FROM frame_tags WHERE channel_id = $1 ORDER BY message_id', [channel.id]);
      return rows.length === 2 ? rows : null;
    });
    expect(tags).toEqual([{ message_id: 1, frame: 'denial' }, { message_id: 2, frame: 'kidnapping' }]);
    const untouched = await t.db.query('SELECT classifier_version FROM posts WHERE channel_id = $1 AND message_id = 3', [channel.id]);
    expect(untouched.rows).toEqual([{ classifier_version: null }]); // not in the job
  });

  it('classify-backlog sweeps every post stored without a job, in batches', async () => {
    const { channel } = await registerChannel(t.db, { username: 'cw_backlog', audience: 'ua' });
    const posts = Array.from({ length: 30 }, (_, i) => post(i + 1, i % 3 ? 'Korea cannon_fodder' : 'weather'));
    await t.db.transaction((tx) => upsertPosts(tx, channel.id, posts, { source: 'export', seenAt: new Date() }));
    await queue.enqueue('classify-backlog', {}, { marker: 'test-1' });
    await until('the backlog to be empty', async () => {
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM posts WHERE classifier_version IS NULL');
      return rows[0]!.n === 0;
    });
    const framed = await t.db.query<{ n: number }>("SELECT count(*) AS n FROM frame_tags WHERE channel_id = $1 AND frame = 'cannon_fodder'", [channel.id]);
    expect(framed.rows[0]!.n).toBe(20);
  });

  it('refresh-rollups brings the daily rollups up to date', async () => {
    await until('rollups refreshed', async () => {
      await queue.enqueue('refresh-rollups', {}, { marker: String(Date.now()) });
      await new Promise((r) => setTimeout(r, 200));
      const { rows } = await t.db.query<{ dirty: number; frames: number; audience_frames: number }>(
        `SELECT (SELECT count(*) FROM rollup_dirty) + (SELECT count(*) FROM audience_rollup_dirty) AS dirty,
                (SELECT coalesce(sum(posts), 0) FROM daily_rollups WHERE bucket = 'cannon_fodder') AS frames,
                (SELECT coalesce(sum(posts), 0) FROM audience_rollups WHERE bucket = 'cannon_fodder' AND audience = 'ua') AS audience_frames`,
      );
      return rows[0]!.dirty === 0 && rows[0]!.frames === 20 && rows[0]!.audience_frames === 20;
    });
  });

  it('registers the housekeeping schedules once however often it is asked', async () => {
    await queue.syncMaintenanceSchedules(60_000);
    await queue.syncMaintenanceSchedules(60_000);
    const { Queue } = await import('bullmq');
    const raw = new Queue('maintain', { connection: { url: REDIS_URL }, prefix });
    try {
      const schedulers = await raw.getJobSchedulers(0, -1, true);
      expect(schedulers.map((s) => [s.key, Number(s.every)]).sort()).toEqual([['classify-backlog', 60_000], ['detect-alert-events', 60_000], ['refresh-rollups', 60_000], ['schedule-digests', 60_000]]);
    } finally {
      await raw.close();
    }
  });
});
