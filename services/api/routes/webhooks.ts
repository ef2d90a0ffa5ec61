// Webhooks: subscriptions to alert events (docs/alerts.md) and their delivery
// log. Every route needs an admin key (URLs can carry the receiver's tokens). The secret is returned once, at creation.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FRAME_IDS } from '../../../config/taxonomy.ts';
import { generateSecret } from '../../alerts/signature.ts';
import { createWebhook, deleteWebhook, listAttempts, listWebhooks, webhookExists, type Webhook } from '../../alerts/store.ts';
import { channelIdsByUsername, existingChannelIds } from '../../channels/admin.ts';
import { AUDIENCES } from '../../channels/types.ts';
import type { Queryable } from '../../db/db.ts';
import { badParameter, notFound } from '../errors.ts';
import { errorResponses, Nullable, StringEnum, V1_ERRORS } from '../schemas.ts';

const ChannelRef = Type.Union([
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  Type.String({ pattern: '^@?[A-Za-z][A-Za-z0-9_]{3,31}$', description: 'a channel id or @username' }),
]);

const WebhookJson = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  frames: Nullable(Type.Array(Type.String())),
  audiences: Nullable(Type.Array(Type.String())),
  channels: Nullable(Type.Array(Type.Integer())),
  createdAt: Type.String({ format: 'date-time' }),
});

const CreatedWebhookJson = Type.Object({
  ...WebhookJson.properties,
  secret: Type.String({ description: 'the HMAC key of the signatures; shown only in this response' }),
});

function webhookJson(w: Webhook) {
  const copy = <T>(list: readonly T[] | null) => (list ? [...list] : null);
  return { id: w.id, url: w.url, frames: copy(w.frames), audiences: copy(w.audiences), channels: copy(w.channelIds), createdAt: w.createdAt.toISOString() };
}

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, { additionalProperties: false });

/** A URL the worker can post to: http(s), a host, no credentials in it. */
function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badParameter('url', `is not a URL (got ${raw})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badParameter('url', `must be an http or https URL (got ${url.protocol})`);
  if (url.username || url.password) throw badParameter('url', 'must not carry credentials; deliveries are authenticated by their signature');
  return url.toString();
}

/** Channel ids and @usernames to ids; an unknown one is a 400 naming it. */
async function resolveChannels(db: Queryable, refs: ReadonlyArray<number | string>): Promise<number[]> {
  const ids = refs.filter((r): r is number => typeof r === 'number');
  const names = refs.filter((r): r is string => typeof r === 'string').map((r) => r.replace(/^@/, '').toLowerCase());
  const known = ids.length > 0 ? await existingChannelIds(db, ids) : new Set<number>();
  const byName = names.length > 0 ? await channelIdsByUsername(db, names) : new Map<string, number>();
  const unknown = [...ids.filter((id) => !known.has(id)).map((id) => `#${id}`), ...names.filter((n) => !byName.has(n)).map((n) => `@${n}`)];
  if (unknown.length > 0) throw badParameter('channels', `no such channel: ${unknown.join(', ')}`);
  return [...new Set([...ids, ...byName.values()])].sort((a, b) => a - b);
}

export const webhookRoutes: FastifyPluginAsyncTypebox<{ db: Queryable }> = async (app, { db }) => {
  const security = [{ apiKey: [] }];

  // Reads are admin too: a webhook URL often carries a token of the receiver.
  app.get('/webhooks', {
    config: { scope: 'admin' },
    schema: {
      tags: ['alerts'],
      summary: 'Webhook subscriptions (their secrets are never shown again)',
      security,
      response: { 200: Type.Object({ items: Type.Array(WebhookJson) }), ...errorResponses(...V1_ERRORS) },
    },
  }, async () => ({ items: (await listWebhooks(db)).map(webhookJson) }));

  app.post('/webhooks', {
    config: { scope: 'admin' },
    schema: {
      tags: ['alerts'],
      summary: 'Subscribes a URL to alert events: post.framed, frame.first_seen, frame.spike (admin)',
      description: 'Filters are optional; each one set must hold (frames: any of them). Without a secret one is generated; the secret is in this response only. Deliveries are signed: X-Framewatch-Signature, see docs/alerts.md.',
      security,
      body: Type.Object({
        url: Type.String({ minLength: 1, maxLength: 2000, description: 'an http or https URL' }),
        secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200, description: 'the HMAC key, at least 16 characters' })),
        frames: Type.Optional(Type.Array(StringEnum(FRAME_IDS, { description: 'a frame id (GET /v1/frames)' }), { minItems: 1, uniqueItems: true })),
        audiences: Type.Optional(Type.Array(StringEnum(AUDIENCES), { minItems: 1, uniqueItems: true })),
        channels: Type.Optional(Type.Array(ChannelRef, { minItems: 1, maxItems: 1000 })),
      }, { additionalProperties: false }),
      response: { 201: CreatedWebhookJson, ...errorResponses(...V1_ERRORS, 413) },
    },
  }, async (request, reply) => {
    const body = request.body;
    const url = checkUrl(body.url);
    const channelIds = body.channels ? await resolveChannels(db, body.channels) : null;
    const created = await createWebhook(db, {
      url,
      secret: body.secret ?? generateSecret(),
      frames: body.frames ? [...body.frames].sort() : null,
      audiences: body.audiences ? [...body.audiences].sort() : null,
      channelIds,
    });
    reply.code(201).header('Location', `/v1/webhooks/${created.id}`);
    return { ...webhookJson(created), secret: created.secret };
  });

  app.delete('/webhooks/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['alerts'],
      summary: 'Deletes a webhook and its delivery log (admin); deliveries in flight end without sending',
      security,
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses(...V1_ERRORS, 404) },
    },
  }, async (request, reply) => {
    if (!(await deleteWebhook(db, request.params.id))) throw notFound(`webhook ${request.params.id}`);
    return reply.code(204).send(null);
  });

  app.get('/webhooks/:id/deliveries', {
    config: { scope: 'admin' },
    schema: {
      tags: ['alerts'],
      summary: 'Every delivery attempt of a webhook, newest first: status code or error, duration, attempt number, time',
      security,
      params: IdParams,
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            deliveryId: Type.String({ description: 'the X-Framewatch-Delivery header, the same on every retry' }),
            eventId: Type.String(),
            eventType: Type.String(),
            status: Type.String({ description: 'of the delivery: pending (retries left), delivered, failed (attempts exhausted)' }),
            attempt: Type.Integer(),
            at: Type.String({ format: 'date-time' }),
            statusCode: Nullable(Type.Integer()),
            error: Nullable(Type.String()),
            durationMs: Type.Integer(),
          })),
        }),
        ...errorResponses(...V1_ERRORS, 404),
      },
    },
  }, async (request) => {
    if (!(await webhookExists(db, request.params.id))) throw notFound(`webhook ${request.params.id}`);
    const items = await listAttempts(db, request.params.id, request.query.limit ?? 100);
    return {
      items: items.map((a) => ({
        deliveryId: a.deliveryId, eventId: a.eventId, eventType: a.eventType, status: a.status, attempt: a.attempt,
        at: a.attemptedAt.toISOString(), statusCode: a.statusCode, error: a.error, durationMs: a.durationMs,
      })),
    };
  });
};
