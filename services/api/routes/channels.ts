// Channels: list, register, read, change, delete, subscriber series.
// Writes need an admin key.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  createChannel,
  deleteChannel,
  getChannelSummary,
  listChannelSummaries,
  subscriberSeries,
  updateChannel,
  type ChannelSummary,
} from '../../channels/admin.ts';
import { ChannelRefError, parseChannelRef } from '../../channels/ref.ts';
import { AUDIENCES, CHANNEL_STATUSES } from '../../channels/types.ts';
import type { Db } from '../../db/db.ts';
import type { TrendsService } from '../../trends/service.ts';
import { ApiError, badParameter, notFound } from '../errors.ts';
import { AudienceList, errorResponses, Instant, Nullable, parseList, parseRange, StringEnum, V1_ERRORS } from '../schemas.ts';

const ChannelJson = Type.Object({
  id: Type.Integer(),
  telegramId: Nullable(Type.Integer()),
  username: Nullable(Type.String()),
  title: Type.String(),
  about: Nullable(Type.String()),
  audience: Nullable(StringEnum(AUDIENCES)),
  labels: Type.Array(Type.String()),
  status: StringEnum(CHANNEL_STATUSES),
  statusDetail: Nullable(Type.String()),
  url: Nullable(Type.String()),
  subscribers: Nullable(Type.Integer()),
  subscribersAt: Nullable(Type.String({ format: 'date-time' })),
  posts: Type.Integer({ description: 'stored posts (from the rollups, refreshed before answering)' }),
  onTopicPosts: Type.Integer(),
  firstPostDay: Nullable(Type.String({ format: 'date' })),
  lastPostDay: Nullable(Type.String({ format: 'date' })),
  lastCollectedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

function channelJson(c: ChannelSummary) {
  return {
    id: c.id,
    telegramId: c.telegramId,
    username: c.username,
    title: c.title,
    about: c.about,
    audience: c.audience,
    labels: c.labels,
    status: c.status,
    statusDetail: c.statusDetail,
    url: c.username ? `https://t.me/${c.username}` : null,
    subscribers: c.subscribers,
    subscribersAt: c.subscribersAt?.toISOString() ?? null,
    posts: c.posts,
    onTopicPosts: c.onTopicPosts,
    firstPostDay: c.firstPostDay,
    lastPostDay: c.lastPostDay,
    lastCollectedAt: c.lastCollectedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, { additionalProperties: false });
const Labels = Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 30, uniqueItems: true });

export const channelRoutes: FastifyPluginAsyncTypebox<{ db: Db; trends: TrendsService }> = async (app, { db, trends }) => {
  const security = [{ apiKey: [] }];

  app.get('/channels', {
    schema: {
      tags: ['channels'],
      summary: 'Registered channels with their latest subscriber count and post counts',
      security,
      querystring: Type.Object({
        audience: Type.Optional(AudienceList),
        status: Type.Optional(Type.String({ pattern: `^(?:${CHANNEL_STATUSES.join('|')})(?:,(?:${CHANNEL_STATUSES.join('|')}))*$`, description: `one or more of ${CHANNEL_STATUSES.join(', ')}, comma-separated` })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ChannelJson) }), ...errorResponses(...V1_ERRORS) },
    },
  }, async (request) => {
    await trends.ensureFresh();
    const items = await listChannelSummaries(db, { audiences: parseList(request.query.audience), statuses: parseList(request.query.status) });
    return { items: items.map(channelJson) };
  });

  app.post('/channels', {
    config: { scope: 'admin' },
    schema: {
      tags: ['channels'],
      summary: 'Registers a public channel for collection (admin)',
      security,
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 200, description: '@name or a t.me link' }),
        audience: StringEnum(AUDIENCES),
        labels: Type.Optional(Labels),
        title: Type.Optional(Type.String({ maxLength: 300 })),
      }, { additionalProperties: false }),
      response: { 201: ChannelJson, ...errorResponses(...V1_ERRORS, 409, 413) },
    },
  }, async (request, reply) => {
    let username: string;
    try {
      username = parseChannelRef(request.body.username);
    } catch (err) {
      if (err instanceof ChannelRefError) throw badParameter('username', err.message);
      throw err;
    }
    const created = await createChannel(db, {
      username, audience: request.body.audience, labels: request.body.labels ?? [], ...(request.body.title !== undefined ? { title: request.body.title } : {}),
    });
    if (!created) throw new ApiError(409, 'conflict', `@${username} is already registered; change it with PATCH /v1/channels/:id`);
    reply.code(201).header('Location', `/v1/channels/${created.id}`);
    return channelJson((await getChannelSummary(db, created.id))!);
  });

  app.get('/channels/:id', {
    schema: {
      tags: ['channels'],
      summary: 'One channel',
      security,
      params: IdParams,
      response: { 200: ChannelJson, ...errorResponses(...V1_ERRORS, 404) },
    },
  }, async (request) => {
    await trends.ensureFresh();
    const channel = await getChannelSummary(db, request.params.id);
    if (!channel) throw notFound(`channel ${request.params.id}`);
    return channelJson(channel);
  });

  app.patch('/channels/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['channels'],
      summary: 'Changes audience, labels, title, or pauses/resumes collection (admin)',
      description: 'A changed audience moves the channel\'s posts to the new audience in trends and comparisons.',
      security,
      params: IdParams,
      body: Type.Object({
        audience: Type.Optional(Nullable(StringEnum(AUDIENCES))),
        labels: Type.Optional(Labels),
        title: Type.Optional(Type.String({ maxLength: 300 })),
        status: Type.Optional(StringEnum(['active', 'paused'] as const)),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: ChannelJson, ...errorResponses(...V1_ERRORS, 404, 413) },
    },
  }, async (request) => {
    const updated = await updateChannel(db, request.params.id, request.body);
    if (!updated) throw notFound(`channel ${request.params.id}`);
    return channelJson((await getChannelSummary(db, updated.id))!);
  });

  app.delete('/channels/:id', {
    config: { scope: 'admin' },
    schema: {
      tags: ['channels'],
      summary: 'Deletes a channel with its posts and tags (admin); PATCH status=paused stops collection and keeps them',
      security,
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses(...V1_ERRORS, 404) },
    },
  }, async (request, reply) => {
    if (!(await deleteChannel(db, request.params.id))) throw notFound(`channel ${request.params.id}`);
    return reply.code(204).send(null);
  });

  app.get('/channels/:id/subscribers', {
    schema: {
      tags: ['channels'],
      summary: 'Subscriber counts over time',
      security,
      params: IdParams,
      querystring: Type.Object({ from: Type.Optional(Instant), to: Type.Optional(Instant) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          channelId: Type.Integer(),
          points: Type.Array(Type.Object({
            at: Type.String({ format: 'date-time' }),
            subscribers: Type.Integer(),
            exact: Type.Boolean({ description: 'false when the source showed an abbreviated counter ("64.3K")' }),
            source: Type.String(),
          })),
        }),
        ...errorResponses(...V1_ERRORS, 404),
      },
    },
  }, async (request) => {
    const { from, to } = parseRange(request.query);
    if (!(await getChannelSummary(db, request.params.id))) throw notFound(`channel ${request.params.id}`);
    const points = await subscriberSeries(db, request.params.id, from, to);
    return {
      channelId: request.params.id,
      points: points.map((p) => ({ at: p.observedAt.toISOString(), subscribers: p.subscribers, exact: p.exact, source: p.source })),
    };
  });
};
