// Who amplifies whom: the forwarding graph.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/db.ts';
import { forwardGraph } from '../../posts/forwards.ts';
import { resolveChannelParam } from '../channel-refs.ts';
import { AudienceList, ChannelList, errorResponses, FrameParam, Instant, Nullable, parseList, parseRange, V1_ERRORS } from '../schemas.ts';

export const graphRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get('/graph/forwards', {
    schema: {
      tags: ['graph'],
      summary: 'Who amplifies whom: edges from an origin channel to the channel that forwarded its posts, with counts',
      description:
        'Origins that are not monitored channels appear by Telegram id (or, for web-preview forwards, by the name shown). ' +
        'frame keeps forwarded posts carrying it; audience and channel filter the forwarding side.',
      security: [{ apiKey: [] }],
      querystring: Type.Object({
        from: Type.Optional(Instant),
        to: Type.Optional(Instant),
        frame: Type.Optional(FrameParam),
        audience: Type.Optional(AudienceList),
        channel: Type.Optional(ChannelList),
        minPosts: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1, description: 'edges with fewer forwarded posts are left out' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 500, description: 'the heaviest edges kept' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          nodes: Type.Array(Type.Object({
            id: Type.String({ description: 'channel:<id>, telegram:<id> or name:<shown name>' }),
            monitored: Type.Boolean(),
            channelId: Nullable(Type.Integer()),
            telegramId: Nullable(Type.Integer()),
            username: Nullable(Type.String()),
            name: Type.String(),
            audience: Nullable(Type.String()),
          })),
          edges: Type.Array(Type.Object({
            from: Type.String(),
            to: Type.String(),
            posts: Type.Integer(),
            firstAt: Type.String({ format: 'date-time' }),
            lastAt: Type.String({ format: 'date-time' }),
          })),
        }),
        ...errorResponses(...V1_ERRORS),
      },
    },
  }, async (request) => {
    const q = request.query;
    const { from, to } = parseRange(q);
    const graph = await forwardGraph(db, {
      from, to, frame: q.frame ?? null, audiences: parseList(q.audience), channelIds: await resolveChannelParam(db, q.channel),
      minPosts: q.minPosts ?? 1, limit: q.limit ?? 500,
    });
    return { nodes: graph.nodes, edges: graph.edges.map((e) => ({ ...e, firstAt: e.firstAt.toISOString(), lastAt: e.lastAt.toISOString() })) };
  });
};
