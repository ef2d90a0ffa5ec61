// Alert jobs: one attempt at a webhook delivery (the queue retries a failed
// one with exponential backoff), and the detection tick that finds
// frame.first_seen and frame.spike events in the rollups.
import type { AlertService } from '../services/alerts/service.ts';
import type { JobHandlers } from '../services/queue/bullmq.ts';
import type { TrendsService } from '../services/trends/service.ts';

export function alertHandlers(deps: { alerts: AlertService; trends: TrendsService }): JobHandlers {
  return {
    'deliver-webhook': async ({ data, attempt }) => deps.alerts.deliver(data.deliveryId, attempt),
    'detect-alert-events': async () => deps.alerts.detectTrendEvents(deps.trends),
  };
}
