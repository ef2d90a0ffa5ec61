import { describe, expect, it } from 'vitest';
import { addDays, periodStart, periodStarts } from '../../services/trends/days.ts';
import { bucketsToRead, buildSeries, parentBucket, selectedBucket, type RollupCell, type TrendSpec } from '../../services/trends/series.ts';

const FRAMES = ['denial', 'kidnapping'];

function spec(over: Partial<TrendSpec>): TrendSpec {
  return { bucket: 'week', metric: 'posts', weight: 'none', groupBy: null, frame: null, onTopic: false, from: '2025-01-01', to: '2025-01-15', ...over };
}

function cell(t: string, group: string, bucket: string, posts: number, views = 0, reach = 0): RollupCell {
  return { t, group, bucket, posts, views, reach };
}

describe('calendar buckets (as PostgreSQL date_trunc)', () => {
  it('starts weeks on Monday and months on the 1st, across year ends', () => {
    expect(periodStart('2025-01-01', 'week')).toBe('2024-12-30'); // a Wednesday
    expect(periodStart('2024-12-30', 'week')).toBe('2024-12-30'); // a Monday
    expect(periodStart('2025-01-05', 'week')).toBe('2024-12-30'); // a Sunday
    expect(periodStart('2024-02-29', 'month')).toBe('2024-02-01');
    expect(periodStart('2024-02-29', 'day')).toBe('2024-02-29');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('lists every bucket overlapping [from, to), the edge buckets included', () => {
    expect(periodStarts('2025-01-01', '2025-01-15', 'week')).toEqual(['2024-12-30', '2025-01-06', '2025-01-13']);
    expect(periodStarts('2025-01-01', '2025-01-13', 'week')).toEqual(['2024-12-30', '2025-01-06']);
    expect(periodStarts('2024-11-15', '2025-02-01', 'month')).toEqual(['2024-11-01', '2024-12-01', '2025-01-01']);
    expect(periodStarts('2025-03-30', '2025-04-02', 'day')).toEqual(['2025-03-30', '2025-03-31', '2025-04-01']);
  });
});

describe('what a trend selects', () => {
  it('counts framed posts, on-topic posts or all posts, and divides each by its parent set', () => {
    expect(selectedBucket(spec({ frame: 'denial' }))).toBe('denial');
    expect(selectedBucket(spec({ onTopic: true }))).toBe('_on_topic');
    expect(selectedBucket(spec({}))).toBe('_all');
    expect(selectedBucket(spec({ metric: 'share' }))).toBe('_on_topic');
    expect(parentBucket('denial')).toBe('_on_topic');
    expect(parentBucket('_on_topic')).toBe('_all');
    expect(parentBucket('_all')).toBeNull();
    expect(bucketsToRead(spec({ metric: 'share', frame: 'denial' }), FRAMES)).toEqual(['denial', '_on_topic']);
    expect(bucketsToRead(spec({ metric: 'share', groupBy: 'frame' }), FRAMES)).toEqual(['denial', 'kidnapping', '_on_topic']);
    expect(bucketsToRead(spec({ metric: 'views', onTopic: true }), FRAMES)).toEqual(['_on_topic']);
  });
});

describe('buildSeries', () => {
  const cells = [
    cell('2024-12-30', 'ru', 'denial', 3, 300, 30_000),
    cell('2024-12-30', 'ru', '_on_topic', 4, 1000, 40_000),
    cell('2025-01-13', 'ru', 'denial', 1, 0, 10_000),
    cell('2025-01-13', 'ru', '_on_topic', 1, 0, 10_000),
    cell('2024-12-30', 'ua', '_on_topic', 2, 50, 0),
  ];
  const groups = [{ key: 'ru' }, { key: 'ua' }];

  it('gives dense points, a share of 0 with base 0 where nothing is on topic', () => {
    const [ru, ua] = buildSeries(cells, spec({ metric: 'share', frame: 'denial', groupBy: 'audience' }), groups, FRAMES);
    expect(ru).toEqual({ key: 'ru', points: [
      { t: '2024-12-30', value: 0.75, posts: 3, base: 4 },
      { t: '2025-01-06', value: 0, posts: 0, base: 0 },
      { t: '2025-01-13', value: 1, posts: 1, base: 1 },
    ] });
    expect(ua!.points.map((p) => [p.value, p.posts, p.base])).toEqual([[0, 0, 2], [0, 0, 0], [0, 0, 0]]);
  });

  it('weights shares by views or by subscriber reach; a zero-weight denominator gives 0, not NaN', () => {
    const byViews = buildSeries(cells, spec({ metric: 'share', frame: 'denial', groupBy: 'audience', weight: 'views' }), groups, FRAMES);
    expect(byViews[0]!.points.map((p) => p.value)).toEqual([0.3, 0, 0]);
    const byReach = buildSeries(cells, spec({ metric: 'share', frame: 'denial', groupBy: 'audience', weight: 'subscribers' }), groups, FRAMES);
    expect(byReach[0]!.points.map((p) => p.value)).toEqual([0.75, 0, 1]);
    expect(byReach[1]!.points.every((p) => p.value === 0)).toBe(true);
  });

  it('groups by frame with one series per frame over the on-topic posts of all channels', () => {
    const all = [cell('2024-12-30', 'all', 'denial', 2), cell('2024-12-30', 'all', 'kidnapping', 1), cell('2024-12-30', 'all', '_on_topic', 4)];
    const series = buildSeries(all, spec({ metric: 'share', groupBy: 'frame', to: '2025-01-06' }), [], FRAMES);
    expect(series).toEqual([
      { key: 'denial', points: [{ t: '2024-12-30', value: 0.5, posts: 2, base: 4 }] },
      { key: 'kidnapping', points: [{ t: '2024-12-30', value: 0.25, posts: 1, base: 4 }] },
    ]);
  });

  it('sums views for metric=views and keeps group labels', () => {
    const series = buildSeries(cells, spec({ metric: 'views', onTopic: true, groupBy: 'channel' }), [{ key: 'ru', label: '@ru' }], FRAMES);
    expect(series).toEqual([{ key: 'ru', label: '@ru', points: [
      { t: '2024-12-30', value: 1000, posts: 4 }, { t: '2025-01-06', value: 0, posts: 0 }, { t: '2025-01-13', value: 0, posts: 1 },
    ] }]);
  });
});
