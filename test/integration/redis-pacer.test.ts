// Pacing shared through Redis: the Lua bucket agrees with the pure one step
// by step, two processes share an account's pace and its pauses, a bucket
// booked too far ahead says when to come back, and without Redis each
// process paces itself.
import { afterAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../services/pacing/pacer.ts';
import { RetryLaterError } from '../../services/pacing/retry-later.ts';
import { EMPTY_BUCKET, pause, reserve, type BucketState } from '../../services/pacing/token-bucket.ts';
import { createSharedPacing, type SharedPacing } from '../../services/queue/redis-pacer.ts';
import { REDIS_URL, useRedisPrefix } from '../helpers/redis.ts';

const prefix = useRedisPrefix('pace');

/** A clock moved by hand; sleep records the wait without moving time, so waits can be compared. */
function manualClock(start = 1_795_000_000_000): Clock & { slept: number[]; advance(ms: number): void } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    async sleep(ms) {
      slept.push(ms);
    },
  };
}

const opened: SharedPacing[] = [];
function pacing(clock: Clock, redisUrl = REDIS_URL, onFallback?: (err: unknown) => void): SharedPacing {
  const p = createSharedPacing({ redisUrl, prefix, clock, onFallback });
  opened.push(p);
  return p;
}
afterAll(async () => {
  for (const p of opened) await p.close();
});

describe('pacing shared through Redis', () => {
  it('waits exactly as the pure token bucket over a random sequence of requests and pauses', async () => {
    const policy = { perSecond: 3, burst: 4 };
    const clock = manualClock();
    const pacer = pacing(clock).pacer('agree', policy, 'requests');
    let state: BucketState = EMPTY_BUCKET;
    const expected: number[] = [];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let step = 0; step < 200; step++) {
      clock.advance(Math.floor(random() * 700));
      if (random() < 0.05) {
        const until = clock.now() + Math.floor(random() * 5000);
        state = pause(state, policy, until);
        pacer.pauseUntil(until);
        continue;
      }
      const next = reserve(state, policy, clock.now());
      state = next.state;
      if (next.waitMs > 0) expected.push(next.waitMs);
      await pacer.take();
    }
    expect(clock.slept.length).toBe(expected.length);
    // Redis stores the bucket to the microsecond, so waits agree to well under a millisecond.
    clock.slept.forEach((ms, i) => expect(Math.abs(ms - expected[i]!)).toBeLessThan(0.05));
    expect(expected.length).toBeGreaterThan(20);
  });

  it('two processes reading with one account share its pace', async () => {
    const clock = manualClock();
    const policy = { perSecond: 1, burst: 1 };
    const a = pacing(clock).pacer('account-1', policy, 'MTProto requests');
    const b = pacing(clock).pacer('account-1', policy, 'MTProto requests');
    await a.take();
    await b.take();
    await a.take();
    await b.take();
    // One bucket: the second, third and fourth request wait 1, 2 and 3 s, whoever sends them.
    expect(clock.slept).toEqual([1000, 2000, 3000]);
    // Another account has its own bucket.
    await pacing(clock).pacer('account-2', policy, 'MTProto requests').take();
    expect(clock.slept).toHaveLength(3);
  });

  it('a FloodWait one process hits holds the other back', async () => {
    const clock = manualClock();
    const policy = { perSecond: 1, burst: 5 };
    const a = pacing(clock).pacer('flooded', policy, 'MTProto requests');
    const b = pacing(clock).pacer('flooded', policy, 'MTProto requests');
    a.pauseUntil(clock.now() + 30_000);
    await a.take(); // the pause is written before a's next request
    await b.take();
    expect(clock.slept[0]).toBe(30_000);
    expect(clock.slept[1]).toBeGreaterThanOrEqual(30_000);
  });

  it('a bucket booked beyond the longest wait says when to come back and books nothing', async () => {
    const clock = manualClock();
    const policy = { perSecond: 0.5, burst: 1 };
    const p = pacing(clock).pacer('busy', policy, 'web preview requests');
    await p.take();
    await p.take(); // 2 s
    const refused = await p.take({ maxWaitMs: 3000 }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RetryLaterError);
    expect((refused as RetryLaterError).retryAfterMs).toBe(4000);
    await p.take(); // still 4 s: the refusal booked nothing
    expect(clock.slept).toEqual([2000, 4000]);
  });

  it('without Redis each process paces itself, and says so once', async () => {
    const clock = manualClock();
    const told: unknown[] = [];
    const p = pacing(clock, 'redis://127.0.0.1:1', (err) => told.push(err)).pacer('offline', { perSecond: 1, burst: 1 }, 'requests');
    await p.take();
    await p.take();
    await p.take();
    expect(clock.slept).toEqual([1000, 2000]);
    expect(told).toHaveLength(1);
    expect(p.granted).toBe(3);
  });
});
