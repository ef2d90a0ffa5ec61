// Test databases: the migrations run once into a template database (named by
// their checksum, so a changed migration builds a new one), and every test
// file clones it. CREATE DATABASE ... TEMPLATE copies files, which is much
// faster than migrating, and gives each file a database of its own.
import { createHash, randomBytes } from 'node:crypto';
import { createDb, quoteIdent, runOnDatabase, type Db } from '../../services/db/db.ts';
import { loadMigrations, migrate } from '../../services/db/migrate.ts';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function templateName(): Promise<string> {
  const migrations = await loadMigrations();
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(m.name).update(m.checksum);
  return `framewatch_test_tpl_${hash.digest('hex').slice(0, 12)}`;
}

const TEMPLATE_LOCK = 7_311_942_999;

/** Builds the template database unless it exists; safe when several runs start at once. */
export async function ensureTemplate(): Promise<string> {
  const name = await templateName();
  const admin = createDb(ADMIN_URL, { max: 1 });
  try {
    await admin.withClient(async (conn) => {
      await conn.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
      try {
        const exists = await conn.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount > 0) return;
        const building = `${name}_build`;
        await conn.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
        await migrate(databaseUrl(building));
        // Renamed only when complete: a half-built template is never cloned.
        await conn.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
        await conn.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE true`);
      } finally {
        await conn.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
      }
    });
    // Test databases left behind by killed runs (the name carries its birth time).
    const stale = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname ~ '^fwt_[0-9]+_'",
    );
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    for (const { datname } of stale.rows) {
      const born = Number(datname.split('_')[1]);
      if (born < hourAgo) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).catch(() => {});
    }
  } finally {
    await admin.close();
  }
  return name;
}

export interface TestDatabase {
  name: string;
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await templateName();
  const name = `fwt_${Math.floor(Date.now() / 1000)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await runOnDatabase(ADMIN_URL, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
      break;
    } catch (err) {
      // 55006: the template is briefly in use by another clone; try again.
      if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
  const url = databaseUrl(name);
  const db = createDb(url, { max: 5 });
  return {
    name,
    url,
    db,
    async drop() {
      await db.close();
      await runOnDatabase(ADMIN_URL, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}
