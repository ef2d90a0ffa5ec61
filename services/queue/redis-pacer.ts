// Request pacing shared by every process through Redis: each bucket (an
// MTProto account, username resolution, the web preview) is one Redis hash,
// so two worker processes reading with the same account stay within that
// account's pace together, and a FloodWait one of them hits holds the other
// back too.
//
// The bucket is the GCRA of services/pacing/token-bucket.ts, applied inside
// one Lua script so a reservation is atomic however many processes ask at
// once (test/integration/redis-pacer.test.ts checks the two agree step by
// step). When Redis cannot answer, the process falls back to its own bucket
// (services/pacing) and says so once: collection slows to the per-process
// pace rather than stopping.
import { createPacer, type Clock, type Pacer } from '../pacing/pacer.ts';
import { createFailFastRedis } from './fail-fast-redis.ts';
import { RetryLaterError } from '../pacing/retry-later.ts';
import type { RatePolicy } from '../pacing/token-bucket.ts';

// KEYS[1]: the bucket. ARGV: mode ('take' | 'pause'), now, interval, tolerance,
// maxWait (-1: none), until (pause), ttl. Numbers travel as strings both ways,
// to the microsecond: Redis would truncate a Lua number to an integer, and
// Lua's tostring keeps only 14 digits of a millisecond timestamp.
const SCRIPT = `
local function num(x) return string.format('%.3f', x) end
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
local paused = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
local now = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local tolerance = tonumber(ARGV[4])
local ttl = tonumber(ARGV[7])
if ARGV[1] == 'pause' then
  local untilAt = tonumber(ARGV[6])
  tat = math.max(tat, untilAt + tolerance)
  paused = math.max(paused, untilAt)
  redis.call('HSET', KEYS[1], 'tat', num(tat), 'pausedUntil', num(paused))
  redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(ttl, untilAt - now + ttl)))
  return '0'
end
local t = math.max(tat, now)
local sendAt = math.max(now, t - tolerance, paused)
local wait = sendAt - now
local maxWait = tonumber(ARGV[5])
if maxWait >= 0 and wait > maxWait then return '-' .. num(wait) end
tat = math.max(t, sendAt) + interval
redis.call('HSET', KEYS[1], 'tat', num(tat), 'pausedUntil', num(paused))
redis.call('PEXPIRE', KEYS[1], math.ceil(tat - now + ttl))
return num(wait)
`;

/** How long the first requests wait for the Redis connection before pacing alone. */
const CONNECT_WAIT_MS = 1000;

/** A bucket left alone this long after it would be empty again is forgotten. */
const IDLE_TTL_MS = 60_000;

export interface SharedPacing {
  /** A pacer whose bucket `key` every process shares. */
  pacer(key: string, policy: RatePolicy, name: string): Pacer;
  close(): Promise<void>;
}

export function createSharedPacing(options: {
  redisUrl: string;
  prefix: string;
  clock: Clock;
  /** Told once per outage that pacing fell back to this process's own buckets. */
  onFallback?: (err: unknown) => void;
}): SharedPacing {
  const redis = createFailFastRedis(options.redisUrl);
  redis.defineCommand('fwPace', { numberOfKeys: 1, lua: SCRIPT });
  const pace = (redis as unknown as { fwPace(key: string, ...args: string[]): Promise<string> }).fwPace.bind(redis);
  let fallingBack = false;
  // Without an offline queue a command fails while the connection is being
  // made, so the first calls wait for it (at most a second): otherwise every
  // process would start on its own buckets.
  const connected = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CONNECT_WAIT_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });

  return {
    pacer(key, policy, name) {
      const local = createPacer(policy, options.clock, name);
      const bucket = `${options.prefix}:pace:${key}`;
      const interval = 1000 / policy.perSecond;
      const tolerance = (Math.max(1, policy.burst) - 1) * interval;
      let granted = 0;
      // A pause is written before the next take reads the bucket.
      let pausing: Promise<void> = Promise.resolve();
      const call = async (args: string[]): Promise<string | null> => {
        await connected;
        try {
          const result = await pace(bucket, ...args);
          fallingBack = false;
          return result;
        } catch (err) {
          if (!fallingBack) options.onFallback?.(err);
          fallingBack = true;
          return null;
        }
      };
      return {
        async take({ signal, maxWaitMs = Infinity } = {}) {
          await pausing;
          const now = options.clock.now();
          const answer = await call(['take', String(now), String(interval), String(tolerance), Number.isFinite(maxWaitMs) ? String(maxWaitMs) : '-1', '0', String(IDLE_TTL_MS)]);
          if (answer === null) {
            await local.take({ signal, maxWaitMs });
            granted++;
            return;
          }
          if (answer.startsWith('-')) throw new RetryLaterError(Number(answer.slice(1)), `${name} are paced`);
          granted++;
          const waitMs = Number(answer);
          if (waitMs > 0) await options.clock.sleep(waitMs, signal);
        },
        pauseUntil(until) {
          local.pauseUntil(until);
          const now = options.clock.now();
          pausing = pausing.then(async () => {
            await call(['pause', String(now), String(interval), String(tolerance), '-1', String(until), String(IDLE_TTL_MS)]);
          });
        },
        get granted() {
          return granted;
        },
      };
    },
    async close() {
      redis.disconnect();
    },
  };
}
