// Trend math: which rollup buckets a trend reads and how their sums become
// the points of each series. Pure; services/trends/store.ts fetches the sums.
//
// Definitions (docs/api.md):
// - The *selected* posts of a series are the posts carrying `frame` (or, when
//   grouping by frame, the series' frame); without a frame, the on-topic
//   posts when onTopic=true (and always for metric=share), else every post.
// - metric=posts counts the selected posts, metric=views sums their views.
// - metric=share divides the weight of the selected posts by the weight of
//   their *parent* set: framed posts by on-topic posts, on-topic posts by all
//   posts. A post's weight is 1 (weight=none), its views (weight=views), or its
//   channel's subscriber count on that day (weight=subscribers). Every framed
//   post is on topic and every weight is >= 0, so shares lie in [0, 1].
import { periodStarts, type TrendBucket } from './days.ts';

export type TrendMetric = 'posts' | 'share' | 'views';
export type TrendWeight = 'none' | 'views' | 'subscribers';
export type TrendGroupBy = 'audience' | 'channel' | 'frame';

export const ALL_BUCKET = '_all';
export const ON_TOPIC_BUCKET = '_on_topic';

export interface TrendSpec {
  bucket: TrendBucket;
  metric: TrendMetric;
  weight: TrendWeight;
  groupBy: TrendGroupBy | null;
  frame: string | null;
  onTopic: boolean;
  /** First day, inclusive. */
  from: string;
  /** Day after the last, exclusive. */
  to: string;
}

/** One row of rollup sums: a bucket's start, a group, a rollup bucket. */
export interface RollupCell {
  t: string;
  group: string;
  bucket: string;
  posts: number;
  views: number;
  /** sum of posts x subscribers. */
  reach: number;
}

export interface TrendPoint {
  t: string;
  value: number;
  /** Selected posts in the bucket (the numerator's count for shares). */
  posts: number;
  /** metric=share only: posts in the denominator. */
  base?: number;
}

export interface TrendSeries {
  key: string;
  label?: string;
  points: TrendPoint[];
}

/** The rollup bucket the series count when not grouping by frame. */
export function selectedBucket(spec: Pick<TrendSpec, 'frame' | 'onTopic' | 'metric'>): string {
  if (spec.frame !== null) return spec.frame;
  return spec.onTopic || spec.metric === 'share' ? ON_TOPIC_BUCKET : ALL_BUCKET;
}

/** What a share divides by: framed posts by on-topic posts, on-topic posts by all posts. */
export function parentBucket(selected: string): string | null {
  if (selected === ALL_BUCKET) return null;
  return selected === ON_TOPIC_BUCKET ? ALL_BUCKET : ON_TOPIC_BUCKET;
}

/** Every rollup bucket the trend needs. */
export function bucketsToRead(spec: TrendSpec, frames: readonly string[]): string[] {
  const selected = spec.groupBy === 'frame' ? (spec.frame !== null ? [spec.frame] : [...frames]) : [selectedBucket(spec)];
  const needed = new Set(selected);
  if (spec.metric === 'share') for (const s of selected) needed.add(parentBucket(s)!);
  return [...needed];
}

export function weightOf(cell: RollupCell | undefined, weight: TrendWeight): number {
  if (!cell) return 0;
  return weight === 'views' ? cell.views : weight === 'subscribers' ? cell.reach : cell.posts;
}

/** A share, 0 when nothing is in the denominator (the point's base says so). */
export function share(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

/**
 * Builds dense series (a point for every bucket overlapping [from, to)).
 * `groups` lists the series in order when not grouping by frame (every cell
 * of such a trend carries one of them); grouping by frame, `frames` does, and
 * cells carry the group "all".
 */
export function buildSeries(
  cells: readonly RollupCell[],
  spec: TrendSpec,
  groups: ReadonlyArray<{ key: string; label?: string }>,
  frames: readonly string[],
): TrendSeries[] {
  const index = new Map<string, RollupCell>();
  for (const c of cells) index.set(`${c.t}|${c.group}|${c.bucket}`, c);
  const periods = periodStarts(spec.from, spec.to, spec.bucket);
  const plans =
    spec.groupBy === 'frame'
      ? (spec.frame !== null ? [spec.frame] : frames).map((f) => ({ key: f, label: undefined as string | undefined, group: 'all', bucket: f }))
      : groups.map((g) => ({ key: g.key, label: g.label, group: g.key, bucket: selectedBucket(spec) }));
  return plans.map((plan) => {
    const parent = parentBucket(plan.bucket);
    const points = periods.map((t): TrendPoint => {
      const cell = index.get(`${t}|${plan.group}|${plan.bucket}`);
      const posts = cell?.posts ?? 0;
      if (spec.metric === 'posts') return { t, value: posts, posts };
      if (spec.metric === 'views') return { t, value: cell?.views ?? 0, posts };
      const parentCell = parent === null ? undefined : index.get(`${t}|${plan.group}|${parent}`);
      return { t, value: share(weightOf(cell, spec.weight), weightOf(parentCell, spec.weight)), posts, base: parentCell?.posts ?? 0 };
    });
    return plan.label === undefined ? { key: plan.key, points } : { key: plan.key, label: plan.label, points };
  });
}
