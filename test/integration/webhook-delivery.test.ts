// Webhook alerts end to end through real PostgreSQL, Redis and HTTP: the
// classify-posts job records post.framed, the deliver-webhook job posts it
// signed to a local server, failures are retried with the same delivery id
// and every attempt is logged.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../services/alerts/service.ts';
import { createWebhook } from '../../services/alerts/store.ts';
import { createFetchTransport } from '../../services/alerts/transport.ts';
import { registerChannel } from '../../services/channels/store.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost } from '../../services/posts/types.ts';
import { createJobQueue, startWorkers, type JobQueue, type RunningWorkers } from '../../services/queue/bullmq.ts';
import { alertHandlers } from '../../workers/alerts.ts';
import { classificationHandlers } from '../../workers/classify-posts.ts';
import { keywordClassifier } from '../fakes/keyword-classifier.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';
import { REDIS_URL, useRedisPrefix } from '../helpers/redis.ts';
import { until } from '../helpers/until.ts';

const t = useTestDatabase();
const prefix = useRedisPrefix('webhooks');
const logLines: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
const MAX_ATTEMPTS = 3;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let baseUrl = '';
const received = new Map<string, Received[]>();
// Per path: how many requests to refuse with 503 before accepting.
const failFirst = new Map<string, number>();

let queue: JobQueue;
let workers: RunningWorkers;
let alerts: AlertService;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.set(path, [...(received.get(path) ?? []), { headers: req.headers, body }]);
      const left = failFirst.get(path) ?? 0;
      if (left > 0) {
        failFirst.set(path, left - 1);
        res.writeHead(503).end('busy');
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  queue = createJobQueue({ redisUrl: REDIS_URL, prefix });
  alerts = new AlertService({
    db: t.db,
    logger,
    transport: createFetchTransport({ timeoutMs: 2000 }),
    maxAttempts: MAX_ATTEMPTS,
    postHorizonMs: 2 * 86_400_000,
    enqueueDelivery: async (deliveryId) => {
      await queue.enqueue('deliver-webhook', { deliveryId }, { attempts: MAX_ATTEMPTS, backoffMs: 50 });
    },
  });
  workers = await startWorkers({
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 4,
    logger,
    handlers: {
      ...classificationHandlers({ db: t.db, classifier: keywordClassifier(), logger, alerts }),
      ...alertHandlers({ alerts, trends: null as never }),
    },
  });
});
afterAll(async () => {
  await workers.close();
  await queue.close();
  await new Promise((resolve) => server.close(resolve));
});

// Posts of the last hour: news (older ones are backfill, see the last test).
function post(messageId: number, text: string, postedAt = new Date(Date.now() - 3_600_000 + messageId * 1000)): ChannelPost {
  return {
    messageId, postedAt, text, entities: null, views: 10, forwards: null,
    replies: null, reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
  };
}

async function attempts(webhookId: number) {
  const { rows } = await t.db.query<{ delivery_id: string; attempt: number; status_code: number | null; error: string | null; status: string }>(
    `SELECT a.delivery_id, a.attempt, a.status_code, a.error, d.status FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
      WHERE d.webhook_id = $1 ORDER BY a.id`,
    [webhookId],
  );
  return rows;
}

async function classify(channelId: number, messageIds: number[], marker: string) {
  await queue.enqueue('classify-posts', { channelId, messageIds }, { marker });
}

