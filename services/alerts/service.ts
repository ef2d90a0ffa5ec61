// Alerts: turns what the classifier and the rollups found into stored events,
// matches them to webhooks, and delivers them one attempt at a time. The
// queue and the HTTP call come in as ports; the matching is events.ts (pure).
import type { Db, Queryable } from '../db/db.ts';
import type { Logger } from '../log.ts';
import { addDays, utcToday } from '../trends/days.ts';
import { DEFAULT_SILENCE_OPTIONS, DEFAULT_SPIKE_OPTIONS } from '../trends/events.ts';
import type { TrendsService } from '../trends/service.ts';
import { deliveryBody, deliveryId, matches, postFramedEvents, trendAlertEvents, type AlertEvent, type ClassifiedPost } from './events.ts';
import { signatureHeader } from './signature.ts';
import { allWebhooks, channelsById, insertDeliveries, insertEvents, loadDelivery, recordAttempt, stalePendingDeliveries } from './store.ts';
import type { WebhookTransport } from './transport.ts';

/** Enqueues the deliver-webhook job of a delivery (idempotent: the job id is the delivery id). */
export type EnqueueDelivery = (deliveryId: string) => Promise<void>;

export interface AlertServiceDeps {
  db: Db;
  logger: Logger;
  enqueueDelivery: EnqueueDelivery;
  transport: WebhookTransport;
  maxAttempts: number;
  /** post.framed only for posts younger than this (ms): older ones are backfill, not news. */
  postHorizonMs: number;
  now?: () => Date;
}

export type DeliveryResult =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'skipped'; reason: string };

export class DeliveryFailedError extends Error {
  override name = 'DeliveryFailedError';
}

/** Days back the detection looks for first sightings: covers a worker that was down for a few days. */
export const FIRST_SEEN_LOOKBACK_DAYS = 7;

export class AlertService {
  private readonly now: () => Date;

  constructor(private readonly deps: AlertServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Stores the events not stored before and a pending delivery per matching
   * webhook, in the caller's transaction; returns the new deliveries' ids for
   * dispatch() after the commit. A Redis outage at dispatch leaves them
   * pending (the detection tick enqueues them later), never lost.
   */
  async record(tx: Queryable, events: readonly AlertEvent[]): Promise<{ events: number; deliveryIds: string[] }> {
    if (events.length === 0) return { events: 0, deliveryIds: [] };
    const fresh = await insertEvents(tx, events, this.now());
    if (fresh.length === 0) return { events: 0, deliveryIds: [] };
    const hooks = await allWebhooks(tx);
    const wanted = fresh.flatMap((e) => hooks.filter((h) => matches(h, e)).map((h) => ({ id: deliveryId(h.id, e.id), webhookId: h.id, eventId: e.id })));
    return { events: fresh.length, deliveryIds: await insertDeliveries(tx, wanted) };
  }

  /** record() in a transaction of its own, then dispatch(). */
  async publish(events: readonly AlertEvent[]): Promise<{ events: number; deliveries: number }> {
    const recorded = await this.deps.db.transaction((tx) => this.record(tx, events));
    await this.dispatch(recorded.deliveryIds);
    return { events: recorded.events, deliveries: recorded.deliveryIds.length };
  }

  /** post.framed events for posts of one channel the classifier just tagged, recorded in the classification's transaction. */
  async recordClassified(tx: Queryable, channelId: number, posts: readonly ClassifiedPost[]): Promise<{ events: number; deliveryIds: string[] }> {
    if (!posts.some((p) => p.frames.length > 0)) return { events: 0, deliveryIds: [] };
    const channel = (await channelsById(tx, [channelId])).get(channelId);
    if (!channel) return { events: 0, deliveryIds: [] };
    return this.record(tx, postFramedEvents(channel, posts, new Date(this.now().getTime() - this.deps.postHorizonMs)));
  }

  /**
   * frame.first_seen and frame.spike from the trends service (the /v1/events
   * definitions, default options) over the recent days; events found before
   * have the same ids and are not published again. Then re-enqueues deliveries
   * whose job went missing.
   */
  async detectTrendEvents(trends: TrendsService): Promise<{ events: number; deliveries: number; requeued: number }> {
    const today = utcToday(this.now());
    const to = addDays(today, 1);
    const { events } = await trends.events({
      from: addDays(to, -FIRST_SEEN_LOOKBACK_DAYS), to, types: ['frame.first_seen', 'frame.spike'],
      audiences: null, channelIds: null, frame: null,
      spike: DEFAULT_SPIKE_OPTIONS, silence: DEFAULT_SILENCE_OPTIONS, limit: 10_000,
    });
    const channels = await channelsById(this.deps.db, events.flatMap((e) => (e.channelId !== null ? [e.channelId] : [])));
    const published = await this.publish(trendAlertEvents(events, channels));
    const stale = await stalePendingDeliveries(this.deps.db, new Date(this.now().getTime() - 5 * 60_000), 1000);
    await this.dispatch(stale);
    return { ...published, requeued: stale.length };
  }

  /** Enqueues deliveries; one that cannot be enqueued stays pending and is logged. */
  async dispatch(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      try {
        await this.deps.enqueueDelivery(id);
      } catch (err) {
        // Stored as pending; the next detection tick enqueues it again.
        this.deps.logger.warn({ delivery: id, err: (err as Error).message }, 'could not enqueue a webhook delivery; it stays pending');
      }
    }
  }

  /**
   * One attempt at a delivery. Throws DeliveryFailedError when the consumer
   * did not accept it, so the queue retries (with backoff) until maxAttempts;
   * the last failure marks the delivery failed. Every attempt is logged.
   */
  async deliver(id: string, attempt: number): Promise<DeliveryResult> {
    const { db, transport, logger, maxAttempts } = this.deps;
    const delivery = await loadDelivery(db, id);
    if (!delivery) return { outcome: 'skipped', reason: 'the webhook was deleted' };
    if (delivery.status !== 'pending') return { outcome: 'skipped', reason: `already ${delivery.status}` };
    const body = deliveryBody(delivery.event);
    const attemptedAt = this.now();
    const result = await transport.post({
      url: delivery.webhook.url,
      body,
      headers: {
        'X-Framewatch-Event': delivery.event.type,
        'X-Framewatch-Delivery': delivery.id,
        'X-Framewatch-Signature': signatureHeader(delivery.webhook.secret, body, Math.floor(attemptedAt.getTime() / 1000)),
      },
    });
    const last = attempt >= maxAttempts;
    const settles = result.ok ? 'delivered' : last ? 'failed' : null;
    await recordAttempt(db, { deliveryId: id, attempt, attemptedAt, statusCode: result.statusCode, error: result.error, durationMs: result.durationMs }, settles);
    if (result.ok) return { outcome: 'delivered', statusCode: result.statusCode };
    const problem = result.error ?? `HTTP ${result.statusCode}`;
    const context = { webhook: delivery.webhook.id, url: delivery.webhook.url, delivery: id, event: delivery.event.type, attempt, maxAttempts };
    if (last) logger.error({ ...context, problem }, `webhook delivery failed for good after ${attempt} attempts: ${problem}`);
    else logger.warn({ ...context, problem }, `webhook delivery attempt failed: ${problem}; will retry`);
    throw new DeliveryFailedError(`${delivery.webhook.url}: ${problem} (attempt ${attempt} of ${maxAttempts})`);
  }
}
