// Trends, audience comparisons and events: brings the rollups up to date,
// reads sums from them (store.ts) and applies the pure math (series.ts,
// divergence.ts, events.ts).
import { FRAME_IDS } from '../../config/taxonomy.ts';
import { AUDIENCES } from '../channels/types.ts';
import type { Db } from '../db/db.ts';
import { addDays, periodStart, periodStarts } from './days.ts';
import { compareAudiences, type AudienceComparison, type AudienceTotals, type Weights } from './divergence.ts';
import {
  detectSilences,
  detectSpikes,
  isFirstSeenInWindow,
  type ChannelActivity,
  type SilenceOptions,
  type SpikeOptions,
} from './events.ts';
import type { RollupFreshness } from './freshness.ts';
import { ALL_BUCKET, bucketsToRead, buildSeries, ON_TOPIC_BUCKET, selectedBucket, type TrendSeries, type TrendSpec, type TrendWeight } from './series.ts';
import { audienceTotals, channelWeeks, firstSeen, rollupCells, topChannels } from './store.ts';

export const UNASSIGNED = 'unassigned';

export interface TrendRequest extends TrendSpec {
  audiences: string[] | null;
  channelIds: number[] | null;
  /** groupBy=channel: how many channels (the most active in the selection). */
  limit: number;
}

export interface TrendResult {
  bucket: TrendSpec['bucket'];
  metric: TrendSpec['metric'];
  weight: TrendWeight;
  groupBy: TrendSpec['groupBy'];
  frame: string | null;
  from: string;
  to: string;
  upToDate: boolean;
  series: TrendSeries[];
}

export interface CompareRequest {
  from: string;
  to: string;
  weight: TrendWeight;
  audiences: string[] | null;
}

export type EventType = 'frame.first_seen' | 'frame.spike' | 'channel.silent';
export const EVENT_TYPES: readonly EventType[] = ['frame.first_seen', 'frame.spike', 'channel.silent'];

export interface EventRequest {
  from: string;
  to: string;
  types: readonly EventType[];
  audiences: string[] | null;
  channelIds: number[] | null;
  frame: string | null;
  spike: SpikeOptions;
  silence: SilenceOptions;
  limit: number;
}

export interface DerivedEvent {
  type: EventType;
  /** The day the event happened (a spike: its week's Monday). */
  at: string;
  scope: 'channel' | 'audience' | 'all';
  audience: string | null;
  channelId: number | null;
  frame: string | null;
  details: Record<string, number | string | boolean | null>;
}

const AUDIENCE_ORDER = [...AUDIENCES, UNASSIGNED];

function audienceGroups(audiences: string[] | null, seen: Iterable<string>): Array<{ key: string }> {
  if (audiences !== null) return audiences.map((key) => ({ key }));
  const present = new Set(seen);
  return AUDIENCE_ORDER.filter((a) => a !== UNASSIGNED || present.has(a)).map((key) => ({ key }));
}

export function channelLabel(c: { id: number; username: string | null; title: string }): string {
  return c.username ? `@${c.username}` : c.title || `#${c.id}`;
}

export class TrendsService {
  constructor(
    private readonly db: Db,
    private readonly freshness: RollupFreshness,
  ) {}

  /** For other reads of the rollups (channel post counts). */
  ensureFresh(): Promise<{ upToDate: boolean }> {
    return this.freshness.ensure();
  }

  async trends(req: TrendRequest): Promise<TrendResult> {
    const { upToDate } = await this.freshness.ensure();
    const buckets = bucketsToRead(req, FRAME_IDS);
    let channelIds = req.channelIds;
    let groups: Array<{ key: string; label?: string }> = [{ key: 'all' }];
    if (req.groupBy === 'channel') {
      const ranked = await topChannels(this.db, {
        from: req.from, to: req.to, rankBucket: selectedBucket(req), audiences: req.audiences, channelIds: req.channelIds, limit: req.limit,
      });
      groups = ranked.map((c) => ({ key: String(c.id), label: channelLabel(c) }));
      channelIds = ranked.map((c) => c.id);
    }
    const cells =
      channelIds !== null && channelIds.length === 0
        ? []
        : await rollupCells(this.db, {
            bucket: req.bucket, from: req.from, to: req.to, buckets, audiences: req.audiences, channelIds,
            groupBy: req.groupBy === 'channel' ? 'channel' : req.groupBy === 'audience' ? 'audience' : 'none',
          });
    if (req.groupBy === 'audience') groups = audienceGroups(req.audiences, cells.map((c) => c.group));
    return {
      bucket: req.bucket, metric: req.metric, weight: req.weight, groupBy: req.groupBy, frame: req.frame,
      from: req.from, to: req.to, upToDate,
      series: buildSeries(cells, req, groups, FRAME_IDS),
    };
  }

  async compare(req: CompareRequest): Promise<{ from: string; to: string; weight: TrendWeight; upToDate: boolean } & AudienceComparison> {
    const { upToDate } = await this.freshness.ensure();
    const audiences = req.audiences ?? [...AUDIENCES];
    const rows = await audienceTotals(this.db, req.from, req.to, audiences);
    const zero = (): Weights => ({ posts: 0, views: 0, reach: 0 });
    const totals = new Map<string, AudienceTotals>(audiences.map((a) => [a, { audience: a, all: zero(), onTopic: zero(), frames: {} }]));
    for (const r of rows) {
      const t = totals.get(r.audience)!;
      const w = { posts: r.posts, views: r.views, reach: r.reach };
      if (r.bucket === ALL_BUCKET) t.all = w;
      else if (r.bucket === ON_TOPIC_BUCKET) t.onTopic = w;
      else t.frames[r.bucket] = w;
    }
    return { from: req.from, to: req.to, weight: req.weight, upToDate, ...compareAudiences([...totals.values()], FRAME_IDS, req.weight) };
  }

