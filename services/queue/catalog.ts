// The job catalog: every queue, every job name, its payload type, how a
// payload is validated, and its deterministic id. Plain TypeScript, so the
// rest of the project (and its tests) can name jobs without BullMQ.

export const QUEUES = {
  /** Talks to Telegram: polls, snapshots, refreshes, backfill slices. */
  collect: 'collect',
  /** New and edited posts waiting for the classifier. */
  classify: 'classify',
  /** Periodic housekeeping: the classification backlog sweep, rollup refresh. */
  maintain: 'maintain',
  /** Webhook deliveries: one job per (webhook, event), retried with backoff. */
  deliver: 'deliver',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface ChannelJob {
  channelId: number;
}

export interface ClassifyPostsJob {
  channelId: number;
  /** Sorted, distinct, at most MAX_CLASSIFY_IDS. */
  messageIds: number[];
}

export interface DeliverWebhookJob {
  /** webhook_deliveries.id; the job reads the webhook and event from the database (no secrets in Redis). */
  deliveryId: string;
}

export interface SendDigestJob {
  subscriptionId: number;
  /** Monday of the ISO week the digest covers. */
  week: string;
}

export interface JobCatalog {
  /** New posts, then a slice of backfill. */
  poll: ChannelJob;
  /** The rest of a backfill the previous slice left; same work as poll. */
  backfill: ChannelJob;
  /** Subscriber count. */
  snapshot: ChannelJob;
  /** Metrics, edits and deletions of recent posts. */
  refresh: ChannelJob;
  'classify-posts': ClassifyPostsJob;
  /** Classifies posts stored without a classify-posts job (collect --once, imports, a crash before enqueue). */
  'classify-backlog': EmptyJob;
  /** Recomputes stale daily rollups. */
  'refresh-rollups': EmptyJob;
  /** Finds frame.first_seen and frame.spike events in the rollups, stores and dispatches the new ones; re-enqueues stuck deliveries. */
  'detect-alert-events': EmptyJob;
  'deliver-webhook': DeliverWebhookJob;
  /** Enqueues a send-digest for every subscription whose weekly digest is due. */
  'schedule-digests': EmptyJob;
  'send-digest': SendDigestJob;
}
export type JobName = keyof JobCatalog;

/** Jobs that carry nothing: what to do is in the database. */
export type EmptyJob = Record<string, never>;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  poll: QUEUES.collect,
  backfill: QUEUES.collect,
  snapshot: QUEUES.collect,
  refresh: QUEUES.collect,
  'classify-posts': QUEUES.classify,
  'classify-backlog': QUEUES.maintain,
  'refresh-rollups': QUEUES.maintain,
  'detect-alert-events': QUEUES.maintain,
  'deliver-webhook': QUEUES.deliver,
  'schedule-digests': QUEUES.maintain,
  'send-digest': QUEUES.maintain,
};

export const MAX_CLASSIFY_IDS = 500;

export class JobPayloadError extends Error {
  override name = 'JobPayloadError';
}

function positiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function channelJob(name: string, data: unknown): ChannelJob {
  const d = data as Partial<ChannelJob> | null;
  if (typeof d !== 'object' || d === null || !positiveInt(d.channelId) || Object.keys(d).length !== 1) {
    throw new JobPayloadError(`${name} needs exactly {channelId: positive integer}, got ${JSON.stringify(data)}`);
  }
  return { channelId: d.channelId };
}

function emptyJob(name: string, data: unknown): EmptyJob {
  if (typeof data !== 'object' || data === null || Object.keys(data).length !== 0) {
    throw new JobPayloadError(`${name} carries no payload, got ${JSON.stringify(data)}`);
  }
  return {};
}

export const VALIDATORS: { [N in JobName]: (data: unknown) => JobCatalog[N] } = {
  'classify-backlog': (d) => emptyJob('classify-backlog', d),
  'refresh-rollups': (d) => emptyJob('refresh-rollups', d),
  'detect-alert-events': (d) => emptyJob('detect-alert-events', d),
  'schedule-digests': (d) => emptyJob('schedule-digests', d),
  'send-digest': (data) => {
    const d = data as Partial<SendDigestJob> | null;
    if (typeof d !== 'object' || d === null || !positiveInt(d.subscriptionId) || typeof d.week !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d.week) || Object.keys(d).length !== 2) {
      throw new JobPayloadError(`send-digest needs exactly {subscriptionId, week: YYYY-MM-DD}, got ${JSON.stringify(data)}`);
    }
    return { subscriptionId: d.subscriptionId, week: d.week };
  },
  'deliver-webhook': (data) => {
    const d = data as Partial<DeliverWebhookJob> | null;
    if (typeof d !== 'object' || d === null || typeof d.deliveryId !== 'string' || !/^dlv_[0-9a-f]{32}$/.test(d.deliveryId) || Object.keys(d).length !== 1) {
      throw new JobPayloadError(`deliver-webhook needs exactly {deliveryId: "dlv_<32 hex>"}, got ${JSON.stringify(data)}`);
    }
    return { deliveryId: d.deliveryId };
  },
  poll: (d) => channelJob('poll', d),
  backfill: (d) => channelJob('backfill', d),
  snapshot: (d) => channelJob('snapshot', d),
  refresh: (d) => channelJob('refresh', d),
  'classify-posts': (data) => {
    const d = data as Partial<ClassifyPostsJob> | null;
    if (typeof d !== 'object' || d === null || !positiveInt(d.channelId) || !Array.isArray(d.messageIds)) {
      throw new JobPayloadError(`classify-posts needs {channelId, messageIds}, got ${JSON.stringify(data)}`);
    }
    const ids = d.messageIds;
    if (ids.length === 0 || ids.length > MAX_CLASSIFY_IDS || !ids.every(positiveInt)) {
      throw new JobPayloadError(`classify-posts needs 1-${MAX_CLASSIFY_IDS} positive message ids`);
    }
    for (let i = 1; i < ids.length; i++) {
      if (ids[i]! <= ids[i - 1]!) throw new JobPayloadError('classify-posts message ids must be sorted and distinct');
    }
    return { channelId: d.channelId, messageIds: ids };
  },
};

