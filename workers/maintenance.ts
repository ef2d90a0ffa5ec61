// Housekeeping jobs.
import type { Db } from '../services/db/db.ts';
import type { JobHandlers } from '../services/queue/bullmq.ts';
import { refreshAudienceRollups, refreshRollups } from '../services/trends/rollups.ts';

export function maintenanceHandlers(deps: { db: Db }): JobHandlers {
  return {
    // Recompute stale rollups, both levels (channel-days first: they mark the audience days).
    // Bounded per run so one tick never runs long; the next tick takes the rest.
    'refresh-rollups': async ({ signal }) => {
      let pairs = 0;
      for (let i = 0; i < 20 && !signal.aborted; i++) {
        const n = await refreshRollups(deps.db, 2000);
        pairs += n;
        if (n < 2000) break;
      }
      let days = 0;
      for (let i = 0; i < 10 && !signal.aborted; i++) {
        const n = await refreshAudienceRollups(deps.db, 366);
        days += n;
        if (n < 366) break;
      }
      return { pairs, days };
    },
  };
}