  async events(req: EventRequest): Promise<{ upToDate: boolean; events: DerivedEvent[] }> {
    const { upToDate } = await this.freshness.ensure();
    const frames = req.frame !== null ? [req.frame] : [...FRAME_IDS];
    const events: DerivedEvent[] = [];
    if (req.types.includes('frame.first_seen')) events.push(...(await this.firstSeenEvents(req, frames)));
    if (req.types.includes('frame.spike')) events.push(...(await this.spikeEvents(req, frames)));
    if (req.types.includes('channel.silent')) events.push(...(await this.silenceEvents(req)));
    events.sort((a, b) => (a.at === b.at ? a.type.localeCompare(b.type) || scopeKey(a).localeCompare(scopeKey(b)) : a.at < b.at ? 1 : -1));
    return { upToDate, events: events.slice(0, req.limit) };
  }

  private async firstSeenEvents(req: EventRequest, frames: string[]): Promise<DerivedEvent[]> {
    const rows = await firstSeen(this.db, { from: req.from, to: req.to, frames, audiences: req.audiences, channelIds: req.channelIds });
    return rows
      .filter((r) => isFirstSeenInWindow(r, req.from, req.to))
      .map((r) => ({
        type: 'frame.first_seen' as const,
        at: r.firstDay,
        scope: r.scope,
        audience: r.scope === 'audience' ? r.key : null,
        channelId: r.scope === 'channel' ? Number(r.key) : null,
        frame: r.frame,
        details: { onTopicSince: r.topicFirstDay },
      }));
  }

  private async spikeEvents(req: EventRequest, frames: string[]): Promise<DerivedEvent[]> {
    const windowStart = periodStart(req.from, 'week');
    const baselineStart = addDays(windowStart, -7 * req.spike.baselineWeeks);
    const buckets = [...frames, ON_TOPIC_BUCKET];
    const byChannel = req.channelIds !== null;
    const cells = await rollupCells(this.db, {
      bucket: 'week', from: baselineStart, to: req.to, buckets, audiences: req.audiences, channelIds: req.channelIds,
      groupBy: byChannel ? 'channel' : 'audience',
    });
    if (!byChannel && req.audiences === null) {
      cells.push(...(await rollupCells(this.db, { bucket: 'week', from: baselineStart, to: req.to, buckets, audiences: null, channelIds: null, groupBy: 'none' })));
    }
    const counts = new Map(cells.map((c) => [`${c.group}|${c.bucket}|${c.t}`, c.posts]));
    const scopes = byChannel ? req.channelIds!.map(String) : [...(req.audiences ?? AUDIENCES), ...(req.audiences === null ? ['all'] : [])];
    const weeks = periodStarts(baselineStart, req.to, 'week');
    const out: DerivedEvent[] = [];
    for (const scope of scopes) {
      for (const frame of frames) {
        const series = weeks.map((t) => ({
          t, framed: counts.get(`${scope}|${frame}|${t}`) ?? 0, onTopic: counts.get(`${scope}|${ON_TOPIC_BUCKET}|${t}`) ?? 0,
        }));
        for (const s of detectSpikes(series, windowStart, req.to, req.spike)) {
          out.push({
            type: 'frame.spike',
            at: s.t,
            scope: byChannel ? 'channel' : scope === 'all' ? 'all' : 'audience',
            audience: byChannel || scope === 'all' ? null : scope,
            channelId: byChannel ? Number(scope) : null,
            frame,
            details: {
              share: s.share, posts: s.framed, onTopic: s.onTopic,
              baselineMean: s.baselineMean, baselineSd: s.baselineSd, threshold: s.threshold,
            },
          });
        }
      }
    }
    return out;
  }

  private async silenceEvents(req: EventRequest): Promise<DerivedEvent[]> {
    const { baselineWeeks, windowWeeks } = req.silence;
    const start = addDays(req.to, -7 * (baselineWeeks + windowWeeks));
    const rows = await channelWeeks(this.db, { start, to: req.to, audiences: req.audiences, channelIds: req.channelIds });
    const activity = new Map<number, ChannelActivity & { onTopicByWeek: number[] }>();
    for (const r of rows) {
      let a = activity.get(r.channelId);
      if (!a) {
        a = { channelId: r.channelId, onTopicByWeek: new Array<number>(baselineWeeks + windowWeeks).fill(0), postsInWindow: 0, lastOnTopicDay: null };
        activity.set(r.channelId, a);
      }
      if (r.bucket === ON_TOPIC_BUCKET) {
        a.onTopicByWeek[r.week] = r.posts;
        if (a.lastOnTopicDay === null || r.lastDay > a.lastOnTopicDay) a.lastOnTopicDay = r.lastDay;
      } else if (r.week >= baselineWeeks) {
        a.postsInWindow += r.posts;
      }
    }
    return detectSilences([...activity.values()], req.silence).map((s) => ({
      type: 'channel.silent' as const,
      at: s.since,
      scope: 'channel' as const,
      audience: null,
      channelId: s.channelId,
      frame: null,
      details: {
        lastOnTopic: s.lastOnTopicDay, activeWeeks: s.activeWeeks, baselinePosts: s.baselinePosts, stillPosting: s.stillPosting,
        windowStart: addDays(req.to, -7 * windowWeeks),
      },
    }));
  }
}

function scopeKey(e: DerivedEvent): string {
  return `${e.scope}|${e.audience ?? ''}|${e.channelId ?? ''}|${e.frame ?? ''}`;
}
