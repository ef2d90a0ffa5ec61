import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAbbreviatedCount, parseCounterText } from '../../services/web-preview/counts.ts';
import { parseChannelPage, parsePreviewPage, parseTmeLink } from '../../services/web-preview/parse.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/web-preview/${name}`, import.meta.url), 'utf8');

describe('t.me/s page parser on a saved page', () => {
  const page = parsePreviewPage(fixture('kursk_front-latest.html'));
  const post = (id: number) => {
    const p = page.posts.find((x) => x.messageId === id);
    if (!p) throw new Error(`post ${id} not parsed`);
    return p;
  };

  it('finds every post, album members included, and skips the service message', () => {
    expect(page.posts.map((p) => p.messageId).sort((a, b) => a - b)).toEqual([4201, 4202, 4203, 4204, 4205, 4206, 4208, 4209, 4210, 4211]);
    expect(page.serviceIds).toEqual([4207]);
    expect(page.hasOlder).toBe(true);
  });

  it('reads the channel header with its abbreviated subscriber counter', () => {
    expect(page.channel).toEqual({
      title: 'Курский фронт Z',
      about: 'Сводки с Курского направления\nСвязь: @kursk_front_bot',
      subscribers: { value: 64_300, precision: 100, exact: false },
    });
  });

  it('flattens text the way Telegram shows it, with entities at UTF-16 offsets', () => {
    const p = post(4201);
    expect(p.text).toBe('⚡️Срочно\nНикаких корейцев под Курском нет, это очередной фейк ЦИПСО 🔥\n\nПодробнее: example.org/news/123 #курск');
    expect(p.postedAt).toEqual(new Date('2024-12-16T18:05:12Z'));
    const bold = p.entities!.find((e) => e.type === 'bold')!;
    expect(p.text.slice(bold.offset, bold.offset + bold.length)).toBe('⚡️Срочно');
    const italic = p.entities!.find((e) => e.type === 'italic')!;
    expect(p.text.slice(italic.offset, italic.offset + italic.length)).toBe('очередной');
    expect(p.entities!.map((e) => e.type)).toEqual(['bold', 'italic', 'link', 'hashtag']);
    // The emoji image is the emoji, not italic bold text.
    expect(p.entities!.filter((e) => e.type === 'bold')).toHaveLength(1);
  });

  it('reads abbreviated views within their precision', () => {
    expect(post(4201).views).toBe(12_400);
    expect(post(4202).views).toBe(3_400_000);
    expect(post(4203).views).toBe(987);
    expect(post(4204).views).toBe(4_850);
    expect(post(4208).views).toBe(1_000);
  });

  it('reads reactions: emoji, custom emoji and paid stars', () => {
    expect(post(4201).reactions).toEqual([
      { reaction: '👍', count: 1_100 },
      { reaction: 'custom:5368324170671202286', count: 57 },
      { reaction: 'paid', count: 3 },
    ]);
  });

  it('marks edited posts and reads the forwarded-from link as origin @username and post', () => {
    expect(page.editedIds).toEqual([4202]);
    expect(post(4202).forwardedFrom).toEqual({ telegramId: null, messageId: 65432, name: '@rybar' });
    expect(post(4202).mediaKind).toBe('photo');
    // A hidden sender: only the shown name.
    expect(post(4209).forwardedFrom).toEqual({ telegramId: null, messageId: null, name: 'Скрытый автор' });
  });

  it('gives media-only posts empty text and their media kind', () => {
    expect(post(4203)).toMatchObject({ text: '', mediaKind: 'video', entities: null });
    expect(post(4210)).toMatchObject({ text: '', mediaKind: 'sticker' });
    expect(post(4211)).toMatchObject({ text: '', mediaKind: 'poll' });
  });

  it('reads a voice message and ignores the quoted reply it answers', () => {
    const p = post(4208);
    expect(p.mediaKind).toBe('voice');
    expect(p.text).toBe('');
    expect(p.postedAt).toEqual(new Date('2024-12-17T09:15:45Z'));
  });

  it('does not take a link preview for the post text or media', () => {
    const p = post(4209);
    expect(p.text).toBe('Пишут, что @kursk_front_bot знает больше');
    expect(p.mediaKind).toBe('webpage');
    expect(p.entities).toEqual([{ type: 'mention', offset: 11, length: 16 }]);
  });

  it('splits an album into its members, grouped, the caption on the shown one', () => {
    expect(post(4204)).toMatchObject({ text: 'Пленные в Курской области: это не корейцы, а буряты', mediaKind: 'photo', groupedId: 'web:4204', views: 4_850 });
    expect(post(4205)).toMatchObject({ text: '', mediaKind: 'photo', groupedId: 'web:4204', views: null, postedAt: new Date('2024-12-17T07:24:01Z') });
    expect(post(4206)).toMatchObject({ text: '', mediaKind: 'video', groupedId: 'web:4204' });
  });
});

describe('t.me/<name> page parser', () => {
  it('reads the exact subscriber count', () => {
    expect(parseChannelPage(fixture('kursk_front-channel.html'))).toEqual({
      kind: 'channel',
      title: 'Курский фронт Z',
      about: 'Сводки с Курского направления\nСвязь: @kursk_front_bot',
      subscribers: { value: 64_321, precision: 0, exact: true },
      hasPreviewLink: true,
    });
  });

  it('tells a missing name and a user from a channel', () => {
    expect(parseChannelPage(fixture('missing-channel.html')).kind).toBe('missing');
    const user = fixture('kursk_front-channel.html').replace('64 321 subscribers', '@kursk_front').replace(/<div class="tgme_page_context_link_wrap">.*<\/div>/, '');
    expect(parseChannelPage(user).kind).toBe('other');
    // No count shown, but a preview offered: still a channel, count unknown.
    const uncounted = parseChannelPage(fixture('kursk_front-channel.html').replace('64 321 subscribers', ''));
    expect(uncounted).toMatchObject({ kind: 'channel', subscribers: null });
  });
});

describe('counts', () => {
  it.each([
    ['987', 987, 0],
    ['1K', 1_000, 1_000],
    ['1.2K', 1_200, 100],
    ['4.85K', 4_850, 10],
    ['64.3K', 64_300, 100],
    ['3.4M', 3_400_000, 100_000],
  ])('%s → %d (±%d)', (text, value, precision) => {
    expect(parseAbbreviatedCount(text)).toMatchObject({ value, precision });
  });

  it('refuses what is not a count', () => {
    expect(parseAbbreviatedCount('views')).toBeNull();
    expect(parseAbbreviatedCount('1.5')).toBeNull();
  });

  it('reads exact counters with space or no-break-space thousands', () => {
    expect(parseCounterText('12 345 subscribers')).toEqual({ value: 12_345, precision: 0, exact: true });
    expect(parseCounterText('1\u00a0234\u00a0567 subscribers')).toEqual({ value: 1_234_567, precision: 0, exact: true });
    expect(parseCounterText('873 subscribers')).toEqual({ value: 873, precision: 0, exact: true });
    expect(parseCounterText('64.3K subscribers')).toMatchObject({ value: 64_300, exact: false });
  });

  it('parses t.me links to origin channel and post', () => {
    expect(parseTmeLink('https://t.me/Rybar/65432')).toEqual({ username: 'rybar', messageId: 65432 });
    expect(parseTmeLink('https://t.me/kursk_front/4205?single')).toEqual({ username: 'kursk_front', messageId: 4205 });
    expect(parseTmeLink('https://example.org/x')).toBeNull();
  });
});