describe('webhook delivery', () => {
  it('delivers a signed post.framed a consumer can verify, with the contract headers', async () => {
    const hook = await createWebhook(t.db, { url: `${baseUrl}/ok`, secret: 'consumer-secret-0123456789', frames: null, audiences: ['ru'], channelIds: null });
    const { channel } = await registerChannel(t.db, { username: 'wh_signed', audience: 'ru' });
    await t.db.transaction((tx) => upsertPosts(tx, channel.id, [post(1, 'Korea denial'), post(2, 'weather')], { source: 'mtproto', seenAt: new Date() }));
    await classify(channel.id, [1, 2], 'a');
    const [got] = await until('the delivery', async () => received.get('/ok'));
    const body = JSON.parse(got!.body) as { id: string; type: string; createdAt: string; data: Record<string, unknown> };
    expect(body.type).toBe('post.framed');
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'data', 'id', 'type']);
    expect(body.data).toMatchObject({ messageId: 1, frames: ['denial'], url: 'https://t.me/wh_signed/1', channel: { id: channel.id, audience: 'ru' } });
    expect(got!.headers['x-framewatch-event']).toBe('post.framed');
    expect(got!.headers['x-framewatch-delivery']).toMatch(/^dlv_[0-9a-f]{32}$/);
    expect(got!.headers['content-type']).toMatch(/^application\/json/);
    // What a consumer does: recompute the HMAC over "<t>.<raw body>".
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got!.headers['x-framewatch-signature']));
    expect(m).not.toBeNull();
    expect(m![2]).toBe(createHmac('sha256', 'consumer-secret-0123456789').update(`${m![1]}.${got!.body}`).digest('hex'));
    expect(Math.abs(Number(m![1]) - Date.now() / 1000)).toBeLessThan(60);
    await until('the attempt logged as delivered', async () => (await attempts(hook.id)).some((a) => a.status === 'delivered'));
    expect(await attempts(hook.id)).toEqual([{ delivery_id: got!.headers['x-framewatch-delivery'], attempt: 1, status_code: 204, error: null, status: 'delivered' }]);
  });

  it('does not send post.framed again when reclassification leaves the frames unchanged; does when an edit adds one', async () => {
    await createWebhook(t.db, { url: `${baseUrl}/dedupe`, secret: 'dedupe-secret-0123456789', frames: null, audiences: null, channelIds: null });
    const { channel } = await registerChannel(t.db, { username: 'wh_dedupe', audience: 'ua' });
    await t.db.transaction((tx) => upsertPosts(tx, channel.id, [post(1, 'Korea kidnapping')], { source: 'mtproto', seenAt: new Date() }));
    await classify(channel.id, [1], 'first');
    await until('the first delivery', async () => received.get('/dedupe'));
    // The same job again (a replay) and a reclassification of the same text.
    await classify(channel.id, [1], 'replay');
    await t.db.query('UPDATE posts SET classifier_version = NULL WHERE channel_id = $1', [channel.id]);
    await classify(channel.id, [1], 'reclassify');
    await until('both jobs done', async () => {
      const { rows } = await t.db.query<{ v: string | null }>('SELECT classifier_version AS v FROM posts WHERE channel_id = $1', [channel.id]);
      return rows[0]!.v !== null && (await queue.counts('classify')).active === 0 && (await queue.counts('classify')).waiting === 0;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(received.get('/dedupe')).toHaveLength(1);
    // An edit that adds a frame is news.
    await t.db.transaction((tx) => upsertPosts(tx, channel.id, [{ ...post(1, 'Korea kidnapping and cannon_fodder'), editedAt: new Date() }], { source: 'mtproto', seenAt: new Date() }));
    await classify(channel.id, [1], 'edit');
    const both = await until('the second delivery', async () => (received.get('/dedupe')?.length === 2 ? received.get('/dedupe') : null));
    expect(JSON.parse(both[1]!.body).data).toMatchObject({ newFrames: ['cannon_fodder'], frames: ['cannon_fodder', 'kidnapping'] });
  });

  it('retries a failing consumer with backoff and the same delivery id, logging every attempt', async () => {
    failFirst.set('/flaky', 2);
    const hook = await createWebhook(t.db, { url: `${baseUrl}/flaky`, secret: 'flaky-secret-0123456789', frames: ['berserker_praise'], audiences: null, channelIds: null });
    const { channel } = await registerChannel(t.db, { username: 'wh_flaky', audience: 'west' });
    await t.db.transaction((tx) => upsertPosts(tx, channel.id, [post(1, 'Korea berserker_praise'), post(2, 'Korea denial')], { source: 'mtproto', seenAt: new Date() }));
    await classify(channel.id, [1, 2], 'a');
    const tries = await until('three requests', async () => (received.get('/flaky')?.length === 3 ? received.get('/flaky') : null));
    expect(new Set(tries.map((r) => r.headers['x-framewatch-delivery'])).size).toBe(1);
    expect(new Set(tries.map((r) => r.body)).size).toBe(1); // the same event, byte for byte
    const log = await until('the delivery settled', async () => {
      const rows = await attempts(hook.id);
      return rows.length === 3 && rows[2]!.status === 'delivered' ? rows : null;
    });
    expect(log.map((a) => [a.attempt, a.status_code])).toEqual([[1, 503], [2, 503], [3, 204]]);
    // The denial post matched no filter of this webhook.
    expect(tries.every((r) => JSON.parse(r.body).data.messageId === 1)).toBe(true);
  });

  it('sends no post.framed for posts older than the horizon (a new channel\'s backfill)', async () => {
    const hook = await createWebhook(t.db, { url: `${baseUrl}/backfill`, secret: 'backfill-secret-0123456789', frames: null, audiences: null, channelIds: null });
    const { channel } = await registerChannel(t.db, { username: 'wh_backfill', audience: 'ru' });
    const old = new Date(Date.now() - 3 * 86_400_000);
    await t.db.transaction((tx) => upsertPosts(tx, channel.id, [post(1, 'Korea denial', old), post(2, 'Korea kidnapping')], { source: 'mtproto', seenAt: new Date() }));
    await classify(channel.id, [1, 2], 'a');
    const [got] = await until('the delivery of the recent post', async () => received.get('/backfill'));
    expect(JSON.parse(got!.body).data.messageId).toBe(2);
    await until('the delivery logged', async () => (await attempts(hook.id)).length === 1);
    const tagged = await t.db.query('SELECT 1 FROM frame_tags WHERE channel_id = $1', [channel.id]);
    expect(tagged.rowCount).toBe(2); // both classified, only one announced
    await new Promise((r) => setTimeout(r, 200));
    expect(received.get('/backfill')).toHaveLength(1);
  });

  it('an unreachable URL: a clear logged error per attempt, bounded attempts, the event and delivery kept', async () => {
    // A port nothing listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const hook = await createWebhook(t.db, { url: `http://127.0.0.1:${port}/gone`, secret: 'gone-secret-0123456789', frames: null, audiences: null, channelIds: null });
    const { channel } = await registerChannel(t.db, { username: 'wh_gone', audience: 'monitor' });
    await t.db.transaction((tx) => upsertPosts(tx, channel.id, [post(1, 'Korea cannon_fodder')], { source: 'mtproto', seenAt: new Date() }));
    await classify(channel.id, [1], 'a');
    const log = await until('the delivery given up', async () => {
      const rows = await attempts(hook.id);
      return rows.length === MAX_ATTEMPTS && rows.at(-1)!.status === 'failed' ? rows : null;
    });
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(log.every((a) => a.status_code === null && /ECONNREFUSED/.test(a.error ?? ''))).toBe(true);
    const final = logLines.find((l) => l.level === 50 && l.webhook === hook.id);
    expect(String(final?.msg)).toMatch(/failed for good after 3 attempts: ECONNREFUSED/);
    // Nothing stored is lost: the event, the post and its tags are all there.
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM alert_events e JOIN webhook_deliveries d ON d.event_id = e.id WHERE d.webhook_id = $1 AND e.type = 'post.framed'`,
      [hook.id],
    );
    expect(rows[0]!.n).toBe(1);
    const tags = await t.db.query("SELECT 1 FROM frame_tags WHERE channel_id = $1 AND frame = 'cannon_fodder'", [channel.id]);
    expect(tags.rowCount).toBe(1);
    // No more attempts come: the job ended.
    await new Promise((r) => setTimeout(r, 400));
    expect(await attempts(hook.id)).toHaveLength(MAX_ATTEMPTS);
    expect((await queue.counts('deliver')).failed).toBeGreaterThanOrEqual(1);
  });
});
