// The analyst API at scale: 10M synthetic posts over 2,000 channels (options
// --posts=N --channels=N; --seconds=N for the load phase). Runs `framewatch
// api` as its own process, as deployed, and measures over HTTP:
// - p50/p95 of a year of weekly trends by audience (share of each frame,
//   unweighted and reach-weighted, and post counts) and of the audience
//   comparison over a year;
// - the same answers computed straight from posts, their time, and that
//   they are equal (direct_* and *_speedup);
// - requests per second under autocannon.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { FRAME_IDS } from '../../config/taxonomy.ts';
import { createDb } from '../../services/db/db.ts';
import { createApiKey } from '../../services/keys/store.ts';
import { compareAudiences, type AudienceTotals } from '../../services/trends/divergence.ts';
import { buildSeries, bucketsToRead, type TrendSpec } from '../../services/trends/series.ts';
import { BIN } from '../helpers/cli.ts';
import { directCells } from '../helpers/direct-trends.ts';
import { ensureBenchDatabase } from './generate-posts.ts';

// The runner's contract, declared here rather than imported: this module
// serves both the flat-result runner (named exports `name`, `run`) and the
// metrics runner (a default export { name, description, run } returning
// { metrics }) that other branches bring.
interface BenchContext {
  options: Record<string, string>;
  log(line: string): void;
}
type BenchResult = Record<string, number | string | boolean>;

export const name = 'api';
export const description = 'analyst API on 10M synthetic posts: trend and comparison latency, vs. straight from posts, throughput';

const START = '2024-10-01';
const END = '2025-10-01'; // exclusive: 365 days
const YEAR = `from=${START}&to=${END}`;

function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)]!;
}

async function startApi(databaseUrl: string): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(process.execPath, [BIN, 'api'], {
    env: {
      PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: '0',
      // Request logs stay on (info), written to /dev/null; the rate limit is out of the way.
      LOG_LEVEL: 'info', API_RATE_LIMIT: '1000000000',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`framewatch api exited ${code}`)));
  });
  return { child, address };
}

/** Sequential requests, round-robin over `paths`; milliseconds each, sorted. */
async function latencies(base: string, key: string, paths: string[], count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}${paths[i % paths.length]}`, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${paths[i % paths.length]} answered ${res.status}`);
  }
  return times.sort((a, b) => a - b);
}

async function timed<T>(fn: () => Promise<T>, runs: number): Promise<{ value: T; medianMs: number }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { value, medianMs: times[Math.floor(times.length / 2)]! };
}

