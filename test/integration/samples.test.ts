import { describe, expect, it } from 'vitest';
import { listChannels } from '../../services/channels/store.ts';
import { AUDIENCES } from '../../services/channels/types.ts';
import { loadSampleChannels, readSampleManifest } from '../../services/samples/load.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';

const t = useTestDatabase();

describe('bundled sample channels', () => {
  it('cover the four audiences with at least six channels', async () => {
    const samples = await readSampleManifest();
    expect(samples.length).toBeGreaterThanOrEqual(6);
    expect(new Set(samples.map((s) => s.audience))).toEqual(new Set(AUDIENCES));
  });

  it('import cleanly, span October 2024 to February 2025, and load idempotently', async () => {
    const first = await loadSampleChannels(t.db, { importAll: true });
    const posts = first.reduce((n, s) => n + s.posts, 0);
    expect(posts).toBeGreaterThanOrEqual(600);
    expect(first.every((s) => s.inexactTimes === 0)).toBe(true);
    const range = await t.db.query<{ min: Date; max: Date; langs: number }>(
      "SELECT min(posted_at), max(posted_at) FROM posts WHERE posted_at >= '2024-01-01'",
    );
    expect(range.rows[0]!.min.toISOString() < '2024-10-08').toBe(true);
    expect(range.rows[0]!.max.toISOString() >= '2025-02-01').toBe(true);
    // Cyrillic with і/ї/є (Ukrainian), Cyrillic with ы/э (Russian), and English posts are all there.
    const scripts = await t.db.query<{ uk: number; ru: number; en: number }>(
      `SELECT count(*) FILTER (WHERE text ~ '[іїєґІЇЄҐ]') AS uk, count(*) FILTER (WHERE text ~ '[ыэЫЭ]') AS ru,
              count(*) FILTER (WHERE text ~ '^[^а-яА-ЯіїєґІЇЄҐ]*[a-zA-Z]{4}' ) AS en FROM posts`,
    );
    expect(scripts.rows[0]!.uk).toBeGreaterThan(100);
    expect(scripts.rows[0]!.ru).toBeGreaterThan(100);
    expect(scripts.rows[0]!.en).toBeGreaterThan(100);

    const again = await loadSampleChannels(t.db, { importAll: true });
    expect(again.reduce((n, s) => n + s.inserted + s.edited, 0)).toBe(0);
    const channels = await listChannels(t.db);
    expect(channels).toHaveLength(first.length);
    expect(channels.every((c) => c.subscribers !== null && c.posts > 100 && c.telegramId !== null)).toBe(true);
  });
});
