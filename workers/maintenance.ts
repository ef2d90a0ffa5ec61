// Housekeeping jobs.
import type { Db } from '../services/db/db.ts';
import type { JobHandlers } from '../services/queue/bullmq.ts';
import { refreshRollups } from '../services/trends/rollups.ts';

export function maintenanceHandlers(deps: { db: Db }): JobHandlers {
  return {
    // Recompute stale (channel, day) rollups; bounded per run so one tick never runs long.
    'refresh-rollups': async ({ signal }) => {
      let total = 0;
      for (let i = 0; i < 20 && !signal.aborted; i++) {
        const n = await refreshRollups(deps.db, 2000);
        total += n;
        if (n < 2000) break;
      }
      return { refreshed: total };
    },
  };
}