export function validateJob<N extends JobName>(name: N, data: unknown): JobCatalog[N] {
  const validate = VALIDATORS[name] as ((d: unknown) => JobCatalog[N]) | undefined;
  if (!validate) throw new JobPayloadError(`unknown job "${String(name)}"`);
  return validate(data);
}

export function isJobName(name: string): name is JobName {
  return Object.prototype.hasOwnProperty.call(JOB_QUEUE, name);
}

/** FNV-1a over a string, as 8 hex digits: short, stable ids for id lists. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * Deterministic job ids: the same work enqueued twice is one job. `marker`
 * tells apart work that is the same in shape but new in substance (the cursor
 * a backfill slice starts at; the edit version of classified posts).
 */
export function jobId<N extends JobName>(name: N, data: JobCatalog[N], marker = ''): string {
  // One job per subscription and week: the digest is sent once however often the schedule looks.
  if (name === 'send-digest') return `send-digest-${(data as SendDigestJob).subscriptionId}-${(data as SendDigestJob).week}`;
  if (name === 'classify-backlog' || name === 'refresh-rollups' || name === 'detect-alert-events' || name === 'schedule-digests') return `${name}${marker ? `-${marker}` : ''}`;
  // The delivery id: one job per delivery, however often it is enqueued.
  if (name === 'deliver-webhook') return `deliver-${(data as DeliverWebhookJob).deliveryId}`;
  if (name === 'classify-posts') {
    const d = data as ClassifyPostsJob;
    return `classify-posts-${d.channelId}-${d.messageIds[0]}-${d.messageIds[d.messageIds.length - 1]}-${fnv1a(`${d.messageIds.join(',')}|${marker}`)}`;
  }
  return `${name}-${(data as ChannelJob).channelId}${marker ? `-${marker}` : ''}`;
}

/** Splits stored ids into classify-posts payloads of at most MAX_CLASSIFY_IDS. */
export function classifyPayloads(channelId: number, messageIds: readonly number[]): ClassifyPostsJob[] {
  const ids = [...new Set(messageIds)].sort((a, b) => a - b);
  const out: ClassifyPostsJob[] = [];
  for (let i = 0; i < ids.length; i += MAX_CLASSIFY_IDS) out.push({ channelId, messageIds: ids.slice(i, i + MAX_CLASSIFY_IDS) });
  return out;
}

/** The per-channel schedules: scheduler id → job and interval. */
export interface ChannelSchedule {
  schedulerId: string;
  name: 'poll' | 'snapshot' | 'refresh';
  everyMs: number;
  data: ChannelJob;
}

export interface ScheduleIntervals {
  pollEveryMs: number;
  snapshotEveryMs: number;
  refreshEveryMs: number;
}

export function channelSchedules(channelId: number, every: ScheduleIntervals): ChannelSchedule[] {
  return [
    { schedulerId: `poll-${channelId}`, name: 'poll', everyMs: every.pollEveryMs, data: { channelId } },
    { schedulerId: `snapshot-${channelId}`, name: 'snapshot', everyMs: every.snapshotEveryMs, data: { channelId } },
    { schedulerId: `refresh-${channelId}`, name: 'refresh', everyMs: every.refreshEveryMs, data: { channelId } },
  ];
}

/** The channel a scheduler id belongs to, or null for ids that are not ours. */
export function scheduleChannel(schedulerId: string): number | null {
  const m = /^(?:poll|snapshot|refresh)-(\d+)$/.exec(schedulerId);
  return m ? Number(m[1]) : null;
}

/** Housekeeping schedules, one of each per deployment (not per channel). */
export interface MaintenanceSchedule {
  schedulerId: string;
  name: 'classify-backlog' | 'refresh-rollups' | 'detect-alert-events' | 'schedule-digests';
  everyMs: number;
}

export function maintenanceSchedules(everyMs: number): MaintenanceSchedule[] {
  return [
    { schedulerId: 'classify-backlog', name: 'classify-backlog', everyMs },
    { schedulerId: 'refresh-rollups', name: 'refresh-rollups', everyMs },
    { schedulerId: 'detect-alert-events', name: 'detect-alert-events', everyMs },
    { schedulerId: 'schedule-digests', name: 'schedule-digests', everyMs },
  ];
}
