// Requests per new post, measured on the real collector and the real MTProto
// and web-preview sources (their network edges faked: a gramjs-shaped client
// answering Api objects, a fetcher serving rendered t.me/s pages), over one
// simulated day of the production schedule: poll every 5 minutes, subscriber
// snapshot hourly, refresh of the last 48 hours every 30 minutes. From those
// counts and the pacing model (docs/collection.md) it derives how many
// channels one MTProto account (or one web-preview IP) can poll every 5 minutes.
//
// Run with `npm run bench -- collection` (options: --days=N).
import { ensureTemplate, createTestDatabase } from '../helpers/pg.ts';
import { loadConfig } from '../../config/env.ts';
import { registerChannel } from '../../services/channels/store.ts';
import { createCollector } from '../../services/collection/collector.ts';
import type { ChannelSource } from '../../services/collection/source.ts';
import { createPacer, type Clock } from '../../services/pacing/pacer.ts';
import { accountKey } from '../../services/telegram/accounts.ts';
import { createMtprotoSource } from '../../services/telegram/source.ts';
import type { HttpFetcher } from '../../services/web-preview/http.ts';
import { createWebPreviewSource } from '../../services/web-preview/source.ts';
import { apiMessage, FakeMtprotoClient } from '../fakes/fake-mtproto.ts';
import { renderChannelPage, renderPreviewPage, textPost, type FakeChannel } from '../../services/samples/tme-pages.ts';

import type { BenchContext, Benchmark, BenchResult, Metric } from './harness.ts';

const MINUTE = 60_000;
const POLL_MS = 5 * MINUTE;
const SNAPSHOT_MS = 60 * MINUTE;
const REFRESH_MS = 30 * MINUTE;
const WINDOW_MS = 48 * 60 * MINUTE;
/** Posts per day of typical channels: a quiet one, a typical one, a busy "voenkor", a firehose. */
const RATES = [5, 20, 60, 150];
/** The pacing model's sustained rates (config defaults): per MTProto account, per web-preview IP. */
const MTPROTO_PER_SECOND = 1;
const WEB_PER_SECOND = 0.5;

function simClock(start: number): Clock & { t: number } {
  return {
    t: start,
    now() {
      return this.t;
    },
    async sleep(ms) {
      this.t += ms; // the pacer's waits pass in simulated time
    },
  };
}

interface World {
  source: ChannelSource;
  requests: () => number;
  addPost: (id: number, at: Date) => void;
}

function mtprotoWorld(clock: Clock, channelNo: number): World {
  const client = new FakeMtprotoClient(1_900_000_000 + channelNo);
  const account = { key: accountKey(`bench-${channelNo}`), client, pacer: createPacer({ perSecond: 1_000, burst: 1_000 }, clock) };
  return {
    source: createMtprotoSource({ accounts: [account], resolvePacer: createPacer({ perSecond: 1_000, burst: 1_000 }, clock), clock }),
    requests: () => client.calls.length,
    addPost: (id, at) => client.messages.set(id, apiMessage(id, { date: Math.floor(at.getTime() / 1000) })),
  };
}

function webWorld(clock: Clock, channelNo: number): World {
  const channel: FakeChannel = { username: `bench_channel_${channelNo}`, title: 'Bench', about: '', subscribers: 54_321, posts: [] };
  let requests = 0;
  const fetcher: HttpFetcher = {
    async get(url) {
      requests++;
      const u = new URL(url);
      const body = u.pathname.startsWith('/s/')
        ? renderPreviewPage(channel, u.searchParams.get('before') ? Number(u.searchParams.get('before')) : null)
        : renderChannelPage(channel);
      return { status: 200, body, header: () => null };
    },
  };
  return {
    source: createWebPreviewSource({ baseUrl: 'https://t.me', fetcher, pacer: createPacer({ perSecond: 1_000, burst: 1_000 }, clock), clock }),
    requests: () => requests,
    addPost: (id, at) => channel.posts.push(textPost(id, at)),
  };
}

interface Measured {
  newPosts: number;
  requests: { poll: number; snapshot: number; refresh: number };
}

