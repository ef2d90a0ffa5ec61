// Brings the rollups up to date before a trend or comparison is answered.
//
// Cheap when little is stale: one query finds nothing to do. Bounded when a
// lot is: one request recomputes at most `pairLimit` (channel, day) pairs and
// `dayLimit` audience days, then answers with what it has and says so
// (upToDate: false); the workers' refreshAllRollups drains a big backlog, e.g.
// after a bulk import or re-classification.
//
// Within one process, a request joins a refresh that started after it
// arrived, or waits for the running one to finish and starts the next: a
// refresh that began before a write committed may not include it, and the
// request must not answer from it. (Across processes the row locks of
// refreshRollups serialize the work; a pair another process is recomputing at
// that instant is skipped and read as of its last refresh.)
import type { Db } from '../db/db.ts';
import { refreshAudienceRollups, refreshRollups } from './rollups.ts';

export interface Freshness {
  upToDate: boolean;
}

export interface RollupFreshnessOptions {
  pairLimit: number;
  dayLimit?: number;
}

export class RollupFreshness {
  private ticket = 0;
  private flight: { ticket: number; promise: Promise<Freshness> } | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: RollupFreshnessOptions,
  ) {}

  async ensure(): Promise<Freshness> {
    const arrived = ++this.ticket;
    for (;;) {
      if (this.flight && this.flight.ticket > arrived) return this.flight.promise;
      if (this.flight) {
        await this.flight.promise.catch(() => {});
        continue;
      }
      const flight = { ticket: ++this.ticket, promise: this.refresh() };
      this.flight = flight;
      flight.promise.finally(() => {
        if (this.flight === flight) this.flight = null;
      }).catch(() => {});
      return flight.promise;
    }
  }

  private async refresh(): Promise<Freshness> {
    const { rows } = await this.db.query<{ pairs: boolean; days: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM rollup_dirty) AS pairs, EXISTS (SELECT 1 FROM audience_rollup_dirty) AS days',
    );
    if (!rows[0]!.pairs && !rows[0]!.days) return { upToDate: true };
    const pairLimit = this.options.pairLimit;
    const dayLimit = this.options.dayLimit ?? 60;
    const pairs = rows[0]!.pairs ? await refreshRollups(this.db, pairLimit) : 0;
    const days = await refreshAudienceRollups(this.db, dayLimit);
    return { upToDate: pairs < pairLimit && days < dayLimit };
  }
}
