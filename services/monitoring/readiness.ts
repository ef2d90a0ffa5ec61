// Readiness: every dependency answers within a deadline, or the process is
// not ready (GET /ready answers 503 and says which one failed).
import type { Queryable } from '../db/db.ts';
import type { ReadinessCheck } from './ports.ts';

export function postgresReadiness(db: Queryable): ReadinessCheck {
  return {
    name: 'postgres',
    async check() {
      await db.query('SELECT 1');
    },
  };
}

export interface CheckOutcome {
  ok: boolean;
  ms: number;
  error?: string;
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Runs every check at once; each gets `timeoutMs`. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<{ ready: boolean; checks: Record<string, CheckOutcome> }> {
  const outcomes = await Promise.all(
    checks.map(async (c): Promise<[string, CheckOutcome]> => {
      const started = performance.now();
      try {
        await withDeadline(c.check(), timeoutMs);
        return [c.name, { ok: true, ms: Math.round(performance.now() - started) }];
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return [c.name, { ok: false, ms: Math.round(performance.now() - started), error: message || 'failed' }];
      }
    }),
  );
  return { ready: outcomes.every(([, o]) => o.ok), checks: Object.fromEntries(outcomes) };
}
