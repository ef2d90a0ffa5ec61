// Digest jobs: the schedule tick enqueues one send-digest per due
// subscription and week (the job id makes that once); send-digest mails it.
import type { Db } from '../services/db/db.ts';
import { dueWeek, type DigestService } from '../services/digest/service.ts';
import { getSubscription, listSubscriptions, wasSent } from '../services/digest/store.ts';
import type { Logger } from '../services/log.ts';
import type { JobHandlers, JobQueue } from '../services/queue/bullmq.ts';

export function digestHandlers(deps: { db: Db; queue: Pick<JobQueue, 'enqueue'>; digests: DigestService; logger: Logger; now?: () => Date }): JobHandlers {
  const now = deps.now ?? (() => new Date());
  return {
    'schedule-digests': async () => {
      // Without mail every due digest would fail its attempts each tick; say why once per tick instead.
      if (!deps.digests.canSend()) {
        const subscriptions = (await listSubscriptions(deps.db)).length;
        if (subscriptions > 0) deps.logger.warn({ subscriptions }, 'digests are due but mail is not configured: set SMTP_URL and MAIL_FROM');
        return { enqueued: 0, mailConfigured: false };
      }
      let enqueued = 0;
      const at = now();
      for (const s of await listSubscriptions(deps.db)) {
        const week = dueWeek(s, at);
        if (week === null || (await wasSent(deps.db, s.id, week))) continue;
        await deps.queue.enqueue('send-digest', { subscriptionId: s.id, week });
        enqueued++;
      }
      return { enqueued };
    },
    'send-digest': async ({ data }) => {
      const subscription = await getSubscription(deps.db, data.subscriptionId);
      if (!subscription) return { skipped: 'the subscription was deleted' };
      return { result: await deps.digests.sendScheduled(subscription, data.week) };
    },
  };
}
