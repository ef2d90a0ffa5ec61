// The PostgreSQL adapter: the only module that imports `pg`. Everything else
// sees the small Db / Queryable interfaces below and plain rows.
import pg from 'pg';

// int8 (count(*), sum(int), bigint ids) arrives as a string by default. Our
// bigint values are counts and Telegram ids, which stay below 2^53; a value
// that does not fit is refused loudly instead of silently rounded.
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} does not fit a JS number; select it as text`);
  return n;
}
pg.types.setTypeParser(pg.types.builtins.INT8, parseInt8);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs SQL: the pool or a transaction's client. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A dedicated connection for work that must hold session state (COPY, LISTEN). */
  withClient<T>(fn: (client: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DbOptions {
  max?: number;
  applicationName?: string;
  /** Milliseconds a single statement may run; 0 disables. */
  statementTimeoutMs?: number;
}

function wrap(client: pg.PoolClient | pg.Pool): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]) {
      const result = await client.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
  };
}

export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'framewatch',
    statement_timeout: options.statementTimeoutMs ?? 0,
    connectionTimeoutMillis: 10_000,
    // JIT compilation costs hundreds of milliseconds per statement and pays
    // off only for long analytic scans we do not run; batch upserts with
    // pessimistic row estimates were spending 95% of their time compiling.
    options: '-c jit=off',
  });
  // An idle client losing its connection (server restart) must not crash the
  // process; the pool discards it and the next query reconnects.
  pool.on('error', () => {});
  const self = wrap(pool);
  return {
    query: self.query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async withClient(fn) {
      const client = await pool.connect();
      try {
        return await fn(wrap(client));
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Quotes an SQL identifier (a database name chosen at run time). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs one statement on a short-lived connection to another database (CREATE DATABASE cannot run in a pool transaction). */
export async function runOnDatabase(connectionString: string, sql: string, params: unknown[] = []): Promise<QueryResult<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString, application_name: 'framewatch-admin' });
  await client.connect();
  try {
    const result = await client.query(sql, params);
    return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 };
  } finally {
    await client.end();
  }
}

/** Maps a pg error to its SQLSTATE code, or undefined for anything else. */
export function sqlState(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

// SQLSTATE classes and socket errors that mean "the database is not there
// right now", as opposed to a wrong query: connection exceptions (08),
// operator intervention (57P0x: shutdown, cannot connect now), too many
// connections (53300), and pg's own pool and socket failures.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', '53300', '57P01', '57P02', '57P03']);

/** True when the error says the database cannot be reached, not that a query is wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = sqlState(err);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  const message = err instanceof Error ? err.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection (?:is )?closed/i.test(message);
}
