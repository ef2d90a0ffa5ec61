import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.ts';
import { registerChannel } from '../../services/channels/store.ts';
import { createLogger } from '../../services/log.ts';
import { RetryLaterError } from '../../services/pacing/retry-later.ts';
import { createJobQueue, startWorkers, type JobQueue, type RunningWorkers } from '../../services/queue/bullmq.ts';
import { classificationHandlers } from '../../workers/classify-posts.ts';
import { collectionHandlers } from '../../workers/collection.ts';
import { keywordClassifier } from '../fakes/keyword-classifier.ts';
import { schedulableChannelIds, withChannelLease } from '../../services/collection/state.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';
import { until } from '../helpers/until.ts';
import { REDIS_URL, useRedisPrefix } from '../helpers/redis.ts';
import { FakeSource } from '../fakes/fake-source.ts';

const t = useTestDatabase();
const prefix = useRedisPrefix('queue');
const logger = createLogger((process.env.TEST_LOG as never) ?? "silent", { pretty: false });
const collection = { ...loadConfig({}).collection, pagesPerJob: 1 };
let queue: JobQueue;
const running: RunningWorkers[] = [];

beforeAll(() => {
  queue = createJobQueue({ redisUrl: REDIS_URL, prefix });
});
afterAll(async () => {
  for (const w of running) await w.close();
  await queue.close();
});


async function start(source: FakeSource, classify: boolean, workerPrefix = prefix): Promise<RunningWorkers> {
  const w = await startWorkers({
    redisUrl: REDIS_URL,
    prefix: workerPrefix,
    concurrency: 2,
    logger,
    handlers: {
      ...collectionHandlers({ db: t.db, queue, source, config: collection, logger }),
      ...(classify ? classificationHandlers({ db: t.db, classifier: keywordClassifier(), logger }) : {}),
    },
  });
  running.push(w);
  return w;
}

describe('job queue', () => {
  it('makes a duplicated enqueue harmless', async () => {
    const a = await queue.enqueue('snapshot', { channelId: 999_001 });
    const b = await queue.enqueue('snapshot', { channelId: 999_001 });
    expect(a).toBe(b);
    const jobs = await queue.getJobs('collect', ['waiting']);
    expect(jobs.filter((j) => j.id === a)).toHaveLength(1);
  });

  it('refuses a payload the catalog does not allow, before it reaches Redis', async () => {
    await expect(queue.enqueue('poll', { channelId: -1 })).rejects.toThrow(/channelId/);
  });

  it('registers per-channel schedules idempotently and removes those of channels no longer wanted', async () => {
    const every = { pollEveryMs: 300_000, snapshotEveryMs: 3_600_000, refreshEveryMs: 1_800_000 };
    await queue.syncChannelSchedules([11, 12], every);
    await queue.syncChannelSchedules([11, 12], every);
    const ids = (await queue.listSchedules()).map((s) => s.id).sort();
    expect(ids).toEqual(['poll-11', 'poll-12', 'refresh-11', 'refresh-12', 'snapshot-11', 'snapshot-12']);
    expect((await queue.listSchedules()).find((s) => s.id === 'poll-11')?.everyMs).toBe(300_000);
    const result = await queue.syncChannelSchedules([11], every);
    expect(result.removed).toBe(3);
    expect((await queue.listSchedules()).map((s) => s.id).sort()).toEqual(['poll-11', 'refresh-11', 'snapshot-11']);
    await queue.syncChannelSchedules([], every);
    expect(await queue.listSchedules()).toEqual([]);
  });

  it('schedules active channels only, and MTProto also those without a web preview', async () => {
    const a = (await registerChannel(t.db, { username: 'sched_active', audience: 'ru' })).channel.id;
    const p = (await registerChannel(t.db, { username: 'sched_paused', audience: 'ru' })).channel.id;
    const np = (await registerChannel(t.db, { username: 'sched_nopreview', audience: 'ru' })).channel.id;
    await t.db.query("UPDATE channels SET status = 'paused' WHERE id = $1", [p]);
    await t.db.query("UPDATE channels SET status = 'no_preview' WHERE id = $1", [np]);
    const web = await schedulableChannelIds(t.db, 'web');
    expect(web).toContain(a);
    expect(web).not.toContain(p);
    expect(web).not.toContain(np);
    expect(await schedulableChannelIds(t.db, 'mtproto')).toContain(np);
  });
});

