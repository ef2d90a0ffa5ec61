// TypeBox schemas shared by the routes, and the parsing of parameters that a
// JSON schema cannot check alone (real calendar dates, ranges, lists).
import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { FRAME_IDS } from '../../config/taxonomy.ts';
import { AUDIENCES } from '../channels/types.ts';
import { badParameter } from './errors.ts';

/** A string enum rendered as {"type":"string","enum":[...]}, typed as the union. */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'machine-readable: invalid_parameter, unauthorized, forbidden, not_found, conflict, payload_too_large, rate_limited, unavailable, ...' }),
      message: Type.String(),
      parameter: Type.Optional(Type.String({ description: 'the request parameter at fault, for 400' })),
    }),
  },
);

/** The error responses a route can give, for its schema (and so the OpenAPI document). */
export function errorResponses(...codes: number[]): Record<number, typeof ErrorResponse> {
  return Object.fromEntries(codes.map((c) => [c, ErrorResponse]));
}
/** Every /v1 route can answer these. */
export const V1_ERRORS = [400, 401, 403, 429, 503];

// --- parameters --------------------------------------------------------

const DATE_OR_TIME = '^\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,6})?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?$';

export const Instant = Type.String({
  pattern: DATE_OR_TIME,
  description: 'a date (YYYY-MM-DD, midnight UTC) or an ISO 8601 date-time',
});

export const AudienceList = Type.String({
  pattern: `^(?:${AUDIENCES.join('|')})(?:,(?:${AUDIENCES.join('|')}))*$`,
  description: `one or more of ${AUDIENCES.join(', ')}, comma-separated`,
});
export const FrameParam = StringEnum(FRAME_IDS, { description: 'a frame id (GET /v1/frames)' });
export const ChannelList = Type.String({
  pattern: '^(?:\\d{1,15}|@?[A-Za-z][A-Za-z0-9_]{3,31})(?:,(?:\\d{1,15}|@?[A-Za-z][A-Za-z0-9_]{3,31}))*$',
  description: 'one or more channel ids or @usernames, comma-separated',
});

export function parseList(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  return [...new Set(value.split(',').map((v) => v.trim()).filter((v) => v !== ''))];
}

/** Parses a date or date-time the pattern admitted, refusing impossible ones (2025-02-30). Returns an ISO instant. */
export function parseInstant(name: string, value: string): string {
  const normalized = value.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(normalized) ? `${normalized}T00:00:00Z` : /(?:Z|[+-]\d{2}:\d{2})$/.test(normalized) ? normalized : `${normalized}Z`;
  const ms = Date.parse(iso);
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(y!, m! - 1, d!));
  if (Number.isNaN(ms) || calendar.getUTCMonth() !== m! - 1 || calendar.getUTCDate() !== d!) {
    throw badParameter(name, `is not a real date or time (got ${value})`);
  }
  return new Date(ms).toISOString();
}

/** An instant range; `to` must come after `from`. */
export function parseRange(query: { from?: string; to?: string }): { from: string | null; to: string | null } {
  const from = query.from === undefined ? null : parseInstant('from', query.from);
  const to = query.to === undefined ? null : parseInstant('to', query.to);
  if (from !== null && to !== null && to <= from) throw badParameter('to', `must be after from (got ${query.to})`);
  return { from, to };
}

/**
 * A whole-day range for rollup reads: dates, or date-times at midnight UTC.
 * Missing ends default to the `defaultDays` days up to today (UTC).
 */
export function parseDayRange(query: { from?: string; to?: string }, today: string, defaultDays: number): { from: string; to: string } {
  const day = (name: 'from' | 'to', value: string): string => {
    const iso = parseInstant(name, value);
    if (!iso.endsWith('T00:00:00.000Z')) throw badParameter(name, `must be a date: trends count whole UTC days (got ${value})`);
    return iso.slice(0, 10);
  };
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const to = query.to !== undefined ? day('to', query.to) : tomorrow;
  const from = query.from !== undefined ? day('from', query.from) : new Date(Date.parse(`${to}T00:00:00Z`) - defaultDays * 86_400_000).toISOString().slice(0, 10);
  if (to <= from) throw badParameter('to', `must be after from (got ${query.to ?? to})`);
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (span > 3700) throw badParameter('from', `the range may span at most ten years (got ${span} days)`);
  return { from, to };
}
