// Weekly digest subscriptions and the preview of a week's digest. The list
// and writes need an admin key (addresses are personal data); the preview a read key.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FRAME_IDS } from '../../../config/taxonomy.ts';
import { AUDIENCES } from '../../channels/types.ts';
import type { Queryable } from '../../db/db.ts';
import { isoWeekStart, lastCompleteWeek, type DigestService } from '../../digest/service.ts';
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions, type DigestSubscription } from '../../digest/store.ts';
import { notFound } from '../errors.ts';
import { errorResponses, Nullable, parseInstant, StringEnum, V1_ERRORS } from '../schemas.ts';

const SubscriptionJson = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  audiences: Nullable(Type.Array(Type.String())),
  frames: Nullable(Type.Array(Type.String())),
  weekday: Type.Integer({ description: 'ISO weekday the previous week\'s digest is sent, 1 = Monday' }),
  hour: Type.Integer({ description: 'UTC hour it is sent' }),
  createdAt: Type.String({ format: 'date-time' }),
});

function subscriptionJson(s: DigestSubscription) {
  return { id: s.id, email: s.email, audiences: s.audiences, frames: s.frames, weekday: s.weekday, hour: s.hour, createdAt: s.createdAt.toISOString() };
}

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, { additionalProperties: false });

export const digestRoutes: FastifyPluginAsyncTypebox<{ db: Queryable; digests: DigestService }> = async (app, { db, digests }) => {
  const security = [{ apiKey: [] }];

  // Listing shows subscribers' addresses: admin only.
  app.get('/digests', {
    config: { scope: 'admin' },
    schema: {
      tags: ['alerts'],
      summary: 'Weekly digest subscriptions',
      security,
      response: { 200: Type.Object({ items: Type.Array(SubscriptionJson) }), ...errorResponses(...V1_ERRORS) },
    },
  }, async () => ({ items: (await listSubscriptions(db)).map(subscriptionJson) }));

  app.post('/digests', {
    config: { scope: 'admin' },
    schema: {
      tags: ['alerts'],
      summary: 'Subscribes an address to the weekly digest (admin)',
      description: 'The digest of the week just ended goes out on `weekday` (1 = Monday, default) at `hour` UTC (default 8). Audiences and frames narrow it.',
      security,
      body: Type.Object({
        email: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', maxLength: 320, description: 'an email address' }),
        audiences: Type.Optional(Type.Array(StringEnum(AUDIENCES), { minItems: 1, uniqueItems: true })),
        frames: Type.Optional(Type.Array(StringEnum(FRAME_IDS, { description: 'a frame id (GET /v1/frames)' }), { minItems: 1, uniqueItems: true })),
        weekday: Type.Optional(Type.Integer({ minimum: 1, maximum: 7, default: 1 })),
        hour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23, default: 8 })),
      }, { additionalProperties: false }),
      response: { 201: SubscriptionJson, ...errorResponses(...V1_ERRORS, 413) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const created = await createSubscription(db, {
      email: b.email,
      audiences: b.audiences ? [...b.audiences].sort() : null,
      frames: b.frames ? [...b.frames].sort() : null,
      weekday: b.weekday ?? 1,
      hour: b.hour ?? 8,
    });
    reply.code(201).header('Location', `/v1/digests/${created.id}`);
    return subscriptionJson(created);
  });

  app.delete('/digests/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['alerts'],
      summary: 'Unsubscribes (admin)',
      security,
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses(...V1_ERRORS, 404) },
    },
  }, async (request, reply) => {
    if (!(await deleteSubscription(db, request.params.id))) throw notFound(`digest subscription ${request.params.id}`);
    return reply.code(204).send(null);
  });

  app.get('/digests/:id/preview', {
    schema: {
      tags: ['alerts'],
      summary: 'The digest of one ISO week for a subscription, as it would be mailed',
      description: 'week: any day of the ISO week (its Monday is used); default the last complete week.',
      security,
      params: IdParams,
      querystring: Type.Object({
        week: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a date YYYY-MM-DD' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          week: Type.String({ format: 'date', description: 'Monday of the week' }),
          subject: Type.String(),
          text: Type.String(),
          html: Type.String(),
        }),
        ...errorResponses(...V1_ERRORS, 404),
      },
    },
  }, async (request) => {
    const subscription = await getSubscription(db, request.params.id);
    if (!subscription) throw notFound(`digest subscription ${request.params.id}`);
    const week = request.query.week !== undefined ? isoWeekStart(parseInstant('week', request.query.week).slice(0, 10)) : lastCompleteWeek(new Date());
    const digest = await digests.build(week, subscription);
    return { week: digest.week, subject: digest.subject, text: digest.text, html: digest.html };
  });
};
