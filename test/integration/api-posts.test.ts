// GET /v1/posts and /v1/posts/:channelId/:messageId: filters, keyset
// pagination, search in three languages, CSV, and one post in full.
import { beforeAll, describe, expect, it } from 'vitest';
import { registerChannel } from '../../services/channels/store.ts';
import { saveClassifications } from '../../services/classification/store.ts';
import { postConditions } from '../../services/posts/query.ts';
import { searchTerms } from '../../services/posts/search.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost } from '../../services/posts/types.ts';
import { useTestApi } from '../helpers/api.ts';
import { seedCorpus, type Corpus } from '../helpers/corpus.ts';

const api = useTestApi();
let corpus: Corpus;
let searchChannel: number;

function post(messageId: number, text: string, postedAt: string): ChannelPost {
  return {
    messageId, postedAt: new Date(postedAt), text, entities: null, views: 10, forwards: null, replies: null,
    reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
  };
}

const SEARCH_TEXTS = [
  'Северокорейские солдаты попали в плен под Курском',
  'Полонених корейців передали СБУ, кажуть речники',
  'North Korean soldiers were captured near Kursk',
  'Про танки и погоду, ничего о войне',
  'Зсу захопили двох військових КНДР',
];

beforeAll(async () => {
  corpus = await seedCorpus(api.db);
  searchChannel = (await registerChannel(api.db, { username: 'search_texts', audience: 'monitor' })).channel.id;
  await api.db.transaction((tx) =>
    upsertPosts(tx, searchChannel, SEARCH_TEXTS.map((text, i) => post(i + 1, text, `2025-05-0${i + 1}T12:00:00Z`)), { source: 'web', seenAt: new Date() }),
  );
});

interface Page {
  items: Array<{ channelId: number; messageId: number; postedAt: string; text: string; onTopic: boolean | null; frames: Array<{ frame: string; score: number }>; channel: { username: string } }>;
  nextCursor: string | null;
}

describe('listing posts', () => {
  it('lists newest first with channel, link, metrics and the frames of on-topic posts', async () => {
    const page: Page = await api.get('/v1/posts?audience=ru&limit=20');
    expect(page.items).toHaveLength(20);
    const keys = page.items.map((p) => [p.postedAt, p.channelId, p.messageId] as const);
    const sorted = [...keys].sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? 1 : -1) : a[1] !== b[1] ? b[1] - a[1] : b[2] - a[2]));
    expect(keys).toEqual(sorted);
    const item = page.items[0]!;
    expect(item).toMatchObject({ channel: { audience: 'ru', title: expect.stringMatching(/^Title of/) }, url: expect.stringMatching(/^https:\/\/t\.me\/corpus_ru_/) });
    for (const p of page.items) if (p.onTopic !== true) expect(p.frames).toEqual([]);
    expect(page.items.some((p) => p.frames.length > 0)).toBe(true);
  });

  it('pages through every post exactly once, ties on posted_at included', async () => {
    // Five posts at one instant in two channels.
    const tieA = corpus.byName.corpus_west_one!.id;
    const tieB = corpus.byName.corpus_ua_one!.id;
    for (const [channel, ids] of [[tieA, [7001, 7002, 7003]], [tieB, [7001, 7002]]] as const) {
      await api.db.transaction((tx) => upsertPosts(tx, channel, ids.map((id) => post(id, `tie ${id}`, '2025-06-01T00:00:00Z')), { source: 'web', seenAt: new Date() }));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await api.get(`/v1/posts?from=2025-05-31&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((p) => `${p.channelId}/${p.messageId}`));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(seen.sort()).toEqual([`${tieA}/7001`, `${tieA}/7002`, `${tieA}/7003`, `${tieB}/7001`, `${tieB}/7002`].sort());
    expect(pages).toBe(3);

    const { rows } = await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
    const all: string[] = [];
    cursor = null;
    do {
      const page: Page = await api.get(`/v1/posts?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.items.map((p) => `${p.channelId}/${p.messageId}`));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(all).toHaveLength(rows[0]!.n);
    expect(new Set(all).size).toBe(all.length);
  });

  it('refuses a cursor with other filters, and a forged one', async () => {
    const page: Page = await api.get('/v1/posts?audience=ru&limit=5');
    const reused = await api.inject({ method: 'GET', url: `/v1/posts?audience=ua&limit=5&cursor=${page.nextCursor}` });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error).toMatchObject({ parameter: 'cursor', message: expect.stringMatching(/^cursor: was issued for other filters/) });
    const forged = await api.inject({ method: 'GET', url: '/v1/posts?cursor=eyJhIjoxfQ' });
    expect(forged.json().error.parameter).toBe('cursor');
  });

  it('filters by onTopic both ways, and by frame only among on-topic posts', async () => {
    const on: Page = await api.get('/v1/posts?onTopic=true&limit=1000');
    const off: Page = await api.get('/v1/posts?onTopic=false&limit=1000');
    const { rows } = await api.db.query<{ on: number; total: number }>('SELECT count(*) FILTER (WHERE on_topic)::int AS on, count(*)::int AS total FROM posts');
    expect(on.items).toHaveLength(rows[0]!.on);
    expect(on.items.length + off.items.length).toBe(rows[0]!.total);
    const framed: Page = await api.get('/v1/posts?frame=incompetence&limit=1000');
    expect(framed.items.length).toBeGreaterThan(0);
    expect(framed.items.every((p) => p.onTopic === true && p.frames.some((f) => f.frame === 'incompetence'))).toBe(true);
  });

  it('answers CSV with Accept: text/csv, texts quoted, the next cursor in a header', async () => {
    await api.db.transaction((tx) => upsertPosts(tx, searchChannel, [post(50, '=cmd, "quoted"\nsecond line', '2025-07-01T00:00:00Z')], { source: 'web', seenAt: new Date() }));
    const res = await api.inject({ method: 'GET', url: '/v1/posts?channel=search_texts&limit=2', headers: { accept: 'text/csv' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['x-next-cursor']).toMatch(/^[A-Za-z0-9_-]+$/);
    const [header, first] = res.body.split('\r\n');
    expect(header).toBe('channel_id,channel,audience,message_id,posted_at,url,views,forwards,on_topic,frames,deleted,edited_at,forwarded_from,text');
    expect(first).toBe(`${searchChannel},search_texts,monitor,50,2025-07-01T00:00:00.000Z,https://t.me/search_texts/50,10,,,,false,,,"'=cmd, ""quoted""\nsecond line"`);
  });
});

