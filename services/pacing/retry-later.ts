// The one signal every source uses to say "not now, come back at T": an MTProto
// FloodWait, an HTTP 429 with Retry-After, or our own pacer being booked too
// far ahead. The queue turns it into a delayed job instead of sleeping in a
// worker slot; the synchronous CLI pass reports it.

export class RetryLaterError extends Error {
  override name = 'RetryLaterError';

  constructor(
    /** Milliseconds from now after which a retry may succeed. */
    readonly retryAfterMs: number,
    reason: string,
  ) {
    super(`${reason}; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

export function isRetryLater(err: unknown): err is RetryLaterError {
  return err instanceof RetryLaterError;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number, fallbackMs: number): number {
  if (value === null || value.trim() === '') return fallbackMs;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? fallbackMs : Math.max(0, at - now);
}
