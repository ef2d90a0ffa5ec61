// A small, realistic, reproducible corpus for API tests: channels in every
// audience (and one without), a quarter of posts with views (some unknown),
// on-topic posts tagged with audience-typical frames and evidence, subscriber
// snapshots, forwards, an edited and a deleted post. Written through the real
// stores (upsertPosts, saveClassifications), like the pipeline does.
import { recordChannelSnapshot, registerChannel } from '../../services/channels/store.ts';
import type { Audience } from '../../services/channels/types.ts';
import { saveClassifications } from '../../services/classification/store.ts';
import type { Db } from '../../services/db/db.ts';
import { markDeleted, upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost } from '../../services/posts/types.ts';

export const CORPUS_FROM = '2025-01-01';
export const CORPUS_TO = '2025-04-01';

export interface CorpusChannel {
  id: number;
  username: string;
  audience: Audience | null;
  telegramId: number;
}

export interface Corpus {
  channels: CorpusChannel[];
  byName: Record<string, CorpusChannel>;
  posts: number;
}

const FRAME_ODDS: Record<string, Record<string, number>> = {
  ru: { denial: 0.35, western_pretext: 0.3, berserker_praise: 0.3, kidnapping: 0.25, alliance_legitimation: 0.2 },
  ua: { denial: 0.3, western_pretext: 0.35, cannon_fodder: 0.2 },
  west: { western_pretext: 0.4, alliance_legitimation: 0.35, denial: 0.15 },
  monitor: { cannon_fodder: 0.4, incompetence: 0.35 },
  none: { denial: 0.2, incompetence: 0.2 },
};

const TOPIC_TEXTS = [
  'Никаких северокорейских солдат под Курском нет, это фейк',
  'Північнокорейські військові не вміють воювати з дронами, кажуть полонені',
  'North Korean soldiers stormed the village, fearless fighters',
  'Корейцы взяли посёлок за два часа, настоящие берсерки',
  'Корейців відправили на смерть як гарматне мʼясо',
  'Kyiv kidnapped the Korean soldiers for a staged show',
  'Договор о стратегическом партнёрстве: Россия не одна',
];
const OFF_TOPIC_TEXTS = ['Погода в Москве', 'Курс гривні сьогодні', 'Korean carrots recipe', 'Новини спорту', 'Market update'];

export async function seedCorpus(db: Db, seed = 20250101): Promise<Corpus> {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const specs: Array<[string, Audience | null, number]> = [
    ['corpus_ru_one', 'ru', 40], ['corpus_ru_two', 'ru', 25], ['corpus_ua_one', 'ua', 30],
    ['corpus_west_one', 'west', 20], ['corpus_monitor_one', 'monitor', 30], ['corpus_unassigned', null, 15],
  ];
  const channels: CorpusChannel[] = [];
  for (const [i, [username, audience]] of specs.entries()) {
    const { channel } = await registerChannel(db, { username, audience: audience ?? 'ru' });
    const telegramId = 1_700_000_000 + i;
    await db.query('UPDATE channels SET audience = $2, telegram_id = $3, title = $4 WHERE id = $1', [channel.id, audience, telegramId, `Title of ${username}`]);
    channels.push({ id: channel.id, username, audience, telegramId });
  }
  const from = Date.parse(`${CORPUS_FROM}T00:00:00Z`);
  const span = Date.parse(`${CORPUS_TO}T00:00:00Z`) - from;
  let total = 0;
  for (const [ci, c] of channels.entries()) {
    // Weekly subscriber snapshots, growing; the last channel has none (weight 0).
    if (ci < channels.length - 1) {
      for (let w = 0; w <= 13; w++) {
        await recordChannelSnapshot(db, c.id, {
          telegramId: null, username: null, title: '', about: null,
          subscribers: 10_000 * (ci + 1) + w * 500 * (ci + 1), subscribersExact: true,
          observedAt: new Date(from + w * 7 * 86_400_000 + 3_600_000 * (ci + 1)),
        }, 'manual');
      }
    }
    const perWeek = specs[ci]![2];
    const count = Math.round((perWeek * span) / (7 * 86_400_000) / 4);
    const posts: ChannelPost[] = [];
    for (let m = 1; m <= count; m++) {
      // Some posts right at midnight UTC, to test day boundaries.
      const at = m % 17 === 0 ? from + Math.floor(rand() * 90) * 86_400_000 : from + Math.floor(rand() * span);
      const onTopic = rand() < 0.6;
      const text = onTopic ? TOPIC_TEXTS[Math.floor(rand() * TOPIC_TEXTS.length)]! : OFF_TOPIC_TEXTS[Math.floor(rand() * OFF_TOPIC_TEXTS.length)]!;
      const fwd = m % 11 === 0 ? (ci === 1 ? { telegramId: channels[0]!.telegramId, messageId: m, name: 'Title of corpus_ru_one' } : { telegramId: 999_000 + (m % 2), messageId: m, name: `External ${m % 2}` }) : null;
      posts.push({
        messageId: m, postedAt: new Date(at), text: `${text} #${m}`, entities: null,
        views: rand() < 0.15 ? null : Math.floor(rand() * 5000), forwards: Math.floor(rand() * 50), replies: null,
        reactions: null, editedAt: null, forwardedFrom: fwd, mediaKind: null, groupedId: null,
      });
    }
    await db.transaction(async (tx) => {
      await upsertPosts(tx, c.id, posts, { source: 'mtproto', seenAt: new Date('2025-04-02T00:00:00Z') });
      const odds = FRAME_ODDS[c.audience ?? 'none']!;
      await saveClassifications(tx, c.id, 'corpus-1', posts.map((p) => {
        const onTopic = TOPIC_TEXTS.some((t) => p.text.startsWith(t));
        const frames = onTopic ? Object.entries(odds).filter(([, o]) => rand() < o).map(([frame]) => ({
          frame, score: Math.round((0.5 + rand() / 2) * 100) / 100, evidence: [{ start: 0, end: 10, text: p.text.slice(0, 10) }],
        })) : [];
        return { messageId: p.messageId, version: 1, lang: /[a-z]/i.test(p.text[0]!) ? 'en' : 'ru', onTopic, frames };
      }), new Date('2025-04-02T00:00:00Z'));
    });
    total += posts.length;
  }
  // The first channel's post 1 was edited once (and re-tagged); its post 2 was deleted.
  const first = channels[0]!;
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ posted_at: Date; text: string; views: number | null }>('SELECT posted_at, text, views FROM posts WHERE channel_id = $1 AND message_id = 1', [first.id]);
    await upsertPosts(tx, first.id, [{
      messageId: 1, postedAt: rows[0]!.posted_at, text: `${rows[0]!.text} (обновлено)`, entities: null, views: rows[0]!.views, forwards: null,
      replies: null, reactions: null, editedAt: new Date(rows[0]!.posted_at.getTime() + 600_000), forwardedFrom: null, mediaKind: null, groupedId: null,
    }], { source: 'mtproto', seenAt: new Date('2025-04-03T00:00:00Z') });
    await saveClassifications(tx, first.id, 'corpus-1', [{
      messageId: 1, version: 2, lang: 'ru', onTopic: true, frames: [{ frame: 'denial', score: 0.93, evidence: [{ start: 0, end: 8, text: 'Никаких ' }] }],
    }], new Date('2025-04-03T00:00:00Z'));
    await markDeleted(tx, first.id, [2], new Date('2025-04-03T00:00:00Z'));
  });
  return { channels, byName: Object.fromEntries(channels.map((c) => [c.username, c])), posts: total };
}
