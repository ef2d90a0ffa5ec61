// Keyset pagination of posts, newest first: the cursor is the key of the last
// post of a page, (posted_at, channel_id, message_id), opaque to clients. It
// carries a fingerprint of the filters it was issued for, so a cursor reused
// with other filters is refused instead of silently skipping posts. Pure.
import { createHash } from 'node:crypto';

export interface PostKey {
  /** posted_at with microseconds, as PostgreSQL prints it in UTC: "2025-01-02T03:04:05.123456Z". */
  postedAt: string;
  channelId: number;
  messageId: number;
}

export class CursorError extends Error {
  override name = 'CursorError';
}

export function filterFingerprint(filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(filters).sort().map((k) => [k, filters[k] ?? null]));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 10);
}

export function encodeCursor(key: PostKey, fingerprint: string): string {
  return Buffer.from(JSON.stringify([1, key.postedAt, key.channelId, key.messageId, fingerprint])).toString('base64url');
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function decodeCursor(cursor: string, fingerprint: string): PostKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('is not a cursor this API issued');
  }
  if (
    !Array.isArray(parsed) || parsed.length !== 5 || parsed[0] !== 1 ||
    typeof parsed[1] !== 'string' || !TIMESTAMP.test(parsed[1]) ||
    !Number.isSafeInteger(parsed[2]) || !Number.isSafeInteger(parsed[3]) || typeof parsed[4] !== 'string'
  ) {
    throw new CursorError('is not a cursor this API issued');
  }
  if (parsed[4] !== fingerprint) throw new CursorError('was issued for other filters; start again without it');
  return { postedAt: parsed[1], channelId: parsed[2] as number, messageId: parsed[3] as number };
}
