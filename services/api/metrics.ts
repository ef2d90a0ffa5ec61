// /metrics: Prometheus text from a registry of this app's own (not the
// process-global default, so several apps in one test process do not clash).
// HTTP request durations by route and status are observed on every response;
// the pipeline gauges are read from the database when scraped: scrape()
// loads one snapshot (a handful of cheap queries, in parallel), then the
// gauges report from it.
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FRAME_IDS } from '../../config/taxonomy.ts';
import type { Queryable } from '../db/db.ts';
import { classificationStats, collectionLag, rollupBacklog, webhookStats, type ClassificationStats, type CollectionLag, type WebhookStats } from '../monitoring/pipeline-stats.ts';
import type { QueueStats } from '../monitoring/ports.ts';

export interface MetricsOptions {
  db: Queryable;
  queueStats: QueueStats | null;
  onCollectError?: (source: string, err: unknown) => void;
}

interface PipelineSnapshot {
  lag: CollectionLag;
  classification: ClassificationStats;
  backlog: { pairs: number; days: number };
  webhooks: WebhookStats;
}

export interface Metrics {
  registry: Registry;
  /** Observes every response's duration. */
  install(app: FastifyInstance): void;
  /** The Prometheus text exposition, database gauges read now. */
  scrape(): Promise<string>;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'framewatch_http_request_duration_seconds',
    help: 'HTTP request durations by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const collectFailures = new Counter({
    name: 'framewatch_metrics_collect_failures_total',
    help: 'Scrapes in which a source of gauges failed (its gauges are then absent)',
    labelNames: ['source'],
    registers: [registry],
  });

  // The database snapshot of the scrape in progress, shared by the gauges below.
  let snapshot: PipelineSnapshot | null = null;
  const loadSnapshot = async (): Promise<PipelineSnapshot | null> => {
    try {
      const [lag, classification, backlog, webhooks] = await Promise.all([collectionLag(options.db), classificationStats(options.db), rollupBacklog(options.db), webhookStats(options.db)]);
      return { lag, classification, backlog, webhooks };
    } catch (err) {
      collectFailures.inc({ source: 'database' });
      options.onCollectError?.('database', err);
      return null;
    }
  };

  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: PipelineSnapshot) => void) =>
    new Gauge({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        if (snapshot) fill(this, snapshot);
      },
    });

  gauge('framewatch_collection_lag_seconds', 'Seconds since active channels were last collected: median (0.5), 95th percentile (0.95) and worst (1)', ['quantile'], (g, s) => {
    for (const [q, v] of [['0.5', s.lag.p50], ['0.95', s.lag.p95], ['1', s.lag.max]] as const) if (v !== null) g.set({ quantile: q }, v);
  });
  gauge('framewatch_active_channels', 'Channels with status active', [], (g, s) => g.set(s.lag.activeChannels));
  gauge('framewatch_active_channels_never_collected', 'Active channels not collected even once', [], (g, s) => g.set(s.lag.neverCollected));
  gauge('framewatch_posts_awaiting_classification', 'Stored posts without tags (new or edited since)', [], (g, s) => g.set(s.classification.awaiting));
  gauge('framewatch_posts', 'Stored posts (set="all") and on-topic posts (set="on_topic"), as of the last rollup refresh', ['set'], (g, s) => {
    g.set({ set: 'all' }, s.classification.byBucket._all ?? 0);
    g.set({ set: 'on_topic' }, s.classification.byBucket._on_topic ?? 0);
  });
  gauge('framewatch_frame_tagged_posts', 'On-topic posts carrying each frame, as of the last rollup refresh', ['frame'], (g, s) => {
    for (const frame of FRAME_IDS) g.set({ frame }, s.classification.byBucket[frame] ?? 0);
  });
  gauge('framewatch_rollups_stale', 'Rollup entries waiting to be recomputed: (channel, day) pairs and audience days', ['level'], (g, s) => {
    g.set({ level: 'channel_day' }, s.backlog.pairs);
    g.set({ level: 'audience_day' }, s.backlog.days);
  });

  // From the deliveries log, so the API reports what every worker process did.
  gauge('framewatch_webhook_deliveries_pending', 'Webhook deliveries waiting for a first attempt or a retry', [], (g, s) => g.set(s.webhooks.pending));
  gauge('framewatch_webhook_attempts_24h', 'Webhook delivery attempts in the last 24 hours by result: accepted (2xx), refused (other status), unreachable (no response)', ['result'], (g, s) => {
    for (const [result, n] of Object.entries(s.webhooks.attempts24h)) g.set({ result }, n);
  });
  gauge('framewatch_webhook_deliveries_failed_24h', 'Webhook deliveries given up (attempts exhausted) in the last 24 hours', [], (g, s) => g.set(s.webhooks.failed24h));

  const queueStats = options.queueStats;
  if (queueStats) {
    new Gauge({
      name: 'framewatch_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const d of await queueStats.depths()) this.set({ queue: d.queue, state: d.state }, d.count);
        } catch (err) {
          collectFailures.inc({ source: 'queues' });
          options.onCollectError?.('queues', err);
        }
      },
    });
  }

  return {
    registry,
    async scrape() {
      snapshot = await loadSnapshot();
      return registry.metrics();
    },
    install(app) {
      app.addHook('onResponse', async (request, reply) => {
        // The route pattern, never the raw URL: ids must not become label values.
        const route = request.routeOptions.url ?? '(unmatched)';
        httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
      });
    },
  };
}
