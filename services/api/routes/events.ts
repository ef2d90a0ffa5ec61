// Events derived from the rollups: frames first seen, spikes, channels gone silent.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/db.ts';
import { channelLabel, EVENT_TYPES, type EventType, type TrendsService } from '../../trends/service.ts';
import { utcToday } from '../../trends/days.ts';
import { DEFAULT_SILENCE_OPTIONS, DEFAULT_SPIKE_OPTIONS } from '../../trends/events.ts';
import { resolveChannelParam } from '../channel-refs.ts';
import { badParameter } from '../errors.ts';
import { AudienceList, ChannelList, errorResponses, FrameParam, Instant, Nullable, parseDayRange, parseList, V1_ERRORS } from '../schemas.ts';

export const eventRoutes: FastifyPluginAsyncTypebox<{ trends: TrendsService; db: Db }> = async (app, { trends, db }) => {
  app.get('/events', {
    schema: {
      tags: ['trends'],
      summary: 'Frames first seen in a channel or audience, frame spikes against a trailing baseline, channels fallen silent on the topic',
      description: 'Definitions and defaults in docs/api.md. from/to are UTC days (to exclusive), default the last 28 days.',
      security: [{ apiKey: [] }],
      querystring: Type.Object({
        from: Type.Optional(Instant),
        to: Type.Optional(Instant),
        type: Type.Optional(Type.String({
          pattern: `^(?:${EVENT_TYPES.map((t) => t.replace('.', '\\.')).join('|')})(?:,(?:${EVENT_TYPES.map((t) => t.replace('.', '\\.')).join('|')}))*$`,
          description: `one or more of ${EVENT_TYPES.join(', ')}, comma-separated`,
        })),
        audience: Type.Optional(AudienceList),
        channel: Type.Optional(ChannelList),
        frame: Type.Optional(FrameParam),
        k: Type.Optional(Type.Number({ minimum: 0.5, maximum: 10, default: DEFAULT_SPIKE_OPTIONS.k, description: 'spike: standard deviations above the baseline mean' })),
        baselineWeeks: Type.Optional(Type.Integer({ minimum: 2, maximum: 52, default: DEFAULT_SPIKE_OPTIONS.baselineWeeks, description: 'spike and silence: weeks of baseline' })),
        minPosts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: DEFAULT_SPIKE_OPTIONS.minPosts, description: 'spike: framed posts the week needs' })),
        silentWeeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 26, default: DEFAULT_SILENCE_OPTIONS.windowWeeks, description: 'silence: weeks without on-topic posts, ending at to' })),
        activeWeeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 52, default: DEFAULT_SILENCE_OPTIONS.minActiveWeeks, description: 'silence: baseline weeks that had on-topic posts' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          from: Type.String({ format: 'date' }),
          to: Type.String({ format: 'date' }),
          upToDate: Type.Boolean(),
          events: Type.Array(Type.Object({
            type: Type.String(),
            at: Type.String({ format: 'date' }),
            scope: Type.String({ description: 'channel, audience, or all (every channel)' }),
            audience: Nullable(Type.String()),
            channel: Nullable(Type.Object({ id: Type.Integer(), label: Type.String(), audience: Nullable(Type.String()) })),
            frame: Nullable(Type.String()),
            details: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()])),
          })),
        }),
        ...errorResponses(...V1_ERRORS),
      },
    },
  }, async (request) => {
    const q = request.query;
    const { from, to } = parseDayRange(q, utcToday(), 28);
    const baselineWeeks = q.baselineWeeks ?? DEFAULT_SPIKE_OPTIONS.baselineWeeks;
    const activeWeeks = q.activeWeeks ?? DEFAULT_SILENCE_OPTIONS.minActiveWeeks;
    if (activeWeeks > baselineWeeks) throw badParameter('activeWeeks', `cannot exceed baselineWeeks (${baselineWeeks})`);
    const result = await trends.events({
      from, to,
      types: (parseList(q.type) as EventType[] | null) ?? EVENT_TYPES,
      audiences: parseList(q.audience),
      channelIds: await resolveChannelParam(db, q.channel),
      frame: q.frame ?? null,
      spike: { ...DEFAULT_SPIKE_OPTIONS, k: q.k ?? DEFAULT_SPIKE_OPTIONS.k, baselineWeeks, minPosts: q.minPosts ?? DEFAULT_SPIKE_OPTIONS.minPosts, minBaselineWeeks: Math.min(DEFAULT_SPIKE_OPTIONS.minBaselineWeeks, baselineWeeks) },
      silence: { baselineWeeks, windowWeeks: q.silentWeeks ?? DEFAULT_SILENCE_OPTIONS.windowWeeks, minActiveWeeks: activeWeeks },
      limit: q.limit ?? 500,
    });
    const ids = [...new Set(result.events.flatMap((e) => (e.channelId !== null ? [e.channelId] : [])))];
    const channels = new Map<number, { id: number; username: string | null; title: string; audience: string | null }>();
    if (ids.length > 0) {
      const { rows } = await db.query<{ id: number; username: string | null; title: string; audience: string | null }>(
        'SELECT id, username, title, audience FROM channels WHERE id = ANY($1::bigint[])',
        [ids],
      );
      for (const r of rows) channels.set(r.id, r);
    }
    return {
      from, to, upToDate: result.upToDate,
      events: result.events.map((e) => {
        const c = e.channelId !== null ? channels.get(e.channelId) : undefined;
        return {
          type: e.type, at: e.at, scope: e.scope, audience: e.audience ?? c?.audience ?? null,
          channel: c ? { id: c.id, label: channelLabel(c), audience: c.audience } : null,
          frame: e.frame, details: e.details,
        };
      }),
    };
  });
};
