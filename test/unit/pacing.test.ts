import { describe, expect, it } from 'vitest';
import { createPacer, type Clock } from '../../services/pacing/pacer.ts';
import { RetryLaterError, parseRetryAfter } from '../../services/pacing/retry-later.ts';
import { EMPTY_BUCKET, pause, reserve, type BucketState } from '../../services/pacing/token-bucket.ts';

/** A clock that only moves when told to; sleep records the wait and moves time. */
function manualClock(start = 1_000_000): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('token bucket', () => {
  const policy = { perSecond: 2, burst: 3 };

  it('lets a burst through, then one request per interval', () => {
    let state: BucketState = EMPTY_BUCKET;
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = reserve(state, policy, 10_000);
      state = r.state;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 0, 0, 500, 1000, 1500]);
  });

  it('refills while idle, but never beyond the burst', () => {
    let state: BucketState = EMPTY_BUCKET;
    for (let i = 0; i < 3; i++) state = reserve(state, policy, 0).state;
    // An hour later: three at once again, not 7200.
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = reserve(state, policy, 3_600_000);
      state = r.state;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 0, 0, 500]);
  });

  it('holds everything back during a pause and resumes without a burst', () => {
    let state = pause(EMPTY_BUCKET, policy, 60_000);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = reserve(state, policy, 0);
      state = r.state;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([60_000, 60_500, 61_000]);
  });

  it('sustains exactly the configured rate over a long run', () => {
    let state: BucketState = EMPTY_BUCKET;
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const r = reserve(state, policy, 0);
      state = r.state;
      last = r.waitMs;
    }
    // 1000 requests asked for at once: 3 go now, the 1000th goes (1000 - 3) / 2 s later.
    expect(last).toBe(((1000 - 3) / 2) * 1000);
  });
});

describe('pacer', () => {
  it('sleeps on the injected clock for its turn', async () => {
    const clock = manualClock();
    const pacer = createPacer({ perSecond: 1, burst: 1 }, clock);
    await pacer.take();
    await pacer.take();
    await pacer.take();
    expect(clock.slept).toEqual([1000, 1000]);
    expect(pacer.granted).toBe(3);
  });

  it('refuses to sleep longer than a job should: RetryLaterError, nothing reserved', async () => {
    const clock = manualClock();
    const pacer = createPacer({ perSecond: 1, burst: 1 }, clock, 'MTProto requests');
    pacer.pauseUntil(clock.now() + 300_000);
    const err = await pacer.take({ maxWaitMs: 30_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).retryAfterMs).toBe(300_000);
    expect(clock.slept).toEqual([]);
    expect(pacer.granted).toBe(0);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and falls back when absent', () => {
    const now = Date.parse('2024-12-16T18:00:00Z');
    expect(parseRetryAfter('120', now, 5)).toBe(120_000);
    expect(parseRetryAfter('Mon, 16 Dec 2024 18:01:00 GMT', now, 5)).toBe(60_000);
    expect(parseRetryAfter(null, now, 5_000)).toBe(5_000);
    expect(parseRetryAfter('soon', now, 5_000)).toBe(5_000);
  });
});
