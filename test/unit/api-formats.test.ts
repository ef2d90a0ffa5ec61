// Small pure pieces of the API: CSV, cursors, keys, date parameters.
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv, wantsCsv } from '../../services/api/csv.ts';
import { ApiError } from '../../services/api/errors.ts';
import { parseDayRange, parseInstant, parseRange } from '../../services/api/schemas.ts';
import { bearerToken, generateApiKey, hashApiKey, looksLikeApiKey, matchesBootstrapKey, scopeAllows } from '../../services/keys/keys.ts';
import { CursorError, decodeCursor, encodeCursor, filterFingerprint } from '../../services/posts/cursor.ts';

describe('CSV', () => {
  it('quotes commas, quotes, and line breaks, and doubles quotes (RFC 4180)', () => {
    expect(toCsv(['a', 'b'], [['plain', 'with, comma'], ['say "no"', 'two\nlines'], [null, 3]])).toBe(
      'a,b\r\nplain,"with, comma"\r\n"say ""no""","two\nlines"\r\n,3\r\n',
    );
  });

  it('defuses cells a spreadsheet would run as formulas, but not numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+7 999')).toBe("'+7 999");
    expect(csvCell('@channel')).toBe("'@channel");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(new Date('2025-01-01T00:00:00Z'))).toBe('2025-01-01T00:00:00.000Z');
  });

  it('is chosen by the first type in Accept', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('text/csv;charset=utf-8, application/json;q=0.5')).toBe(true);
    expect(wantsCsv('application/json, text/csv')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
  });
});

describe('post cursors', () => {
  const key = { postedAt: '2025-01-02T03:04:05.123456Z', channelId: 12, messageId: 345 };
  const fp = filterFingerprint({ audience: ['ru'], frame: 'denial' });

  it('round-trip and stay opaque', () => {
    const cursor = encodeCursor(key, fp);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, fp)).toEqual(key);
  });

  it('refuse garbage and cursors of other filters', () => {
    expect(() => decodeCursor('not-a-cursor', fp)).toThrow(CursorError);
    expect(() => decodeCursor(Buffer.from('[1,"2025",1,2,"x"]').toString('base64url'), fp)).toThrow(/not a cursor/);
    expect(() => decodeCursor(encodeCursor(key, fp), filterFingerprint({ audience: ['ua'], frame: 'denial' }))).toThrow(/other filters/);
  });

  it('fingerprint filters regardless of key order', () => {
    expect(filterFingerprint({ a: 1, b: [2] })).toBe(filterFingerprint({ b: [2], a: 1 }));
    expect(filterFingerprint({ a: 1 })).not.toBe(filterFingerprint({ a: 2 }));
  });
});

describe('API keys', () => {
  it('are fw_ plus 256 random bits, unique, recognizable, hashed with SHA-256', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^fw_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.key.slice(3), 'base64url')).toHaveLength(32);
    expect(a.key).not.toBe(b.key);
    expect(looksLikeApiKey(a.key)).toBe(true);
    expect(looksLikeApiKey('fw_short')).toBe(false);
    expect(a.hash).toEqual(hashApiKey(a.key));
    expect(a.hash.toString('hex')).toHaveLength(64);
    expect(a.displayPrefix).toBe(a.key.slice(0, 9));
  });

  it('compare the bootstrap key exactly, and admin implies read', () => {
    expect(matchesBootstrapKey('a-long-admin-key-123', 'a-long-admin-key-123')).toBe(true);
    expect(matchesBootstrapKey('a-long-admin-key-12', 'a-long-admin-key-123')).toBe(false);
    expect(matchesBootstrapKey('anything', null)).toBe(false);
    expect(scopeAllows('admin', 'read')).toBe(true);
    expect(scopeAllows('admin', 'admin')).toBe(true);
    expect(scopeAllows('read', 'read')).toBe(true);
    expect(scopeAllows('read', 'admin')).toBe(false);
  });

  it('read only a Bearer header', () => {
    expect(bearerToken('Bearer fw_abc')).toBe('fw_abc');
    expect(bearerToken('bearer  fw_abc ')).toBe('fw_abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('date parameters', () => {
  function problem(fn: () => unknown): string {
    try {
      fn();
    } catch (err) {
      if (err instanceof ApiError) return `${err.parameter}: ${err.message}`;
      throw err;
    }
    return 'no error';
  }

  it('accept dates and date-times with offsets, refusing impossible dates', () => {
    expect(parseInstant('from', '2025-01-31')).toBe('2025-01-31T00:00:00.000Z');
    expect(parseInstant('from', '2025-01-31T10:00+0300')).toBe('2025-01-31T07:00:00.000Z');
    expect(parseInstant('from', '2025-01-31T10:00:00.5')).toBe('2025-01-31T10:00:00.500Z');
    expect(problem(() => parseInstant('from', '2025-02-30'))).toMatch(/^from: from: is not a real date/);
    expect(problem(() => parseRange({ from: '2025-02-01', to: '2025-01-01' }))).toMatch(/^to: to: must be after from/);
  });

  it('give trends whole UTC days, defaulting to a window ending today', () => {
    expect(parseDayRange({ from: '2025-01-01', to: '2025-02-01T00:00:00Z' }, '2026-01-01', 365)).toEqual({ from: '2025-01-01', to: '2025-02-01' });
    expect(parseDayRange({}, '2025-03-10', 28)).toEqual({ from: '2025-02-11', to: '2025-03-11' });
    expect(problem(() => parseDayRange({ from: '2025-01-01T12:00:00Z' }, '2025-03-10', 28))).toMatch(/^from: from: must be a date/);
    expect(problem(() => parseDayRange({ from: '2000-01-01', to: '2025-01-01' }, '2025-03-10', 28))).toMatch(/^from: .*ten years/);
  });
});
