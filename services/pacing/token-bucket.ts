// Request pacing as a pure token bucket, in its GCRA form: the whole state is
// one "theoretical arrival time", so a reservation is a few additions and the
// bucket can be tested with a hand-moved clock. Telegram publishes no limits;
// the numbers we run with and why are in docs/collection.md.
import type { RatePolicy } from '../../config/env.ts';

export type { RatePolicy };

export interface BucketState {
  /** When the bucket would be empty again if nothing more were sent (ms since epoch). */
  tat: number;
  /** Nothing may be sent before this instant (a FloodWait or a 429 told us so). */
  pausedUntil: number;
}

export const EMPTY_BUCKET: BucketState = { tat: 0, pausedUntil: 0 };

function interval(policy: RatePolicy): number {
  return 1000 / policy.perSecond;
}

/**
 * Reserves one request at `now`: returns the new state and how many
 * milliseconds the caller must wait before sending it. Up to `burst`
 * requests go out at once after a quiet spell, then one per interval.
 */
export function reserve(state: BucketState, policy: RatePolicy, now: number): { state: BucketState; waitMs: number } {
  const t = interval(policy);
  const tolerance = (Math.max(1, policy.burst) - 1) * t;
  const tat = Math.max(state.tat, now);
  const sendAt = Math.max(now, tat - tolerance, state.pausedUntil);
  return { state: { tat: Math.max(tat, sendAt) + t, pausedUntil: state.pausedUntil }, waitMs: sendAt - now };
}

/** How long a reservation made now would wait, without making it. */
export function waitFor(state: BucketState, policy: RatePolicy, now: number): number {
  return reserve(state, policy, now).waitMs;
}

/**
 * Nothing goes out before `until`, and after it the pace restarts without a
 * burst: right after a FloodWait is the worst time to send five at once.
 */
export function pause(state: BucketState, policy: RatePolicy, until: number): BucketState {
  const tolerance = (Math.max(1, policy.burst) - 1) * interval(policy);
  return { tat: Math.max(state.tat, until + tolerance), pausedUntil: Math.max(state.pausedUntil, until) };
}