export async function simulateChannel(
  db: Parameters<typeof createCollector>[0]['db'],
  kind: 'mtproto' | 'web',
  postsPerDay: number,
  days: number,
  channelNo: number,
): Promise<Measured> {
  const start = Date.parse('2025-01-06T00:00:00Z');
  const clock = simClock(start);
  const world = kind === 'mtproto' ? mtprotoWorld(clock, channelNo) : webWorld(clock, channelNo);
  const { channel } = await registerChannel(db, { username: `bench_channel_${channelNo}`, audience: 'ru' });
  const collector = createCollector({ db, source: world.source, now: () => new Date(clock.t) });
  const full = { maxPages: Infinity, defaultBackfillSince: null };

  // Two days of history, collected first and not counted: the day measured is steady state.
  const gap = (24 * 60 * MINUTE) / postsPerDay;
  let nextId = 1;
  for (let at = start - 2 * 24 * 60 * MINUTE; at < start; at += gap) world.addPost(nextId++, new Date(at));
  await collector.poll(channel.id, full);

  const requests = { poll: 0, snapshot: 0, refresh: 0 };
  let newPosts = 0;
  let nextPostAt = start;
  const measure = async (what: keyof typeof requests, fn: () => Promise<unknown>) => {
    const before = world.requests();
    await fn();
    requests[what] += world.requests() - before;
  };
  for (let tick = 1; tick * POLL_MS <= days * 24 * 60 * MINUTE; tick++) {
    clock.t = start + tick * POLL_MS;
    while (nextPostAt <= clock.t) {
      world.addPost(nextId++, new Date(nextPostAt));
      newPosts++;
      nextPostAt += gap;
    }
    await measure('poll', () => collector.poll(channel.id, full));
    if ((tick * POLL_MS) % SNAPSHOT_MS === 0) await measure('snapshot', () => collector.snapshot(channel.id));
    if ((tick * POLL_MS) % REFRESH_MS === 0) await measure('refresh', () => collector.refresh(channel.id, WINDOW_MS));
  }
  return { newPosts, requests };
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const days = Number(ctx.options.days ?? 1);
  const defaults = loadConfig({}).collection;
  if (defaults.pollEveryMs !== POLL_MS || defaults.snapshotEveryMs !== SNAPSHOT_MS || defaults.refreshEveryMs !== REFRESH_MS || defaults.refreshWindowMs !== WINDOW_MS) {
    throw new Error('the benchmark models the default schedule; update it together with config/env.ts');
  }
  await ensureTemplate();
  const test = await createTestDatabase();
  const metrics: Metric[] = [];
  let channelNo = 0;
  try {
    for (const kind of ['mtproto', 'web'] as const) {
      for (const rate of RATES) {
        const m = await simulateChannel(test.db, kind, rate, days, ++channelNo);
        const total = m.requests.poll + m.requests.snapshot + m.requests.refresh;
        const per5min = total / (days * 288);
        const budget = (kind === 'mtproto' ? MTPROTO_PER_SECOND : WEB_PER_SECOND) * 300;
        const key = `${kind}, ${rate} posts/day`;
        metrics.push(
          { name: `${key}: requests per new post`, value: Number((total / m.newPosts).toFixed(2)), unit: 'requests' },
          { name: `${key}: requests per 5 min`, value: Number(per5min.toFixed(3)), unit: 'requests' },
          { name: `${key}: channels polled every 5 min`, value: Math.floor(budget / per5min), unit: kind === 'mtproto' ? 'per account' : 'per IP' },
        );
        ctx.log(
          `${kind.padEnd(7)} ${String(rate).padStart(3)} posts/day: ${m.newPosts} new posts, requests poll ${m.requests.poll} + snapshot ${m.requests.snapshot} + refresh ${m.requests.refresh} = ${total}` +
            ` → ${(total / m.newPosts).toFixed(2)} per new post, ${per5min.toFixed(3)} per 5 min → ${Math.floor(budget / per5min)} channels per ${kind === 'mtproto' ? 'account' : 'IP'}`,
        );
      }
    }
  } finally {
    await test.drop();
  }
  return {
    metrics,
    notes: [`${days} simulated day(s); pacing model ${MTPROTO_PER_SECOND} request/s per MTProto account, ${WEB_PER_SECOND} request/s per web-preview IP (docs/collection.md)`],
  };
}

const bench: Benchmark = {
  name: 'collection',
  description: 'requests per new post and channels per account, on the real collector and sources over a simulated day (--days=N)',
  run,
};
export default bench;
