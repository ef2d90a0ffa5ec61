// GET /v1/events and GET /v1/graph/forwards over a constructed history:
// a frame spike, frames first seen, a channel falling silent, forwards.
import { beforeAll, describe, expect, it } from 'vitest';
import { registerChannel } from '../../services/channels/store.ts';
import { saveClassifications } from '../../services/classification/store.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost, ForwardedFrom } from '../../services/posts/types.ts';
import { addDays } from '../../services/trends/days.ts';
import { refreshAllRollups } from '../../services/trends/rollups.ts';
import { useTestApi } from '../helpers/api.ts';

const api = useTestApi();
const W0 = '2025-01-06'; // a Monday; weeks 0..10 end on 2025-03-23
const ids: Record<string, number> = {};

interface Spec {
  day: string;
  onTopic: boolean;
  frames?: string[];
  forwardedFrom?: ForwardedFrom;
}

async function write(channel: string, specs: Spec[]): Promise<void> {
  const id = ids[channel]!;
  const posts: ChannelPost[] = specs.map((s, i) => ({
    messageId: i + 1, postedAt: new Date(`${s.day}T${String(8 + (i % 12)).padStart(2, '0')}:00:00Z`), text: s.onTopic ? 'Korea' : 'weather',
    entities: null, views: 100, forwards: null, replies: null, reactions: null, editedAt: null,
    forwardedFrom: s.forwardedFrom ?? null, mediaKind: null, groupedId: null,
  }));
  await api.db.transaction(async (tx) => {
    await upsertPosts(tx, id, posts, { source: 'mtproto', seenAt: new Date() });
    await saveClassifications(tx, id, 'test', specs.map((s, i) => ({
      messageId: i + 1, version: 1, lang: 'ru', onTopic: s.onTopic, frames: (s.frames ?? []).map((frame) => ({ frame, score: 1, evidence: [] })),
    })), new Date());
  });
}

const week = (w: number, d = 0) => addDays(W0, 7 * w + d);

beforeAll(async () => {
  for (const [name, audience] of [['events_ru', 'ru'], ['events_ua', 'ua'], ['events_new', 'ua']] as const) {
    ids[name] = (await registerChannel(api.db, { username: name, audience })).channel.id;
    await api.db.query('UPDATE channels SET telegram_id = $2 WHERE id = $1', [ids[name], 1_800_000_000 + ids[name]!]);
  }
  // events_ru: 10 on-topic posts a week; 1 denial a week, then 6 in week 10; kidnapping from week 8 (2 a week).
  const ru: Spec[] = [];
  for (let w = 0; w <= 10; w++) {
    const denial = w === 10 ? 6 : 1;
    const kidnapping = w >= 8 ? 2 : 0;
    for (let i = 0; i < 10; i++) {
      ru.push({ day: week(w, i % 5), onTopic: true, frames: [...(i < denial ? ['denial'] : []), ...(i >= 8 && i - 8 < kidnapping ? ['kidnapping'] : [])] });
    }
  }
  // Forwards into events_ru: 3 from events_ua by id (one with denial, before the spike's baseline weeks),
  // 1 by web-preview @name, 2 from an outside channel.
  const uaTelegramId = 1_800_000_000 + ids.events_ua!;
  ru.push({ day: week(1), onTopic: true, frames: ['denial'], forwardedFrom: { telegramId: uaTelegramId, messageId: 5, name: 'Events UA' } });
  ru.push({ day: week(3), onTopic: false, forwardedFrom: { telegramId: uaTelegramId, messageId: 6, name: 'Events UA' } });
  ru.push({ day: week(4), onTopic: false, forwardedFrom: { telegramId: uaTelegramId, messageId: 7, name: 'Events UA' } });
  ru.push({ day: week(4), onTopic: false, forwardedFrom: { telegramId: null, messageId: null, name: '@events_ua' } });
  ru.push({ day: week(5), onTopic: false, forwardedFrom: { telegramId: 555, messageId: 1, name: 'Outside' } });
  ru.push({ day: week(6), onTopic: false, forwardedFrom: { telegramId: 555, messageId: 2, name: 'Outside' } });
  await write('events_ru', ru);
  // events_ua: on topic every week up to week 8 (no kidnapping), then only off-topic posts.
  const ua: Spec[] = [];
  for (let w = 0; w <= 10; w++) {
    for (let i = 0; i < 7; i++) ua.push(w <= 8 ? { day: week(w, i), onTopic: true } : { day: week(w, i % 3), onTopic: false });
  }
  await write('events_ua', ua);
  // events_new: appears in week 9, kidnapping from its first post; forwards one post of events_ru.
  const fresh: Spec[] = [];
  for (let w = 9; w <= 10; w++) for (let i = 0; i < 5; i++) fresh.push({ day: week(w, i), onTopic: true, frames: ['kidnapping'] });
  fresh.push({ day: week(10, 2), onTopic: false, forwardedFrom: { telegramId: 1_800_000_000 + ids.events_ru!, messageId: 1, name: 'Events RU' } });
  await write('events_new', fresh);
  // Eleven weeks written at once: more stale audience days than one request recomputes.
  await refreshAllRollups(api.db);
});

interface ApiEvent {
  type: string;
  at: string;
  scope: string;
  audience: string | null;
  channel: { id: number; label: string } | null;
  frame: string | null;
  details: Record<string, unknown>;
}

