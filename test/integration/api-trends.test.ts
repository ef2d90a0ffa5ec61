// Trends and comparisons from the rollups must agree exactly with the posts
// behind them: with what GET /v1/posts lists for the same filters, and with
// sums computed straight from posts.
import { beforeAll, describe, expect, it } from 'vitest';
import { FRAME_IDS } from '../../config/taxonomy.ts';
import { saveClassifications } from '../../services/classification/store.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import { refreshAllRollups } from '../../services/trends/rollups.ts';
import { periodStart, type TrendBucket } from '../../services/trends/days.ts';
import { compareAudiences, type AudienceTotals } from '../../services/trends/divergence.ts';
import { bucketsToRead, buildSeries, type TrendSpec } from '../../services/trends/series.ts';
import { buildTestApi, useTestApi } from '../helpers/api.ts';
import { CORPUS_FROM, CORPUS_TO, seedCorpus, type Corpus } from '../helpers/corpus.ts';
import { directCells } from '../helpers/direct-trends.ts';

const api = useTestApi();
let corpus: Corpus;

beforeAll(async () => {
  corpus = await seedCorpus(api.db);
  // A bulk load leaves more stale rollups than one request recomputes; the
  // workers refresh after one, as here. That requests recompute what writers
  // leave stale is tested below (a new post, a re-tag, a backlog).
  await refreshAllRollups(api.db);
});

interface PostItem {
  channelId: number;
  messageId: number;
  postedAt: string;
  channel: { audience: string | null };
  frames: Array<{ frame: string }>;
  onTopic: boolean | null;
  views: number | null;
}

