// The BullMQ adapter: the only module that imports bullmq and ioredis.
// Producers fail fast (no offline queue: a Redis outage is an error the
// caller sees, not a silent pile of buffered commands); workers wait for
// Redis forever (maxRetriesPerRequest: null), as BullMQ's production guide asks.
import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import { isRetryLater } from '../pacing/retry-later.ts';
import {
  JOB_QUEUE,
  JobPayloadError,
  QUEUES,
  channelSchedules,
  isJobName,
  maintenanceSchedules,
  jobId,
  scheduleChannel,
  validateJob,
  type JobCatalog,
  type JobName,
  type QueueName,
  type ScheduleIntervals,
} from './catalog.ts';

export interface QueueConnection {
  redisUrl: string;
  /** Key prefix (config.queuePrefix): deployments and test files sharing a Redis stay apart. */
  prefix: string;
}

/** Bounded history: enough to debug, never an unbounded Redis. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { count: 1_000, age: 24 * 3600 },
  removeOnFail: { count: 5_000, age: 7 * 24 * 3600 },
};

export interface EnqueueOptions {
  /** Tells apart same-shaped work that is new in substance (see catalog.jobId). */
  marker?: string;
  delayMs?: number;
  /** Attempts in all and the first retry's delay (doubling after), instead of the defaults. */
  attempts?: number;
  backoffMs?: number;
}

export interface ScheduleSummary {
  upserted: number;
  removed: number;
}

export interface JobQueue {
  /** Adds a job with a deterministic id; adding the same job again is a no-op. Returns the id. */
  enqueue<N extends JobName>(name: N, data: JobCatalog[N], options?: EnqueueOptions): Promise<string>;
  /**
   * Makes the per-channel schedulers exactly those of `channelIds`: upserts
   * theirs (idempotent), removes any other channel's.
   */
  syncChannelSchedules(channelIds: readonly number[], every: ScheduleIntervals): Promise<ScheduleSummary>;
  /** Upserts the deployment-wide housekeeping schedules (idempotent). */
  syncMaintenanceSchedules(everyMs: number): Promise<void>;
  listSchedules(): Promise<Array<{ id: string; name: string; everyMs: number | null; next: number | null }>>;
  /** Jobs by state, for tests and `channels list`-style reporting. */
  counts(queue: QueueName): Promise<Record<string, number>>;
  getJobs(queue: QueueName, states: Array<'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'prioritized'>): Promise<Array<{ id: string; name: string; data: unknown; delayUntil: number | null }>>;
  close(): Promise<void>;
}

export function createJobQueue(connection: QueueConnection): JobQueue {
  const redis = new Redis(connection.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on('error', () => {}); // surfaced by the failing command instead
  const queues = new Map<QueueName, Queue>();
  const queueOf = (name: QueueName): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redis, prefix: connection.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      q.on('error', () => {});
      queues.set(name, q);
    }
    return q;
  };

