// Trends and the audience comparison, both read from the rollups (brought
// up to date first, within a budget: upToDate says whether it sufficed).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AUDIENCES } from '../../channels/types.ts';
import type { Db } from '../../db/db.ts';
import { utcToday } from '../../trends/days.ts';
import type { TrendsService } from '../../trends/service.ts';
import { resolveChannelParam } from '../channel-refs.ts';
import { toCsv, wantsCsv } from '../csv.ts';
import { badParameter } from '../errors.ts';
import { AudienceList, ChannelList, errorResponses, FrameParam, Instant, Nullable, parseDayRange, parseList, StringEnum, V1_ERRORS } from '../schemas.ts';

const WEIGHTS = ['none', 'views', 'subscribers'] as const;
const Weight = StringEnum(WEIGHTS, {
  default: 'none',
  description: 'what a post weighs in a share: 1, its views, or its channel\'s subscribers on that day (docs/api.md)',
});

const TrendJson = Type.Object({
  bucket: Type.String(),
  metric: Type.String(),
  weight: Type.String(),
  groupBy: Nullable(Type.String()),
  frame: Nullable(Type.String()),
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date', description: 'exclusive' }),
  upToDate: Type.Boolean({ description: 'false when a rollup backlog exceeded the refresh budget of one request' }),
  series: Type.Array(Type.Object({
    key: Type.String(),
    label: Type.Optional(Type.String()),
    points: Type.Array(Type.Object({
      t: Type.String({ format: 'date', description: 'first day of the bucket (weeks start on Monday, UTC)' }),
      value: Type.Number(),
      posts: Type.Integer({ description: 'selected posts in the bucket (for shares: the numerator\'s count)' }),
      base: Type.Optional(Type.Integer({ description: 'metric=share: posts in the denominator' })),
    })),
  })),
});

export const trendRoutes: FastifyPluginAsyncTypebox<{ trends: TrendsService; db: Db }> = async (app, { trends, db }) => {
  const security = [{ apiKey: [] }];

  app.get('/trends', {
    schema: {
      tags: ['trends'],
      summary: 'How much, and what share of the topic, each frame gets over time, by audience, channel or frame',
      description:
        'metric=posts counts the selected posts (frame given: on-topic posts carrying it; else every post, or on-topic posts with onTopic=true); ' +
        'views sums their views; share divides the weight of framed posts by that of on-topic posts (without a frame: on-topic by all). ' +
        'from/to are UTC days, to exclusive; default the last 365 days. JSON, or CSV with Accept: text/csv.',
      security,
      querystring: Type.Object({
        bucket: Type.Optional(StringEnum(['day', 'week', 'month'] as const, { default: 'week' })),
        from: Type.Optional(Instant),
        to: Type.Optional(Instant),
        audience: Type.Optional(AudienceList),
        channel: Type.Optional(ChannelList),
        frame: Type.Optional(FrameParam),
        groupBy: Type.Optional(StringEnum(['audience', 'channel', 'frame'] as const)),
        metric: Type.Optional(StringEnum(['posts', 'share', 'views'] as const, { default: 'posts' })),
        weight: Type.Optional(Weight),
        onTopic: Type.Optional(Type.Boolean({ default: false })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'groupBy=channel: the most active channels shown' })),
      }, { additionalProperties: false }),
      response: {
        200: {
          content: {
            'application/json': { schema: TrendJson },
            'text/csv': { schema: Type.String({ description: 'columns: key, label, t, value, posts, base' }) },
          },
        },
        ...errorResponses(...V1_ERRORS),
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const { from, to } = parseDayRange(q, utcToday(), 365);
    const metric = q.metric ?? 'posts';
    const weight = q.weight ?? 'none';
    if (weight !== 'none' && metric !== 'share') throw badParameter('weight', `applies to metric=share only (got metric=${metric})`);
    const bucket = q.bucket ?? 'week';
    const points = bucket === 'day' ? (Date.parse(to) - Date.parse(from)) / 86_400_000 : 0;
    if (points > 1100) throw badParameter('bucket', `day buckets over ${points} days are too many points; use week or month`);
    const result = await trends.trends({
      bucket, metric, weight, from, to,
      groupBy: q.groupBy ?? null,
      frame: q.frame ?? null,
      onTopic: q.onTopic ?? false,
      audiences: parseList(q.audience),
      channelIds: await resolveChannelParam(db, q.channel),
      limit: q.limit ?? 20,
    });
    if (wantsCsv(request.headers.accept)) {
      const rows = result.series.flatMap((s) => s.points.map((p) => [s.key, s.label ?? null, p.t, p.value, p.posts, p.base ?? null]));
      return reply.type('text/csv; charset=utf-8').send(toCsv(['key', 'label', 't', 'value', 'posts', 'base'], rows));
    }
    return result;
  });

  app.get('/audiences/compare', {
    schema: {
      tags: ['trends'],
      summary: 'Each audience\'s frame distribution side by side, with the divergence between audiences',
      description:
        'Per audience: posts, on-topic posts, and per frame its share of on-topic posts and its probability in the audience\'s frame distribution. ' +
        'Per pair of audiences: the Jensen-Shannon divergence of their frame distributions (bits, 0..1) and the per-frame share differences.',
      security,
      querystring: Type.Object({
        from: Type.Optional(Instant),
        to: Type.Optional(Instant),
        weight: Type.Optional(Weight),
        audience: Type.Optional(AudienceList),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          from: Type.String({ format: 'date' }),
          to: Type.String({ format: 'date' }),
          weight: Type.String(),
          upToDate: Type.Boolean(),
          audiences: Type.Array(Type.Object({
            audience: Type.String({ description: `one of ${AUDIENCES.join(', ')}` }),
            posts: Type.Integer(),
            onTopic: Type.Integer(),
            topicShare: Type.Number(),
            frames: Type.Array(Type.Object({ frame: Type.String(), posts: Type.Integer(), share: Type.Number(), probability: Type.Number() })),
          })),
          pairs: Type.Array(Type.Object({
            a: Type.String(),
            b: Type.String(),
            jsd: Nullable(Type.Number()),
            differences: Type.Array(Type.Object({ frame: Type.String(), difference: Type.Number() })),
          })),
        }),
        ...errorResponses(...V1_ERRORS),
      },
    },
  }, async (request) => {
    const q = request.query;
    const { from, to } = parseDayRange(q, utcToday(), 365);
    return trends.compare({ from, to, weight: q.weight ?? 'none', audiences: parseList(q.audience) });
  });
};