describe('search (q)', () => {
  async function found(q: string): Promise<string[]> {
    const page: Page = await api.get(`/v1/posts?channel=search_texts&q=${encodeURIComponent(q)}&limit=100`);
    return page.items.map((p) => p.text.split(' ').slice(0, 2).join(' ')).sort();
  }

  it('finds Russian words in other inflections', async () => {
    expect(await found('солдат')).toEqual(['Северокорейские солдаты']);
    expect(await found('северокорейских солдатами')).toEqual(['Северокорейские солдаты']);
    expect(await found('Курска')).toEqual(['Северокорейские солдаты']);
  });

  it('finds Ukrainian words in other inflections, which PostgreSQL has no stemmer for', async () => {
    expect(await found('полонені корейці')).toEqual(['Полонених корейців']);
    expect(await found('корейцями')).toEqual(['Полонених корейців']);
    expect(await found('військовим')).toEqual(['Зсу захопили']);
  });

  it('finds English words in other inflections, across scripts in one query', async () => {
    expect(await found('soldier capture')).toEqual(['North Korean']);
    expect(await found('korean')).toEqual(['North Korean']);
  });

  it('needs every word, and finds nothing for an absent one', async () => {
    expect(await found('солдаты танки')).toEqual([]);
    expect(await found('самолёт')).toEqual([]);
  });

  it('uses the full-text index (the query expression matches the index expression)', async () => {
    const params: unknown[] = [];
    const where = postConditions({ channelIds: null, audiences: null, frame: null, from: null, to: null, onTopic: null, search: searchTerms('корейців') }, params);
    const plan = await api.db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT 1 FROM posts p WHERE ${where.join(' AND ')}`, params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/posts_search_idx/);
  });
});

describe('one post', () => {
  it('shows edit versions, frames with evidence, and the classification', async () => {
    const ru = corpus.byName.corpus_ru_one!;
    const post = await api.get(`/v1/posts/${ru.id}/1`);
    expect(post.version).toBe(2);
    expect(post.text).toMatch(/\(обновлено\)$/);
    expect(post.versions).toEqual([{ version: 1, text: post.text.replace(' (обновлено)', ''), editedAt: null, supersededAt: '2025-04-03T00:00:00.000Z' }]);
    expect(post.editedAt).not.toBeNull();
    expect(post.frames).toEqual([{ frame: 'denial', score: expect.closeTo(0.93, 5), evidence: [{ start: 0, end: 8, text: 'Никаких ' }], classifierVersion: 'corpus-1' }]);
    expect(post.classification.classifierVersion).toBe('corpus-1');
    expect(post.deleted).toBe(false);
  });

  it('marks a deleted post and keeps its text', async () => {
    const ru = corpus.byName.corpus_ru_one!;
    const post = await api.get(`/v1/posts/${ru.id}/2`);
    expect(post).toMatchObject({ deleted: true, deletedAt: '2025-04-03T00:00:00.000Z' });
    expect(post.text.length).toBeGreaterThan(0);
  });

  it('names the origin of a forward, and the monitored channel when it is one', async () => {
    const two = corpus.byName.corpus_ru_two!;
    const post = await api.get(`/v1/posts/${two.id}/11`);
    expect(post.forwardedFrom).toEqual({ telegramId: corpus.byName.corpus_ru_one!.telegramId, messageId: 11, name: 'Title of corpus_ru_one', channelId: corpus.byName.corpus_ru_one!.id });
    const external = await api.get(`/v1/posts/${corpus.byName.corpus_ua_one!.id}/11`);
    expect(external.forwardedFrom).toEqual({ telegramId: 999_001, messageId: 11, name: 'External 1', channelId: null });
  });

  it('shows no frames while an edited post waits for re-classification', async () => {
    const channel = corpus.byName.corpus_monitor_one!.id;
    await api.db.transaction(async (tx) => {
      await upsertPosts(tx, channel, [post(8000, 'Korea text', '2025-03-01T00:00:00Z')], { source: 'web', seenAt: new Date() });
      await saveClassifications(tx, channel, 'corpus-1', [{ messageId: 8000, version: 1, lang: 'en', onTopic: true, frames: [{ frame: 'cannon_fodder', score: 1, evidence: [] }] }], new Date());
      await upsertPosts(tx, channel, [post(8000, 'Korea text, edited', '2025-03-01T00:00:00Z')], { source: 'web', seenAt: new Date() });
    });
    const edited = await api.get(`/v1/posts/${channel}/8000`);
    expect(edited).toMatchObject({ onTopic: null, frames: [], version: 2 });
  });

  it('is a 404 when unknown', async () => {
    const res = await api.inject({ method: 'GET', url: `/v1/posts/${corpus.byName.corpus_ru_one!.id}/999999` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/^post \d+\/999999 not found$/) } });
  });
});
