// frame.first_seen and frame.spike alerts come from the same derivation as
// GET /v1/events, are stored once however often detection runs, and reach
// only the webhooks whose filters they pass.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AlertService } from '../../services/alerts/service.ts';
import { createWebhook } from '../../services/alerts/store.ts';
import type { WebhookRequest, WebhookTransport } from '../../services/alerts/transport.ts';
import { classifyBacklog } from '../../services/classification/service.ts';
import { registerChannel } from '../../services/channels/store.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost } from '../../services/posts/types.ts';
import { RollupFreshness } from '../../services/trends/freshness.ts';
import { refreshAllRollups } from '../../services/trends/rollups.ts';
import { TrendsService } from '../../services/trends/service.ts';
import { keywordClassifier } from '../fakes/keyword-classifier.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';

const t = useTestDatabase();
const DAY = 86_400_000;

function post(messageId: number, at: number, text: string): ChannelPost {
  return {
    messageId, postedAt: new Date(at), text, entities: null, views: 10, forwards: null,
    replies: null, reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
  };
}

describe('trend alerts', () => {
  it('detects first sightings and spikes once, and delivers them to matching webhooks only', async () => {
    const now = Date.now();
    const { channel } = await registerChannel(t.db, { username: 'detect_one', audience: 'ua' });
    const posts: ChannelPost[] = [];
    // Ten weeks on topic without the frame, then a burst of cannon_fodder in the last hours.
    for (let w = 10; w >= 1; w--) posts.push(post(posts.length + 1, now - w * 7 * DAY, 'Korea troops denial'));
    for (let i = 0; i < 6; i++) posts.push(post(posts.length + 1, now - (i + 1) * 60_000, 'Korea cannon_fodder'));
    await t.db.transaction((tx) => upsertPosts(tx, channel.id, posts, { source: 'mtproto', seenAt: new Date() }));
    await classifyBacklog(t.db, keywordClassifier(), 1000);
    await refreshAllRollups(t.db);

    const everything = await createWebhook(t.db, { url: 'http://consumer.test/all', secret: 'secret-all-0123456789', frames: null, audiences: null, channelIds: null });
    const ruOnly = await createWebhook(t.db, { url: 'http://consumer.test/ru', secret: 'secret-ru-0123456789', frames: null, audiences: ['ru'], channelIds: null });
    const sent: WebhookRequest[] = [];
    const transport: WebhookTransport = { post: async (r) => (sent.push(r), { ok: true, statusCode: 200, error: null, durationMs: 1 }) };
    const enqueued: string[] = [];
    const alerts = new AlertService({
      db: t.db, logger: pino({ level: 'silent' }), transport, maxAttempts: 3, postHorizonMs: 2 * DAY,
      enqueueDelivery: async (id) => void enqueued.push(id),
    });
    const trends = new TrendsService(t.db, new RollupFreshness(t.db, { pairLimit: 500 }));

    const first = await alerts.detectTrendEvents(trends);
    const { rows } = await t.db.query<{ type: string; data: Record<string, unknown> }>('SELECT type, data FROM alert_events ORDER BY type, data->>\'scope\'');
    const found = rows.map((r) => [r.type, r.data.scope, r.data.frame]);
    expect(found).toEqual(expect.arrayContaining([
      ['frame.first_seen', 'audience', 'cannon_fodder'],
      ['frame.first_seen', 'channel', 'cannon_fodder'],
      ['frame.spike', 'audience', 'cannon_fodder'],
      ['frame.spike', 'all', 'cannon_fodder'],
    ]));
    // The same numbers GET /v1/events reports.
    const spike = rows.find((r) => r.type === 'frame.spike' && r.data.scope === 'audience')!;
    expect(spike.data).toMatchObject({ audience: 'ua', posts: 6, onTopic: 6, share: 1 });
    expect(first.events).toBe(rows.length);
    // ua events go to the unfiltered webhook only.
    expect(enqueued).toHaveLength(rows.length);
    for (const id of enqueued) await alerts.deliver(id, 1);
    expect(sent.every((r) => r.url === everything.url)).toBe(true);
    expect(new Set(sent.map((r) => r.headers['X-Framewatch-Event']))).toEqual(new Set(['frame.first_seen', 'frame.spike']));
    const ruDeliveries = await t.db.query('SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1', [ruOnly.id]);
    expect(ruDeliveries.rowCount).toBe(0);

    // The next tick finds the same events and publishes nothing new.
    const again = await alerts.detectTrendEvents(trends);
    expect(again).toMatchObject({ events: 0, deliveries: 0 });
    expect((await t.db.query('SELECT 1 FROM alert_events')).rowCount).toBe(rows.length);
  });
});
