// API keys: what one looks like, how it is stored, what it may do. Pure
// functions; services/keys/store.ts keeps them, authenticator.ts checks them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCOPES = ['read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** Recognizable in logs, configs and secret scanners. */
export const KEY_PREFIX = 'fw_';
const KEY_BYTES = 32;

export interface NewApiKey {
  /** Shown once, never stored. */
  key: string;
  hash: Buffer;
  /** The first characters, stored to tell keys apart in listings. */
  displayPrefix: string;
}

/** 256 random bits, base64url: "fw_" + 43 characters. */
export function generateApiKey(): NewApiKey {
  const key = `${KEY_PREFIX}${randomBytes(KEY_BYTES).toString('base64url')}`;
  return { key, hash: hashApiKey(key), displayPrefix: key.slice(0, KEY_PREFIX.length + 6) };
}

// SHA-256, not bcrypt/scrypt/argon2: slow hashes protect low-entropy secrets
// (passwords) against guessing. A key of 256 random bits cannot be guessed
// however fast the hash is, so a slow one would only add CPU to every request.
// A plain digest also lets the key be found by an index lookup on its hash.
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Cheap shape check before any lookup. */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(KEY_PREFIX) && /^[A-Za-z0-9_-]{43}$/.test(token.slice(KEY_PREFIX.length));
}

/**
 * Compares a presented token with the bootstrap key in constant time.
 * Hashing both first gives equal-length inputs, so neither the content nor
 * the length of the configured key leaks through timing.
 */
export function matchesBootstrapKey(token: string, configured: string | null): boolean {
  if (configured === null) return false;
  return timingSafeEqual(hashApiKey(token), hashApiKey(configured));
}

/** admin implies read. */
export function scopeAllows(granted: Scope, required: Scope): boolean {
  return granted === 'admin' || required === 'read';
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