function sameNumbers(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)) ===
    JSON.stringify(b, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v));
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const posts = Number(ctx.options.posts ?? 10_000_000);
  const channels = Number(ctx.options.channels ?? 2000);
  const loadSeconds = Number(ctx.options.seconds ?? 10);
  const generated = await ensureBenchDatabase({ posts, channels, start: START, days: 365, log: ctx.log });
  const db = createDb(generated.url, { max: 2 });
  const { child, address } = await startApi(generated.url);
  try {
    const key = (await createApiKey(db, { name: 'bench', scope: 'read' })).key;
    const sizes = await db.query<{ posts: string; rollups: number; audience_rollups: number }>(
      `SELECT pg_size_pretty(pg_total_relation_size('posts')) AS posts,
              (SELECT count(*) FROM daily_rollups)::bigint AS rollups, (SELECT count(*) FROM audience_rollups)::bigint AS audience_rollups`,
    );

    const trendPaths = [
      ...FRAME_IDS.map((f) => `/v1/trends?bucket=week&groupBy=audience&metric=share&frame=${f}&${YEAR}`),
      `/v1/trends?bucket=week&groupBy=audience&metric=share&frame=kidnapping&weight=subscribers&${YEAR}`,
      `/v1/trends?bucket=week&groupBy=audience&metric=share&frame=denial&weight=views&${YEAR}`,
      `/v1/trends?bucket=week&groupBy=audience&metric=posts&onTopic=true&${YEAR}`,
    ];
    const comparePaths = [`/v1/audiences/compare?${YEAR}`, `/v1/audiences/compare?${YEAR}&weight=subscribers`];
    ctx.log('warming up');
    await latencies(address, key, [...trendPaths, ...comparePaths], 40);

    ctx.log('latency: sequential requests');
    const trendTimes = await latencies(address, key, trendPaths, 500);
    const compareTimes = await latencies(address, key, comparePaths, 200);

    ctx.log('the same answers straight from posts');
    const spec: TrendSpec = { bucket: 'week', metric: 'share', weight: 'none', groupBy: 'audience', frame: 'kidnapping', onTopic: false, from: START, to: END };
    const viaApi = (await (await fetch(`${address}/v1/trends?bucket=week&groupBy=audience&metric=share&frame=kidnapping&${YEAR}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { series: unknown };
    const direct = await timed(async () => {
      const cells = await directCells(db, {
        bucket: 'week', from: START, to: END, buckets: bucketsToRead(spec, FRAME_IDS), audiences: null, channelIds: null, groupBy: 'audience', withReach: false,
      });
      return buildSeries(cells, spec, ['ua', 'ru', 'west', 'monitor'].map((k) => ({ key: k })), FRAME_IDS);
    }, 3);
    const compareViaApi = (await (await fetch(`${address}/v1/audiences/compare?${YEAR}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { audiences: unknown; pairs: unknown };
    const directCompare = await timed(async () => {
      const cells = await directCells(db, {
        bucket: 'month', from: START, to: END, buckets: ['_all', '_on_topic', ...FRAME_IDS], audiences: null, channelIds: null, groupBy: 'audience', withReach: false,
      });
      const totals = new Map<string, AudienceTotals>(['ua', 'ru', 'west', 'monitor'].map((a) => [a, { audience: a, all: { posts: 0, views: 0, reach: 0 }, onTopic: { posts: 0, views: 0, reach: 0 }, frames: {} }]));
      for (const c of cells) {
        const t = totals.get(c.group)!;
        const w = c.bucket === '_all' ? t.all : c.bucket === '_on_topic' ? t.onTopic : (t.frames[c.bucket] ??= { posts: 0, views: 0, reach: 0 });
        w.posts += c.posts;
        w.views += c.views;
      }
      return compareAudiences([...totals.values()], FRAME_IDS, 'none');
    }, 3);

    ctx.log('other routes (p50 of 20)');
    const month = 'from=2025-01-01&to=2025-02-01';
    const other: Record<string, string> = {
      channel_trend: `/v1/trends?bucket=week&channel=bench_00042&metric=share&frame=denial&${YEAR}`,
      top_channels_trend: `/v1/trends?bucket=month&groupBy=channel&audience=ru&frame=kidnapping&limit=20&${YEAR}`,
      posts_page: '/v1/posts?audience=ru&frame=kidnapping&limit=50',
      posts_search: `/v1/posts?q=${encodeURIComponent('полонених корейців')}&limit=50`,
      events: `/v1/events?from=2025-01-06&to=2025-02-03`,
      forwards_month: `/v1/graph/forwards?${month}&limit=200`,
    };
    const otherP50: Record<string, number> = {};
    for (const [label, path] of Object.entries(other)) {
      otherP50[`${label}_p50_ms`] = percentile(await latencies(address, key, [path], 20), 50);
    }

    // A collector's writes leave recent (channel, day) pairs stale; the next
    // trends request recomputes them before answering (API_ROLLUP_REFRESH_LIMIT, default 500).
    await db.query(`INSERT INTO rollup_dirty (channel_id, day) SELECT id, '2025-09-30' FROM channels WHERE id <= 500`);
    const refreshTimes = await latencies(address, key, [trendPaths[0]!], 1);

    ctx.log(`load: autocannon, ${loadSeconds} s each, 16 connections`);
    const headers = { authorization: `Bearer ${key}` };
    const trendLoad = await autocannon({ url: address, connections: 16, duration: loadSeconds, headers, requests: trendPaths.map((path) => ({ path })) });
    const compareLoad = await autocannon({ url: address, connections: 16, duration: loadSeconds, headers, requests: comparePaths.map((path) => ({ path })) });

    const trendsP50 = percentile(trendTimes, 50);
    const compareP50 = percentile(compareTimes, 50);
    return {
      posts: generated.posts,
      channels: generated.channels,
      database_reused: generated.reused,
      generator_seconds: Math.round(generated.seconds),
      posts_table: sizes.rows[0]!.posts,
      daily_rollup_rows: sizes.rows[0]!.rollups,
      audience_rollup_rows: sizes.rows[0]!.audience_rollups,
      trends_p50_ms: trendsP50,
      trends_p95_ms: percentile(trendTimes, 95),
      compare_p50_ms: compareP50,
      compare_p95_ms: percentile(compareTimes, 95),
      direct_trends_ms: direct.medianMs,
      direct_trends_equal: sameNumbers(viaApi.series, direct.value),
      trends_speedup: Math.round(direct.medianMs / trendsP50),
      direct_compare_ms: directCompare.medianMs,
      direct_compare_equal: sameNumbers({ audiences: compareViaApi.audiences, pairs: compareViaApi.pairs }, directCompare.value),
      compare_speedup: Math.round(directCompare.medianMs / compareP50),
      ...otherP50,
      trends_after_500_stale_pairs_ms: refreshTimes[0]!,
      trends_requests_per_s: trendLoad.requests.average,
      trends_load_p50_ms: trendLoad.latency.p50,
      trends_load_p99_ms: trendLoad.latency.p99,
      compare_requests_per_s: compareLoad.requests.average,
      compare_load_p99_ms: compareLoad.latency.p99,
      load_errors: trendLoad.errors + trendLoad.non2xx + compareLoad.errors + compareLoad.non2xx,
    };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    await db.close();
  }
}

const UNITS: Array<[RegExp, string]> = [[/_ms$/, 'ms'], [/_per_s$/, 'req/s'], [/_seconds$/, 's'], [/_speedup$/, 'x'], [/_rows$|^posts$|^channels$|_errors$/, '']];

/** The same run as a list of metrics, with the target: a year of weekly trends by audience, p95 < 50 ms. */
export default {
  name,
  description,
  async run(ctx: BenchContext) {
    const flat = await run(ctx);
    const metrics = Object.entries(flat)
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
      .map(([metric, value]) => ({
        name: metric,
        value,
        unit: UNITS.find(([re]) => re.test(metric))?.[1] ?? '',
        ...(metric === 'trends_p95_ms' ? { target: { max: 50 } } : {}),
      }));
    const notes = Object.entries(flat).filter(([, v]) => typeof v !== 'number').map(([k, v]) => `${k}: ${v}`);
    return { metrics, notes };
  },
};
