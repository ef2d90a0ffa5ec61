// The stateful side of pacing: one token bucket per key (an MTProto account,
// the web preview), an injected clock, and the rule that a wait longer than a
// job should spend asleep becomes a RetryLaterError instead.
import { EMPTY_BUCKET, pause, reserve, type BucketState, type RatePolicy } from './token-bucket.ts';
import { RetryLaterError } from './retry-later.ts';

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface Pacer {
  /**
   * Waits for this request's turn. Throws RetryLaterError (reserving nothing)
   * when the turn is further away than maxWaitMs.
   */
  take(options?: { signal?: AbortSignal; maxWaitMs?: number }): Promise<void>;
  /** Holds every request back until `until` (ms since epoch). */
  pauseUntil(until: number): void;
  /** Requests granted so far (for the benchmark and the logs). */
  readonly granted: number;
}

export function createPacer(policy: RatePolicy, clock: Clock = systemClock, name = 'requests'): Pacer {
  let state: BucketState = EMPTY_BUCKET;
  let granted = 0;
  return {
    async take({ signal, maxWaitMs = Infinity } = {}) {
      const now = clock.now();
      const next = reserve(state, policy, now);
      if (next.waitMs > maxWaitMs) throw new RetryLaterError(next.waitMs, `${name} are paced`);
      state = next.state;
      granted++;
      if (next.waitMs > 0) await clock.sleep(next.waitMs, signal);
    },
    pauseUntil(until) {
      state = pause(state, policy, until);
    },
    get granted() {
      return granted;
    },
  };
}
