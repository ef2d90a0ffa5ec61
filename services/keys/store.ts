// The api_keys table (migrations/004_api.sql).
import type { Queryable } from '../db/db.ts';
import { generateApiKey, type Scope } from './keys.ts';

export interface ApiKeyRecord {
  id: number;
  name: string;
  scope: Scope;
  keyPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiKeyRow {
  id: number;
  name: string;
  scope: Scope;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    keyPrefix: row.key_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

const COLUMNS = 'id, name, scope, key_prefix, created_at, last_used_at, revoked_at';

/** Creates a key; the returned `key` is the only time the secret exists outside the caller. */
export async function createApiKey(db: Queryable, input: { name: string; scope: Scope }): Promise<ApiKeyRecord & { key: string }> {
  const fresh = generateApiKey();
  const { rows } = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (name, scope, key_hash, key_prefix) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [input.name, input.scope, fresh.hash, fresh.displayPrefix],
  );
  return { ...toRecord(rows[0]!), key: fresh.key };
}

export async function findApiKeyByHash(db: Queryable, hash: Buffer): Promise<ApiKeyRecord | null> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [hash]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function listApiKeys(db: Queryable): Promise<ApiKeyRecord[]> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY id`);
  return rows.map(toRecord);
}

/** Returns false when there is no such key or it was already revoked. */
export async function revokeApiKey(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return rowCount > 0;
}

/** Moves last_used_at forward only (two API processes may report out of order). */
export async function recordKeyUse(db: Queryable, id: number, at: Date): Promise<void> {
  await db.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)', [id, at]);
}
