import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerChannel } from '../../services/channels/store.ts';
import { ImportError, importTelegramExport } from '../../services/exports/importer.ts';
import { getPost, getPostVersions } from '../../services/posts/store.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';
import { writeExport, type ExportMessageSpec } from '../helpers/export-builder.ts';

const t = useTestDatabase();
const FIXTURE = new URL('../fixtures/exports/kursk-watch.json', import.meta.url).pathname;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-import-'));
});

async function snapshot(channelId: number) {
  const posts = await t.db.query('SELECT *, xmin::text AS row_version FROM posts WHERE channel_id = $1 ORDER BY message_id', [channelId]);
  const versions = await t.db.query('SELECT * FROM post_versions WHERE channel_id = $1 ORDER BY message_id, version', [channelId]);
  return { posts: posts.rows, versions: versions.rows };
}

async function countAll() {
  const { rows } = await t.db.query<{ posts: number; channels: number; versions: number }>(
    'SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM channels) AS channels, (SELECT count(*) FROM post_versions) AS versions',
  );
  return rows[0]!;
}

describe('importTelegramExport on a realistic export', () => {
  it('stores exactly the channel posts, once, with exact times and flattened text', async () => {
    const summary = await importTelegramExport(t.db, FIXTURE, { audience: 'ru' });
    expect(summary).toMatchObject({ messages: 14, posts: 11, skippedService: 2, skippedUnsupported: 1, inserted: 11, inexactTimes: 0 });
    expect(summary.channel).toMatchObject({ telegramId: 1987654321, title: 'Курский вестник ⚡️', audience: 'ru', username: null });
    const ids = await t.db.query<{ message_id: number }>('SELECT message_id FROM posts WHERE channel_id = $1 ORDER BY message_id', [summary.channel.id]);
    expect(ids.rows.map((r) => r.message_id)).toEqual([2, 3, 4, 5, 6, 8, 9, 10, 11, 13, 15]);

    const edited = await getPost(t.db, summary.channel.id, 3);
    // date "2024-10-18T15:02:55" is Moscow time; date_unixtime is the truth.
    expect(edited?.posted_at.toISOString()).toBe('2024-10-18T12:02:55.000Z');
    expect(edited?.edited_at?.toISOString()).toBe('2024-10-18T12:30:00.000Z');
    expect(edited?.text).toBe('❗️Срочно\nЗеленский снова рассказывает про «корейцев», чтобы выбить ещё денег. #Курск Подробнее');
    const entities = edited?.entities as Array<{ type: string; offset: number; length: number; url?: string }>;
    expect(entities.map((e) => [e.type, edited!.text.slice(e.offset, e.offset + e.length), e.url])).toEqual([
      ['bold', '❗️Срочно', undefined],
      ['hashtag', '#Курск', undefined],
      ['text_link', 'Подробнее', 'https://example.org/news/123'],
    ]);
    expect(edited?.reactions_total).toBe(128);

    const forward = await getPost(t.db, summary.channel.id, 8);
    expect(forward).toMatchObject({ fwd_from_telegram_id: 1600000001, fwd_from_name: 'Военкор Северный', reactions_total: 2036 });
    const media = await t.db.query<{ message_id: number; media_kind: string | null; text: string }>(
      'SELECT message_id, media_kind, text FROM posts WHERE channel_id = $1 AND media_kind IS NOT NULL ORDER BY message_id',
      [summary.channel.id],
    );
    expect(media.rows.map((r) => [r.message_id, r.media_kind])).toEqual([
      [4, 'photo'], [5, 'photo'], [6, 'video'], [10, 'poll'], [11, 'sticker'], [13, 'voice'],
    ]);
    expect(media.rows.find((r) => r.message_id === 5)?.text).toBe(''); // media-only: empty string, not null
    expect((await getPost(t.db, summary.channel.id, 15))?.text).toBe('👨‍👩‍👧 Семья — это главное. 𝕏 не читаем.');
    expect(summary.channel.id).toBeGreaterThan(0);
  });

  it('changes nothing on a second import', async () => {
    const channel = (await t.db.query<{ id: number }>('SELECT id FROM channels WHERE telegram_id = 1987654321')).rows[0]!;
    const before = await snapshot(channel.id);
    const channelRow = await t.db.query('SELECT *, xmin::text AS row_version FROM channels WHERE id = $1', [channel.id]);
    const summary = await importTelegramExport(t.db, FIXTURE);
    expect(summary).toMatchObject({ inserted: 0, edited: 0, refreshed: 0, unchanged: 11, channelCreated: false });
    expect(await snapshot(channel.id)).toEqual(before);
    expect((await t.db.query('SELECT *, xmin::text AS row_version FROM channels WHERE id = $1', [channel.id])).rows).toEqual(channelRow.rows);
  });

  it('stores a changed text as a new version', async () => {
    const doc = JSON.parse(await readFile(FIXTURE, 'utf8'));
    const message = doc.messages.find((m: { id: number }) => m.id === 2);
    message.text = message.text_entities[0].text = 'Никаких северокорейцев под Курском нет.';
    message.edited_unixtime = '1729260000';
    const path = join(dir, 'edited.json');
    await writeFile(path, JSON.stringify(doc, null, 1));
    const summary = await importTelegramExport(t.db, path);
    expect(summary).toMatchObject({ inserted: 0, edited: 1, unchanged: 10 });
    const versions = await getPostVersions(t.db, summary.channel.id, 2);
    expect(versions.map((v) => [v.version, v.text])).toEqual([[1, 'Никаких северокорейцев под Курском нет. Очередной фейк ЦИПсО.']]);
    expect(await getPost(t.db, summary.channel.id, 2)).toMatchObject({ version: 2, text: 'Никаких северокорейцев под Курском нет.' });
  });
});

