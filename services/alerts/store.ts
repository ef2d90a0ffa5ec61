// Webhooks, alert events, deliveries and their attempts (migrations/005_alerts.sql).
import type { Queryable } from '../db/db.ts';
import type { AlertEvent, SubscriptionFilter } from './events.ts';

export interface Webhook extends SubscriptionFilter {
  id: number;
  url: string;
  createdAt: Date;
}

export interface WebhookWithSecret extends Webhook {
  secret: string;
}

interface WebhookRow {
  id: number;
  url: string;
  secret: string;
  frames: string[] | null;
  audiences: string[] | null;
  channel_ids: number[] | null;
  created_at: Date;
}

function webhookOf(r: WebhookRow): WebhookWithSecret {
  return { id: r.id, url: r.url, secret: r.secret, frames: r.frames, audiences: r.audiences, channelIds: r.channel_ids?.map(Number) ?? null, createdAt: r.created_at };
}

function withoutSecret({ secret: _secret, ...rest }: WebhookWithSecret): Webhook {
  return rest;
}

export async function createWebhook(db: Queryable, input: { url: string; secret: string } & SubscriptionFilter): Promise<WebhookWithSecret> {
  const { rows } = await db.query<WebhookRow>(
    `INSERT INTO webhooks (url, secret, frames, audiences, channel_ids) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, url, secret, frames, audiences, channel_ids, created_at`,
    [input.url, input.secret, input.frames, input.audiences, input.channelIds],
  );
  return webhookOf(rows[0]!);
}

export async function listWebhooks(db: Queryable): Promise<Webhook[]> {
  const { rows } = await db.query<WebhookRow>('SELECT id, url, secret, frames, audiences, channel_ids, created_at FROM webhooks ORDER BY id');
  return rows.map((r) => withoutSecret(webhookOf(r)));
}

/** Every webhook with its secret: for matching and signing, never for the API. */
export async function allWebhooks(db: Queryable): Promise<WebhookWithSecret[]> {
  const { rows } = await db.query<WebhookRow>('SELECT id, url, secret, frames, audiences, channel_ids, created_at FROM webhooks ORDER BY id');
  return rows.map(webhookOf);
}

export async function webhookExists(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM webhooks WHERE id = $1', [id]);
  return rowCount > 0;
}

/** Deletes a webhook and its delivery log; false when there is none. Queued deliveries of it end quietly. */
export async function deleteWebhook(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM webhooks WHERE id = $1', [id]);
  return rowCount > 0;
}

/** Stores events; returns those not stored before (the ones to deliver). */
export async function insertEvents(db: Queryable, events: readonly AlertEvent[], at: Date): Promise<Array<AlertEvent & { createdAt: Date }>> {
  if (events.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO alert_events (id, type, data, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[])
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [events.map((e) => e.id), events.map((e) => e.type), events.map((e) => JSON.stringify(e.data)), events.map(() => at)],
  );
  const inserted = new Set(rows.map((r) => r.id));
  // The same event twice in one batch is stored once and delivered once.
  const seen = new Set<string>();
  return events.filter((e) => inserted.has(e.id) && !seen.has(e.id) && seen.add(e.id)).map((e) => ({ ...e, createdAt: at }));
}

/** Creates pending deliveries; returns the ids of those that are new. */
export async function insertDeliveries(db: Queryable, deliveries: ReadonlyArray<{ id: string; webhookId: number; eventId: string }>): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (id, webhook_id, event_id)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
     ON CONFLICT DO NOTHING RETURNING id`,
    [deliveries.map((d) => d.id), deliveries.map((d) => d.webhookId), deliveries.map((d) => d.eventId)],
  );
  return rows.map((r) => r.id);
}

export interface DeliveryToSend {
  id: string;
  status: 'pending' | 'delivered' | 'failed';
  webhook: { id: number; url: string; secret: string };
  event: { id: string; type: string; createdAt: Date; data: unknown };
}

export async function loadDelivery(db: Queryable, deliveryId: string): Promise<DeliveryToSend | null> {
  const { rows } = await db.query<{
    id: string; status: DeliveryToSend['status']; webhook_id: number; url: string; secret: string;
    event_id: string; type: string; created_at: Date; data: unknown;
  }>(
    `SELECT d.id, d.status, w.id AS webhook_id, w.url, w.secret, e.id AS event_id, e.type, e.created_at, e.data
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN alert_events e ON e.id = d.event_id
      WHERE d.id = $1`,
    [deliveryId],
  );
  const r = rows[0];
  if (!r) return null;
  return { id: r.id, status: r.status, webhook: { id: r.webhook_id, url: r.url, secret: r.secret }, event: { id: r.event_id, type: r.type, createdAt: r.created_at, data: r.data } };
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Logs one attempt and, when it settles the delivery, its final status. */
export async function recordAttempt(db: Queryable, a: AttemptRecord, settles: 'delivered' | 'failed' | null): Promise<void> {
  await db.query(
    `WITH attempt AS (
       INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)
     )
     UPDATE webhook_deliveries SET status = $7::text, finished_at = $3 WHERE id = $1 AND $7::text IS NOT NULL`,
    [a.deliveryId, a.attempt, a.attemptedAt, a.statusCode, a.error, a.durationMs, settles],
  );
}

export interface DeliveryLogEntry {
  deliveryId: string;
  eventId: string;
  eventType: string;
  status: string;
  attempt: number;
  attemptedAt: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Every attempt at a webhook's deliveries, newest first. */
export async function listAttempts(db: Queryable, webhookId: number, limit: number): Promise<DeliveryLogEntry[]> {
  const { rows } = await db.query<{
    delivery_id: string; event_id: string; type: string; status: string; attempt: number; attempted_at: Date;
    status_code: number | null; error: string | null; duration_ms: number;
  }>(
    `SELECT a.delivery_id, d.event_id, e.type, d.status, a.attempt, a.attempted_at, a.status_code, a.error, a.duration_ms
       FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN alert_events e ON e.id = d.event_id
      WHERE d.webhook_id = $1 ORDER BY a.id DESC LIMIT $2`,
    [webhookId, limit],
  );
  return rows.map((r) => ({
    deliveryId: r.delivery_id, eventId: r.event_id, eventType: r.type, status: r.status, attempt: r.attempt,
    attemptedAt: r.attempted_at, statusCode: r.status_code, error: r.error, durationMs: r.duration_ms,
  }));
}

/** Pending deliveries older than `olderThan`: their job was lost (Redis down at enqueue, a crash). */
export async function stalePendingDeliveries(db: Queryable, olderThan: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT d.id FROM webhook_deliveries d
      WHERE d.status = 'pending' AND d.created_at < $1
        AND NOT EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.delivery_id = d.id)
      ORDER BY d.created_at LIMIT $2`,
    [olderThan, limit],
  );
  return rows.map((r) => r.id);
}

export async function channelsById(db: Queryable, ids: readonly number[]): Promise<Map<number, { id: number; username: string | null; title: string; audience: string | null }>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: number; username: string | null; title: string; audience: string | null }>(
    'SELECT id, username, title, audience FROM channels WHERE id = ANY($1::bigint[])',
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r]));
}
