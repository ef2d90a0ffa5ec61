// Forward-only SQL migrations. Files in migrations/ named NNN_name.sql are
// applied in order, each in its own transaction, and recorded with a checksum:
// editing a migration that already ran is a mistake we refuse to paper over.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, quoteIdent, runOnDatabase } from './db.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  createdDatabase: boolean;
  applied: string[];
}

export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const sql = await readFile(join(dir, file), 'utf8');
    migrations.push({
      version: file.slice(0, 3),
      name: file.replace(/\.sql$/, ''),
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  const versions = new Set(migrations.map((m) => m.version));
  if (versions.size !== migrations.length) throw new Error(`two migrations in ${dir} share a version number`);
  return migrations;
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const found = await runOnDatabase(url.toString(), 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (found.rowCount > 0) return false;
  try {
    await runOnDatabase(url.toString(), `CREATE DATABASE ${quoteIdent(name)}`);
  } catch (err) {
    // Another process created it between our check and our CREATE.
    if ((err as { code?: string }).code !== '42P04') throw err;
    return false;
  }
  return true;
}

// Any constant works; it only has to be the same for every migrating process.
const MIGRATION_LOCK = 7_311_942_001;

export async function migrate(databaseUrl: string, migrations?: Migration[]): Promise<MigrateResult> {
  const createdDatabase = await ensureDatabase(databaseUrl);
  const wanted = migrations ?? (await loadMigrations());
  const db = createDb(databaseUrl, { max: 1, applicationName: 'framewatch-migrate' });
  const applied: string[] = [];
  try {
    await db.withClient(async (conn) => {
      // Two deploys migrating at once would both try to apply the same file.
      await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version    text PRIMARY KEY,
          name       text NOT NULL,
          checksum   text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
        const done = await conn.query<{ version: string; name: string; checksum: string }>(
          'SELECT version, name, checksum FROM schema_migrations',
        );
        const byVersion = new Map(done.rows.map((r) => [r.version, r]));
        for (const m of wanted) {
          const prior = byVersion.get(m.version);
          if (prior) {
            if (prior.checksum !== m.checksum) {
              throw new Error(`migration ${m.name} changed after it was applied; migrations are forward-only, add a new one instead`);
            }
            continue;
          }
          await conn.query('BEGIN');
          try {
            await conn.query(m.sql);
            await conn.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
              m.version,
              m.name,
              m.checksum,
            ]);
            await conn.query('COMMIT');
          } catch (err) {
            await conn.query('ROLLBACK');
            throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
          }
          applied.push(m.name);
        }
        const known = new Set(wanted.map((m) => m.version));
        const unknown = [...byVersion.values()].filter((r) => !known.has(r.version));
        if (unknown.length > 0) {
          throw new Error(`the database has migrations this code does not know (${unknown.map((r) => r.name).join(', ')}); is this an older release?`);
        }
      } finally {
        await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    });
  } finally {
    await db.close();
  }
  return { createdDatabase, applied };
}