describe('events', () => {
  const window = `from=${week(8)}&to=${week(11)}`;

  it('finds the spike, the first appearances and the silent channel', async () => {
    const { events, upToDate } = (await api.get(`/v1/events?${window}`)) as { events: ApiEvent[]; upToDate: boolean };
    expect(upToDate).toBe(true);
    const brief = events.map((e) => `${e.type} ${e.at} ${e.scope}:${e.channel?.label ?? e.audience ?? ''} ${e.frame ?? ''}`.trim());
    expect(brief).toEqual(expect.arrayContaining([
      `frame.spike ${week(10)} audience:ru denial`,
      `frame.spike ${week(10)} all: denial`,
      `frame.first_seen ${week(8, 3)} channel:@events_ru kidnapping`,
      `frame.first_seen ${week(8, 3)} audience:ru kidnapping`,
      `frame.first_seen ${week(9)} audience:ua kidnapping`,
      `frame.spike ${week(9)} audience:ua kidnapping`,
      `channel.silent ${week(8, 7)} channel:@events_ua`,
    ]));
    // A channel whose first on-topic post already carries the frame: no first-seen for it.
    expect(brief.filter((b) => b.includes('@events_new'))).toEqual([]);
    // Newest first.
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort().reverse());
    const spike = events.find((e) => e.type === 'frame.spike' && e.audience === 'ru')!;
    expect(spike.details).toMatchObject({ share: 0.6, posts: 6, onTopic: 10, baselineMean: expect.closeTo(0.1, 10) });
    const silent = events.find((e) => e.type === 'channel.silent')!;
    expect(silent.details).toMatchObject({ lastOnTopic: week(8, 6), activeWeeks: 8, stillPosting: true, windowStart: week(9) });
  });

  it('filters by type, frame and audience', async () => {
    const spikes = (await api.get(`/v1/events?${window}&type=frame.spike&frame=denial`)) as { events: ApiEvent[] };
    expect(spikes.events.map((e) => `${e.scope}:${e.audience ?? ''}`).sort()).toEqual(['all:', 'audience:ru']);
    const ua = (await api.get(`/v1/events?${window}&audience=ua&type=frame.first_seen,channel.silent`)) as { events: ApiEvent[] };
    expect(ua.events.map((e) => `${e.type} ${e.scope}`).sort()).toEqual(['channel.silent channel', 'frame.first_seen audience']);
  });

  it('judges spikes per channel when channels are given, and respects k and minPosts', async () => {
    const perChannel = (await api.get(`/v1/events?${window}&type=frame.spike&channel=events_ru`)) as { events: ApiEvent[] };
    expect(perChannel.events.map((e) => `${e.at} ${e.channel?.label} ${e.frame}`)).toEqual([`${week(10)} @events_ru denial`]);
    // The baseline's sd (0) is floored at 0.02: the threshold is 0.1 + k x 0.02.
    expect(perChannel.events[0]!.details.threshold).toBeCloseTo(0.16, 10);
    const k10 = (await api.get(`/v1/events?${window}&type=frame.spike&channel=events_ru&k=10`)) as { events: ApiEvent[] };
    expect(k10.events.map((e) => e.details.threshold)).toEqual([expect.closeTo(0.3, 10)]);
    const fewPosts = (await api.get(`/v1/events?${window}&type=frame.spike&channel=events_ru&minPosts=7`)) as { events: ApiEvent[] };
    expect(fewPosts.events).toEqual([]);
  });

  it('has nothing to say about a quiet window', async () => {
    const quiet = (await api.get(`/v1/events?from=${week(3)}&to=${week(5)}&type=frame.spike,frame.first_seen`)) as { events: ApiEvent[] };
    expect(quiet.events).toEqual([]);
  });
});

describe('forwarding graph', () => {
  it('links origins to the channels that forward them, monitored origins by id or @name, outside ones by Telegram id', async () => {
    const graph = await api.get('/v1/graph/forwards');
    const edges = graph.edges.map((e: { from: string; to: string; posts: number }) => `${e.from} -> ${e.to} ${e.posts}`);
    expect(edges).toEqual([
      `channel:${ids.events_ua} -> channel:${ids.events_ru} 4`,
      `telegram:555 -> channel:${ids.events_ru} 2`,
      `channel:${ids.events_ru} -> channel:${ids.events_new} 1`,
    ]);
    expect(graph.nodes).toContainEqual({ id: 'telegram:555', monitored: false, channelId: null, telegramId: 555, username: null, name: 'Outside', audience: null });
    expect(graph.nodes).toContainEqual(expect.objectContaining({ id: `channel:${ids.events_ua}`, monitored: true, username: 'events_ua', audience: 'ua' }));
  });

  it('narrows to a frame, a time range, an audience, or heavy edges', async () => {
    const denial = await api.get('/v1/graph/forwards?frame=denial');
    expect(denial.edges.map((e: { from: string; posts: number }) => [e.from, e.posts])).toEqual([[`channel:${ids.events_ua}`, 1]]);
    const later = await api.get(`/v1/graph/forwards?from=${week(5)}`);
    expect(later.edges.map((e: { from: string }) => e.from)).toEqual(['telegram:555', `channel:${ids.events_ru}`]);
    const ua = await api.get('/v1/graph/forwards?audience=ua');
    expect(ua.edges).toHaveLength(1);
    const heavy = await api.get('/v1/graph/forwards?minPosts=3');
    expect(heavy.edges).toHaveLength(1);
  });
});
