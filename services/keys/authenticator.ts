// Turns the token of a request into the caller (which key, which scope), or
// null. The bootstrap key from FRAMEWATCH_ADMIN_KEY needs no database; every
// other key is looked up by its hash. last_used_at is written at most once a
// minute per key and process, off the request's path, so a busy key does not
// turn every read into a write.
import type { Queryable } from '../db/db.ts';
import { hashApiKey, looksLikeApiKey, matchesBootstrapKey, type Scope } from './keys.ts';
import { findApiKeyByHash, recordKeyUse } from './store.ts';

export interface Caller {
  /** Stable id for rate limiting and logs: "key:<id>" or "bootstrap". */
  id: string;
  name: string;
  scope: Scope;
}

export interface AuthenticatorOptions {
  bootstrapKey: string | null;
  /** Minimum milliseconds between two last_used_at writes of one key. */
  touchIntervalMs?: number;
  now?: () => number;
  onTouchError?: (err: unknown) => void;
}

export class Authenticator {
  private readonly lastTouched = new Map<number, number>();
  private readonly touchIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Queryable,
    private readonly options: AuthenticatorOptions,
  ) {
    this.touchIntervalMs = options.touchIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async authenticate(token: string): Promise<Caller | null> {
    if (matchesBootstrapKey(token, this.options.bootstrapKey)) return { id: 'bootstrap', name: 'FRAMEWATCH_ADMIN_KEY', scope: 'admin' };
    if (!looksLikeApiKey(token)) return null;
    const key = await findApiKeyByHash(this.db, hashApiKey(token));
    if (!key || key.revokedAt !== null) return null;
    this.touch(key.id);
    return { id: `key:${key.id}`, name: key.name, scope: key.scope };
  }

  private touch(keyId: number): void {
    const now = this.now();
    const last = this.lastTouched.get(keyId);
    if (last !== undefined && now - last < this.touchIntervalMs) return;
    this.lastTouched.set(keyId, now);
    recordKeyUse(this.db, keyId, new Date(now)).catch((err: unknown) => {
      // Try again on the next request rather than a minute later.
      this.lastTouched.delete(keyId);
      this.options.onTouchError?.(err);
    });
  }
}
