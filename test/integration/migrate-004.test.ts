// Migration 004 on a database that already holds rollups: the subscriber
// weights and the audience level are filled in exactly, as a refresh would.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, quoteIdent, runOnDatabase } from '../../services/db/db.ts';
import { loadMigrations, migrate } from '../../services/db/migrate.ts';
import { ADMIN_URL, databaseUrl } from '../helpers/pg.ts';

const name = `fwt_${Math.floor(Date.now() / 1000)}_m004_${randomBytes(3).toString('hex')}`;
const url = databaseUrl(name);

afterAll(async () => {
  await runOnDatabase(ADMIN_URL, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
});

describe('migration 004 over existing data', () => {
  it('fills the subscriber weights and the audience rollups of rollups computed before it', async () => {
    const before = (await loadMigrations()).filter((m) => m.version < '004');
    await migrate(url, before);
    const db = createDb(url, { max: 1 });
    try {
      // What 001/002 alone would have stored: two channels, their snapshots, their rollups.
      await db.query(`INSERT INTO channels (username, audience) VALUES ('old_ru', 'ru'), ('old_none', NULL)`);
      await db.query(`INSERT INTO subscriber_snapshots (channel_id, observed_at, subscribers, source)
                      VALUES (1, '2025-01-01T00:00:00Z', 100, 'web'), (1, '2025-01-10T00:00:00Z', 300, 'web')`);
      await db.query(`INSERT INTO daily_rollups (day, channel_id, bucket, posts, views, views_known) VALUES
                      ('2025-01-02', 1, '_all', 4, 40, 4), ('2025-01-02', 1, '_on_topic', 3, 30, 3), ('2025-01-02', 1, 'denial', 2, 20, 2),
                      ('2025-01-09', 1, '_all', 1, 10, 1), ('2025-01-02', 2, '_all', 5, 0, 0)`);
      await migrate(url);
      const weights = await db.query('SELECT channel_id, day::text, bucket, subscribers FROM daily_rollups ORDER BY 1, 2, 3');
      expect(weights.rows).toEqual([
        { channel_id: 1, day: '2025-01-02', bucket: '_all', subscribers: 100 },
        { channel_id: 1, day: '2025-01-02', bucket: '_on_topic', subscribers: 100 },
        { channel_id: 1, day: '2025-01-02', bucket: 'denial', subscribers: 100 },
        { channel_id: 1, day: '2025-01-09', bucket: '_all', subscribers: 300 },
        { channel_id: 2, day: '2025-01-02', bucket: '_all', subscribers: null },
      ]);
      const audience = await db.query('SELECT day::text, audience, bucket, posts, views, reach FROM audience_rollups ORDER BY 1, 2, 3');
      expect(audience.rows).toEqual([
        { day: '2025-01-02', audience: 'ru', bucket: '_all', posts: 4, views: 40, reach: 400 },
        { day: '2025-01-02', audience: 'ru', bucket: '_on_topic', posts: 3, views: 30, reach: 300 },
        { day: '2025-01-02', audience: 'ru', bucket: 'denial', posts: 2, views: 20, reach: 200 },
        { day: '2025-01-02', audience: 'unassigned', bucket: '_all', posts: 5, views: 0, reach: 0 },
        { day: '2025-01-09', audience: 'ru', bucket: '_all', posts: 1, views: 10, reach: 300 },
      ]);
    } finally {
      await db.close();
    }
  });
});
