// What the API needs to know about the rest of the system, as small ports
// the composition root fills in. The queue module (services/queue, BullMQ)
// provides QueueStats; until it is wired, /metrics simply has no queue depths.

/** One dependency GET /ready waits for. check() resolves when it is usable, rejects saying why not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface QueueDepth {
  queue: string;
  /** BullMQ job state: waiting, active, delayed, failed, ... */
  state: string;
  count: number;
}

export interface QueueStats {
  depths(): Promise<QueueDepth[]>;
}