async function allPosts(query: string): Promise<PostItem[]> {
  const items: PostItem[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: PostItem[]; nextCursor: string | null } = await api.get(`/v1/posts?${query}&limit=37${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

function countByBucket(items: PostItem[], bucket: TrendBucket): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of items) {
    const t = periodStart(p.postedAt.slice(0, 10), bucket);
    counts[t] = (counts[t] ?? 0) + 1;
  }
  return counts;
}

function nonZero(points: Array<{ t: string; posts: number }>): Record<string, number> {
  return Object.fromEntries(points.filter((p) => p.posts > 0).map((p) => [p.t, p.posts]));
}

describe('trends agree with the posts endpoint', () => {
  const range = `from=${CORPUS_FROM}&to=${CORPUS_TO}`;
  const combos: Array<[string, TrendBucket]> = [
    ['', 'week'],
    ['audience=ru', 'week'],
    ['frame=denial', 'week'],
    ['audience=ru,ua&frame=western_pretext', 'month'],
    ['onTopic=true', 'day'],
    ['channel=corpus_ru_two&onTopic=true', 'week'],
    ['channel=corpus_monitor_one,corpus_ua_one&frame=cannon_fodder', 'day'],
    ['audience=west&frame=alliance_legitimation', 'week'],
  ];

  it.each(combos)('for %s by %s', async (filters, bucket) => {
    const posts = await allPosts(`${filters}&${range}`);
    const trend = await api.get(`/v1/trends?metric=posts&bucket=${bucket}&${filters}&${range}`);
    expect(trend.upToDate).toBe(true);
    expect(trend.series).toHaveLength(1);
    expect(nonZero(trend.series[0].points)).toEqual(countByBucket(posts, bucket));
    expect(posts.length).toBeGreaterThan(0);
  });

  it('per audience, including channels without one, summing to every post', async () => {
    const posts = await allPosts(`frame=denial&${range}`);
    const trend = await api.get(`/v1/trends?metric=posts&groupBy=audience&frame=denial&${range}`);
    expect(trend.series.map((s: { key: string }) => s.key)).toEqual(['ua', 'ru', 'west', 'monitor', 'unassigned']);
    for (const s of trend.series) {
      const mine = posts.filter((p) => (p.channel.audience ?? 'unassigned') === s.key);
      expect(nonZero(s.points), s.key).toEqual(countByBucket(mine, 'week'));
    }
  });

  it('per frame, each series counting the posts carrying it', async () => {
    const trend = await api.get(`/v1/trends?metric=posts&groupBy=frame&audience=ru&bucket=month&${range}`);
    expect(trend.series.map((s: { key: string }) => s.key)).toEqual(FRAME_IDS);
    for (const s of trend.series) {
      const posts = await allPosts(`audience=ru&frame=${s.key}&${range}`);
      expect(nonZero(s.points), s.key).toEqual(countByBucket(posts, 'month'));
    }
  });

  it('per channel, the most active channels first, limited', async () => {
    const trend = await api.get(`/v1/trends?metric=posts&groupBy=channel&onTopic=true&limit=3&${range}`);
    expect(trend.series).toHaveLength(3);
    const totals = trend.series.map((s: { points: Array<{ posts: number }> }) => s.points.reduce((n, p) => n + p.posts, 0));
    expect([...totals].sort((a, b) => b - a)).toEqual(totals);
    const top = trend.series[0];
    expect(top.label).toMatch(/^@corpus_/);
    const posts = await allPosts(`channel=${top.key}&onTopic=true&${range}`);
    expect(nonZero(top.points)).toEqual(countByBucket(posts, 'week'));
  });

  it('sums views for metric=views, unknown views counting 0', async () => {
    const posts = await allPosts(`audience=ua&frame=western_pretext&${range}`);
    const trend = await api.get(`/v1/trends?metric=views&audience=ua&frame=western_pretext&bucket=month&${range}`);
    const views: Record<string, number> = {};
    for (const p of posts) {
      const t = periodStart(p.postedAt.slice(0, 10), 'month');
      views[t] = (views[t] ?? 0) + (p.views ?? 0);
    }
    expect(Object.fromEntries(trend.series[0].points.filter((p: { value: number }) => p.value > 0).map((p: { t: string; value: number }) => [p.t, p.value]))).toEqual(
      Object.fromEntries(Object.entries(views).filter(([, v]) => v > 0)),
    );
  });

  it('follows a new post and a re-tag at the next request', async () => {
    const before = await api.get(`/v1/trends?metric=posts&frame=kidnapping&audience=ru&${range}`);
    const total = (t: { series: Array<{ points: Array<{ posts: number }> }> }) => t.series[0]!.points.reduce((n, p) => n + p.posts, 0);
    const ru = corpus.byName.corpus_ru_two!;
    await api.db.transaction(async (tx) => {
      const { upsertPosts } = await import('../../services/posts/store.ts');
      const { saveClassifications } = await import('../../services/classification/store.ts');
      await upsertPosts(tx, ru.id, [{
        messageId: 9001, postedAt: new Date('2025-02-14T23:59:59Z'), text: 'Украина похитила корейцев', entities: null, views: 5, forwards: null,
        replies: null, reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
      }], { source: 'web', seenAt: new Date() });
      await saveClassifications(tx, ru.id, 'corpus-1', [{ messageId: 9001, version: 1, lang: 'ru', onTopic: true, frames: [{ frame: 'kidnapping', score: 1, evidence: [] }] }], new Date());
    });
    const after = await api.get(`/v1/trends?metric=posts&frame=kidnapping&audience=ru&${range}`);
    expect(total(after)).toBe(total(before) + 1);
    const posts = await allPosts(`frame=kidnapping&audience=ru&${range}`);
    expect(nonZero(after.series[0].points)).toEqual(countByBucket(posts, 'week'));
  });
});

describe('shares', () => {
  const specs: Array<Partial<TrendSpec> & { audiences?: string[] | null }> = [
    { groupBy: 'audience', frame: 'denial', weight: 'none' },
    { groupBy: 'audience', frame: 'western_pretext', weight: 'views' },
    { groupBy: 'audience', frame: 'cannon_fodder', weight: 'subscribers' },
    { groupBy: 'frame', weight: 'subscribers', bucket: 'month', audiences: ['ru'] },
    { groupBy: null, weight: 'none', bucket: 'day' },
  ];

  it.each(specs)('equal the same share computed from posts: %j', async (partial) => {
    const spec: TrendSpec = { bucket: 'week', metric: 'share', weight: 'none', groupBy: null, frame: null, onTopic: false, from: CORPUS_FROM, to: CORPUS_TO, ...partial };
    const query = new URLSearchParams({ metric: 'share', bucket: spec.bucket, weight: spec.weight, from: spec.from, to: spec.to });
    if (spec.groupBy) query.set('groupBy', spec.groupBy);
    if (spec.frame) query.set('frame', spec.frame);
    if (partial.audiences) query.set('audience', partial.audiences.join(','));
    const trend = await api.get(`/v1/trends?${query}`);
    const cells = await directCells(api.db, {
      bucket: spec.bucket, from: spec.from, to: spec.to, buckets: bucketsToRead(spec, FRAME_IDS), audiences: partial.audiences ?? null,
      channelIds: null, groupBy: spec.groupBy === 'audience' ? 'audience' : 'none', withReach: true,
    });
    const groups = trend.series.map((s: { key: string }) => ({ key: s.key }));
    const expected = buildSeries(cells, spec, groups, FRAME_IDS);
    expect(trend.series).toHaveLength(expected.length);
    for (const [i, s] of trend.series.entries()) {
      expect(s.key).toBe(expected[i]!.key);
      s.points.forEach((p: { t: string; value: number; posts: number; base: number }, j: number) => {
        const want = expected[i]!.points[j]!;
        expect([p.t, p.posts, p.base]).toEqual([want.t, want.posts, want.base]);
        expect(p.value).toBeCloseTo(want.value, 12);
        expect(p.value).toBeGreaterThanOrEqual(0);
        expect(p.value).toBeLessThanOrEqual(1);
      });
    }
    // The corpus is rich enough that this is not a comparison of zeros.
    expect(trend.series.some((s: { points: Array<{ value: number }> }) => s.points.some((p) => p.value > 0 && p.value < 1))).toBe(true);
  });

  it('lie in [0, 1] for every frame, weight and grouping', async () => {
    for (const weight of ['none', 'views', 'subscribers']) {
      for (const groupBy of ['audience', 'channel', 'frame']) {
        const trend = await api.get(`/v1/trends?metric=share&weight=${weight}&groupBy=${groupBy}&bucket=day&from=${CORPUS_FROM}&to=${CORPUS_TO}`);
        const values = trend.series.flatMap((s: { points: Array<{ value: number }> }) => s.points.map((p) => p.value));
        expect(values.length).toBeGreaterThan(80);
        expect(values.every((v: number) => v >= 0 && v <= 1), `${weight} ${groupBy}`).toBe(true);
        expect(values.some((v: number) => v > 0)).toBe(true);
      }
    }
  });

  it('weighted by subscribers leave out channels with no snapshot', async () => {
    // The unassigned channel has no subscriber snapshot: weight 0 everywhere.
    const trend = await api.get(`/v1/trends?metric=share&weight=subscribers&groupBy=audience&frame=denial&from=${CORPUS_FROM}&to=${CORPUS_TO}`);
    const unassigned = trend.series.find((s: { key: string }) => s.key === 'unassigned');
    expect(unassigned.points.some((p: { posts: number }) => p.posts > 0)).toBe(true);
    expect(unassigned.points.every((p: { value: number }) => p.value === 0)).toBe(true);
  });

  it('answer CSV with Accept: text/csv, one row per point', async () => {
    const res = await api.inject({
      method: 'GET', url: `/v1/trends?metric=share&frame=denial&groupBy=audience&bucket=month&from=${CORPUS_FROM}&to=${CORPUS_TO}`,
      headers: { accept: 'text/csv' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('key,label,t,value,posts,base');
    expect(lines).toHaveLength(1 + 5 * 3);
    expect(lines[1]).toMatch(/^ua,,2025-01-01,[0-9.]+,\d+,\d+$/);
  });
});

describe('audience comparison', () => {
  it('gives each audience its frame profile and the divergence of every pair, as computed from posts', async () => {
    const res = await api.get(`/v1/audiences/compare?from=${CORPUS_FROM}&to=${CORPUS_TO}&weight=views`);
    const cells = await directCells(api.db, {
      bucket: 'month', from: CORPUS_FROM, to: CORPUS_TO, buckets: ['_all', '_on_topic', ...FRAME_IDS], audiences: null, channelIds: null,
      groupBy: 'audience', withReach: true,
    });
    const totals = new Map<string, AudienceTotals>(['ua', 'ru', 'west', 'monitor'].map((a) => [a, {
      audience: a, all: { posts: 0, views: 0, reach: 0 }, onTopic: { posts: 0, views: 0, reach: 0 }, frames: {},
    }]));
    for (const c of cells) {
      const t = totals.get(c.group);
      if (!t) continue;
      const target = c.bucket === '_all' ? t.all : c.bucket === '_on_topic' ? t.onTopic : (t.frames[c.bucket] ??= { posts: 0, views: 0, reach: 0 });
      target.posts += c.posts;
      target.views += c.views;
      target.reach += c.reach;
    }
    const expected = compareAudiences([...totals.values()], FRAME_IDS, 'views');
    expect(res.audiences.map((a: { audience: string }) => a.audience)).toEqual(['ua', 'ru', 'west', 'monitor']);
    expect(res.audiences).toEqual(expected.audiences.map((a) => ({ ...a, frames: a.frames.map((f) => ({ ...f, share: expect.closeTo(f.share, 12), probability: expect.closeTo(f.probability, 12) })), topicShare: expect.closeTo(a.topicShare, 12) })));
    expect(res.pairs).toHaveLength(6);
    for (const [i, pair] of res.pairs.entries()) {
      expect(pair.jsd).toBeCloseTo(expected.pairs[i]!.jsd!, 12);
      expect(pair.jsd).toBeGreaterThan(0);
      expect(pair.jsd).toBeLessThanOrEqual(1);
    }
    // Monitors (cannon fodder, incompetence) and the Russian audience (denial, praise, ...) share no frame here.
    const ruMonitor = res.pairs.find((p: { a: string; b: string }) => p.a === 'ru' && p.b === 'monitor');
    expect(ruMonitor.jsd).toBe(1);
  });

  it('can be restricted to some audiences', async () => {
    const res = await api.get(`/v1/audiences/compare?from=${CORPUS_FROM}&to=${CORPUS_TO}&audience=ru,ua`);
    expect(res.audiences.map((a: { audience: string }) => a.audience)).toEqual(['ru', 'ua']);
    expect(res.pairs.map((p: { a: string; b: string }) => `${p.a}-${p.b}`)).toEqual(['ru-ua']);
  });
});

describe('a rollup backlog larger than one request may recompute', () => {
  it('is worked off over several requests, each saying whether it is complete', async () => {
    const limited = await buildTestApi(api.url, api.db, { env: { API_ROLLUP_REFRESH_LIMIT: '2' } });
    try {
      const west = corpus.byName.corpus_west_one!;
      const days = ['2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06'];
      await api.db.transaction(async (tx) => {
        await upsertPosts(tx, west.id, days.map((d, i) => ({
          messageId: 9100 + i, postedAt: new Date(`${d}T12:00:00Z`), text: 'backlog', entities: null, views: 1, forwards: null,
          replies: null, reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
        })), { source: 'web', seenAt: new Date() });
        await saveClassifications(tx, west.id, 'corpus-1', days.map((_, i) => ({ messageId: 9100 + i, version: 1, lang: 'en', onTopic: true, frames: [] })), new Date());
      });
      const url = `/v1/trends?metric=posts&channel=${west.id}&bucket=month&from=2025-03-01&to=2025-04-01`;
      const ask = async () => (await limited.app.inject({ url, headers: { authorization: `Bearer ${api.readKey}` } })).json();
      const answers = [await ask(), await ask(), await ask(), await ask()];
      expect(answers.map((a) => a.upToDate)).toEqual([false, false, true, true]);
      const posts = await allPosts(`channel=${west.id}&from=2025-03-01&to=2025-04-01`);
      expect(answers[3].series[0].points[0].posts).toBe(posts.length);
      expect(answers[0].series[0].points[0].posts).toBeLessThan(posts.length);
    } finally {
      await limited.app.close();
      await limited.container.close();
    }
  });
});