describe('importTelegramExport refusing bad files', () => {
  it('refuses a truncated export, names where it broke, and stores nothing', async () => {
    const whole = await readFile(FIXTURE);
    const path = join(dir, 'truncated.json');
    await writeFile(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const before = await countAll();
    const err = await importTelegramExport(t.db, path, { audience: 'ua' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as Error).message).toMatch(new RegExp(`^${path}: the file ends before the JSON document does \\(truncated\\?\\) at line \\d+ \\(byte \\d+\\), inside "messages"\\[\\d+\\]; nothing was imported$`));
    expect(await countAll()).toEqual(before);
  });

  it('rolls back everything, even posts and channel written before the error', async () => {
    const spec = { name: 'Broken late', id: 1700000099 };
    const messages: ExportMessageSpec[] = Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, at: new Date(Date.UTC(2024, 9, 1) + i * 60_000), text: `post ${i}` }));
    const path = join(dir, 'late-error.json');
    await writeExport(path, spec, messages);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"date_unixtime": "' + String(Math.floor((Date.UTC(2024, 9, 1) + 4500 * 60_000) / 1000)) + '"', '"date_unixtime": "later"'));
    const before = await countAll();
    await expect(importTelegramExport(t.db, path, { audience: 'ru', batchSize: 500 })).rejects.toThrow(/message 4501: "date_unixtime" is not a unix time; nothing was imported/);
    expect(await countAll()).toEqual(before);
  });

  it.each([
    ['not-json.json', 'this is not json', /expected a JSON object/],
    ['chat.json', JSON.stringify({ name: 'Bob', type: 'personal_chat', id: 5, messages: [] }), /not a channel/],
    ['no-messages.json', JSON.stringify({ name: 'X', type: 'public_channel', id: 5 }), /no "messages" array/],
    ['empty.json', '', /ends before the JSON document does/],
  ])('refuses %s', async (file, content, message) => {
    const path = join(dir, file);
    await writeFile(path, content);
    await expect(importTelegramExport(t.db, path, { audience: 'ru' })).rejects.toThrow(message);
  });

  it('says which file cannot be read', async () => {
    await expect(importTelegramExport(t.db, join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read \(ENOENT\)/);
  });
});

describe('importTelegramExport and registered channels', () => {
  it('attaches an export to a channel registered by username', async () => {
    const { channel } = await registerChannel(t.db, { username: 'severny_voenkor', audience: 'ru', labels: ['voenkor'] });
    const path = join(dir, 'severny.json');
    await writeExport(path, { name: 'Военкор Северный', id: 1600000001 }, [{ id: 1, at: new Date('2024-12-01T10:00:00Z'), text: 'a' }]);
    const summary = await importTelegramExport(t.db, path, { username: 'severny_voenkor' });
    expect(summary.channel).toMatchObject({ id: channel.id, telegramId: 1600000001, title: 'Военкор Северный', audience: 'ru', labels: ['voenkor'] });
    expect(summary.channel).toMatchObject({ newestMessageId: 1, oldestMessageId: 1 });
  });

  it('refuses to attach an export to a username that is another Telegram channel', async () => {
    const path = join(dir, 'other.json');
    await writeExport(path, { name: 'Someone else', id: 1600000002 }, [{ id: 1, at: new Date('2024-12-01T10:00:00Z'), text: 'a' }]);
    await expect(importTelegramExport(t.db, path, { username: 'severny_voenkor' })).rejects.toThrow(/is Telegram channel 1600000001, but the export is channel 1600000002/);
  });

  it('imports across many batches with the same result as one batch', async () => {
    const messages: ExportMessageSpec[] = Array.from({ length: 12_345 }, (_, i) => ({
      id: i + 1,
      at: new Date(Date.UTC(2024, 9, 1) + i * 37_000),
      text: i % 10 === 0 ? [`пост ${i} `, { type: 'hashtag', text: '#КНДР' }] : `пост ${i}`,
      photo: i % 7 === 0,
    }));
    const path = join(dir, 'many.json');
    await writeExport(path, { name: 'Many', id: 1700000123 }, messages);
    const summary = await importTelegramExport(t.db, path, { audience: 'west', batchSize: 1000 });
    expect(summary).toMatchObject({ posts: 12_345, inserted: 12_345 });
    const stats = await t.db.query<{ n: number; photos: number; hashtags: number; min: Date; max: Date }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE media_kind = 'photo') AS photos,
              count(*) FILTER (WHERE entities IS NOT NULL) AS hashtags, min(posted_at), max(posted_at)
         FROM posts WHERE channel_id = $1`,
      [summary.channel.id],
    );
    expect(stats.rows[0]).toEqual({
      n: 12_345,
      photos: Math.ceil(12_345 / 7),
      hashtags: Math.ceil(12_345 / 10),
      min: new Date(Date.UTC(2024, 9, 1)),
      max: new Date(Date.UTC(2024, 9, 1) + 12_344 * 37_000),
    });
  });
});