  return {
    async enqueue(name, data, options = {}) {
      const payload = validateJob(name, data);
      const id = jobId(name, payload, options.marker);
      await queueOf(JOB_QUEUE[name]).add(name, payload, {
        jobId: id,
        ...(options.delayMs ? { delay: options.delayMs } : {}),
        ...(options.attempts ? { attempts: options.attempts } : {}),
        ...(options.backoffMs ? { backoff: { type: 'exponential', delay: options.backoffMs } } : {}),
      });
      return id;
    },

    async syncChannelSchedules(channelIds, every) {
      const q = queueOf(QUEUES.collect);
      const wanted = new Set(channelIds);
      let upserted = 0;
      for (const channelId of channelIds) {
        for (const s of channelSchedules(channelId, every)) {
          await q.upsertJobScheduler(s.schedulerId, { every: s.everyMs }, { name: s.name, data: s.data, opts: DEFAULT_JOB_OPTIONS });
          upserted++;
        }
      }
      let removed = 0;
      for (const existing of await q.getJobSchedulers(0, -1)) {
        const channelId = existing.key ? scheduleChannel(existing.key) : null;
        if (channelId !== null && !wanted.has(channelId)) {
          await q.removeJobScheduler(existing.key);
          removed++;
        }
      }
      return { upserted, removed };
    },

    async syncMaintenanceSchedules(everyMs) {
      const q = queueOf(QUEUES.maintain);
      for (const s of maintenanceSchedules(everyMs)) {
        // Housekeeping that fails is simply run again at the next tick: no retries pile up.
        await q.upsertJobScheduler(s.schedulerId, { every: s.everyMs }, { name: s.name, data: {}, opts: { ...DEFAULT_JOB_OPTIONS, attempts: 1 } });
      }
    },

    async listSchedules() {
      const all = await queueOf(QUEUES.collect).getJobSchedulers(0, -1, true);
      return all.map((s) => ({ id: s.key, name: s.name, everyMs: s.every ? Number(s.every) : null, next: s.next ?? null }));
    },

    async counts(queue) {
      return queueOf(queue).getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized');
    },

    async getJobs(queue, states) {
      const jobs = await queueOf(queue).getJobs(states, 0, -1);
      return jobs.filter((j): j is Job => !!j).map((j) => ({
        id: j.id ?? '',
        name: j.name,
        data: j.data as unknown,
        delayUntil: j.delay ? j.timestamp + j.delay : null,
      }));
    },

    async close() {
      for (const q of queues.values()) await q.close();
      queues.clear();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export interface JobContext<N extends JobName> {
  name: N;
  id: string;
  data: JobCatalog[N];
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the worker is shutting down: finish the current step and return. */
  signal: AbortSignal;
}

export type JobHandlers = { [N in JobName]?: (ctx: JobContext<N>) => Promise<unknown> };

export interface WorkerOptions extends QueueConnection {
  concurrency: number;
  handlers: JobHandlers;
  logger: Logger;
  /** Ms a job's lock lives without renewal; a killed worker's jobs return to the queue after it. */
  lockDurationMs?: number;
}

export interface RunningWorkers {
  queues: QueueName[];
  /** Stops taking jobs, lets active ones finish (their signal is aborted so they finish soon), closes Redis. */
  close(): Promise<void>;
}

export async function startWorkers(options: WorkerOptions): Promise<RunningWorkers> {
  const { handlers, logger } = options;
  const stopping = new AbortController();
  const names = Object.keys(handlers).filter(isJobName);
  const queueNames = [...new Set(names.map((n) => JOB_QUEUE[n]))];
  const workers: Worker[] = [];
  const connections: Redis[] = [];

  for (const queueName of queueNames) {
    const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    connection.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
    connections.push(connection);
    const worker = new Worker(
      queueName,
      async (job: Job, token?: string) => {
        if (!isJobName(job.name) || !handlers[job.name]) throw new UnrecoverableError(`no handler for job "${job.name}" on ${queueName}`);
        const name = job.name;
        let data: unknown;
        try {
          data = validateJob(name, job.data);
        } catch (err) {
          if (err instanceof JobPayloadError) throw new UnrecoverableError(err.message);
          throw err;
        }
        const handler = handlers[name] as (ctx: JobContext<JobName>) => Promise<unknown>;
        try {
          return await handler({ name, id: job.id ?? '', data: data as JobCatalog[JobName], attempt: job.attemptsMade + 1, signal: stopping.signal });
        } catch (err) {
          if (isRetryLater(err) && token) {
            // Come back when Telegram allows, without holding a worker slot or spending an attempt.
            logger.info({ job: job.id, retryInMs: err.retryAfterMs }, err.message);
            await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
            throw new DelayedError();
          }
          throw err;
        }
      },
      {
        connection,
        prefix: options.prefix,
        concurrency: options.concurrency,
        autorun: true,
        ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs } : {}),
      },
    );
    worker.on('failed', (job, err) => logger.warn({ job: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed'));
    worker.on('error', (err) => logger.error({ err: err.message }, 'worker error'));
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  return {
    queues: queueNames,
    async close() {
      stopping.abort(new Error('worker shutting down'));
      await Promise.all(workers.map((w) => w.close()));
      for (const c of connections) await c.quit().catch(() => c.disconnect());
    },
  };
}