describe('collection worker', () => {
  it('delays a job Telegram asked to wait instead of sleeping in a worker slot', async () => {
    const channelId = (await registerChannel(t.db, { username: 'flood_channel', audience: 'ru' })).channel.id;
    const source = new FakeSource().addRange(1, 5);
    source.failAt = { request: 1, error: () => new RetryLaterError(600_000, 'FLOOD_WAIT_600') };
    const w = await start(source, false);
    const started = Date.now();
    const id = await queue.enqueue('poll', { channelId });
    const delayed = await until('the job to be delayed', async () => (await queue.getJobs('collect', ['delayed'])).find((j) => j.id === id));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(delayed.delayUntil! - started).toBeGreaterThan(590_000);
    expect(delayed.delayUntil! - started).toBeLessThan(610_000);
    expect((await queue.getJobs('collect', ['failed'])).find((j) => j.id === id)).toBeUndefined();
    expect(source.requests).toBe(1);
    await w.close();
    running.splice(running.indexOf(w), 1);
  });

  it('collects in slices, and every new post flows on to classification', async () => {
    const channelId = (await registerChannel(t.db, { username: 'slice_channel', audience: 'ru' })).channel.id;
    const source = new FakeSource().addRange(1, 45);
    await start(source, true);
    await queue.enqueue('poll', { channelId });
    await until('all posts classified', async () => {
      const { rows } = await t.db.query<{ n: number }>(
        "SELECT count(*) AS n FROM posts WHERE channel_id = $1 AND classifier_version = 'kw-1'", [channelId]);
      return rows[0]!.n >= 45;
    });
    // pagesPerJob = 1: one page per job, the rest handed to follow-up backfill jobs.
    const { rows } = await t.db.query<{ n: number; done: boolean }>(
      'SELECT (SELECT count(*) FROM posts WHERE channel_id = $1) AS n, backfill_done AS done FROM channels WHERE id = $1', [channelId]);
    expect(rows[0]).toEqual({ n: 45, done: true });
    const runs = await t.db.query<{ n: number }>("SELECT count(*) AS n FROM collection_runs WHERE channel_id = $1 AND kind = 'poll'", [channelId]);
    expect(runs.rows[0]!.n).toBe(3);
  });

  it('delays a snapshot of a channel another job is collecting instead of losing the data point', async () => {
    const channelId = (await registerChannel(t.db, { username: 'busy_channel', audience: 'ru' })).channel.id;
    const source = new FakeSource();
    await start(source, false);
    await withChannelLease(t.db, channelId, async () => {
      const id = await queue.enqueue('snapshot', { channelId });
      const delayed = await until('the snapshot to be delayed', async () => (await queue.getJobs('collect', ['delayed'])).find((j) => j.id === id));
      expect(delayed.delayUntil! - Date.now()).toBeGreaterThan(10_000);
    });
    expect(source.requests).toBe(0);
  });

  it('hands stored posts to the classify queue (a collection-only worker leaves them waiting)', async () => {
    const isolated = `${prefix}-noclassify`;
    const q = createJobQueue({ redisUrl: REDIS_URL, prefix: isolated });
    try {
      const channelId = (await registerChannel(t.db, { username: 'unclassified', audience: 'ru' })).channel.id;
      const w = await startWorkers({
        redisUrl: REDIS_URL, prefix: isolated, concurrency: 1, logger,
        handlers: collectionHandlers({ db: t.db, queue: q, source: new FakeSource().addRange(1, 3), config: collection, logger }),
      });
      expect(w.queues).toEqual(['collect']);
      await q.enqueue('poll', { channelId });
      const waiting = await until('a classify job', async () => (await q.getJobs('classify', ['waiting']))[0]);
      expect(waiting).toMatchObject({ name: 'classify-posts', data: { channelId, messageIds: [1, 2, 3] } });
      await w.close();
    } finally {
      await q.close();
      const { deleteKeys } = await import('../helpers/redis.ts');
      await deleteKeys(isolated);
    }
  });

  it('fails a malformed job at once instead of retrying it', async () => {
    const raw = new Queue('collect', { connection: { url: REDIS_URL }, prefix });
    try {
      await start(new FakeSource(), false);
      const job = await raw.add('poll', { channelId: 'seven' }, { jobId: 'malformed-1', attempts: 5 });
      const failed = await until('the job to fail', async () => {
        const j = await raw.getJob(job.id!);
        return (await j?.isFailed()) ? j : null;
      });
      expect(failed!.attemptsMade).toBe(1);
      expect(failed!.failedReason).toMatch(/channelId/);
    } finally {
      await raw.close();
    }
  });
});
