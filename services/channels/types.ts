export const AUDIENCES = ['ua', 'ru', 'west', 'monitor'] as const;
export type Audience = (typeof AUDIENCES)[number];

export function isAudience(value: unknown): value is Audience {
  return typeof value === 'string' && (AUDIENCES as readonly string[]).includes(value);
}

export const CHANNEL_STATUSES = ['active', 'paused', 'no_preview', 'not_found', 'private', 'error'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

export interface Channel {
  id: number;
  telegramId: number | null;
  username: string | null;
  title: string;
  about: string | null;
  audience: Audience | null;
  labels: string[];
  accessHash: string | null;
  status: ChannelStatus;
  statusDetail: string | null;
  newestMessageId: number | null;
  oldestMessageId: number | null;
  backfillUntil: Date | null;
  backfillDone: boolean;
  lastCollectedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ChannelWithStats extends Channel {
  subscribers: number | null;
  subscribersAt: Date | null;
  posts: number;
}

/** What a source tells about a channel at one moment. */
export interface ChannelSnapshot {
  telegramId: number | null;
  username: string | null;
  title: string;
  about: string | null;
  subscribers: number | null;
  /** false when only an abbreviated counter was shown ("64.3K"). */
  subscribersExact: boolean;
  observedAt: Date;
}
