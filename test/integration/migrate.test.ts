import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteIdent, runOnDatabase } from '../../services/db/db.ts';
import { loadMigrations, migrate } from '../../services/db/migrate.ts';
import { ADMIN_URL, databaseUrl } from '../helpers/pg.ts';

const name = `fwt_${Math.floor(Date.now() / 1000)}_mig_${randomBytes(3).toString('hex')}`;
const url = databaseUrl(name);

afterAll(async () => {
  await runOnDatabase(ADMIN_URL, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
});

describe('migrate', () => {
  it('creates the database, applies every migration once, and is idempotent', async () => {
    const all = await loadMigrations();
    const first = await migrate(url);
    expect(first.createdDatabase).toBe(true);
    expect(first.applied).toEqual(all.map((m) => m.name));
    const second = await migrate(url);
    expect(second).toEqual({ createdDatabase: false, applied: [] });
    const tables = await runOnDatabase(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['channels', 'subscriber_snapshots', 'posts', 'post_versions', 'frame_tags', 'imports']),
    );
  });

  it('refuses a migration edited after it was applied', async () => {
    const all = await loadMigrations();
    const edited = all.map((m, i) => (i === 0 ? { ...m, checksum: 'changed' } : m));
    await expect(migrate(url, edited)).rejects.toThrow(/changed after it was applied; migrations are forward-only/);
  });

  it('rolls back a failing migration and records nothing of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-mig-'));
    await writeFile(join(dir, '900_bad.sql'), 'CREATE TABLE half_done (id int); SELECT no_such_function();');
    const bad = [...(await loadMigrations()), ...(await loadMigrations(dir))];
    await expect(migrate(url, bad)).rejects.toThrow(/migration 900_bad failed/);
    const leftovers = await runOnDatabase(url, "SELECT to_regclass('half_done') AS t, (SELECT count(*) FROM schema_migrations WHERE version = '900') AS n");
    expect(leftovers.rows[0]).toEqual({ t: null, n: 0 });
  });
});
