// What a collection source is: the one interface both the MTProto client and
// the public web preview implement. It speaks only plain records (ChannelPost,
// ChannelSnapshot); no library type crosses it, so the collector, the worker
// and their tests never know which network is behind it.
import type { ChannelSnapshot, ChannelStatus } from '../channels/types.ts';
import type { ChannelPost } from '../posts/types.ts';

export type SourceKind = 'mtproto' | 'web';

/** What a source needs to address a channel; read from the channels row. */
export interface SourceChannel {
  channelId: number;
  username: string | null;
  telegramId: number | null;
  /** MTProto access hash (signed 64-bit, as text) and the account that resolved it. */
  accessHash: string | null;
  account: string | null;
}

/** Identity a source learned and the channels row must keep. */
export interface Resolution {
  telegramId: number;
  accessHash: string;
  account: string;
}

export interface HistoryQuery {
  /** Only posts with a smaller id (the page below this one); null: the newest posts. */
  before: number | null;
  /** Only posts with a larger id, when the source can filter (MTProto min_id); a hint, not a promise. */
  after: number | null;
}

export interface HistoryPage {
  /** In any order. May include posts at or below `after` (the web preview cannot filter). */
  posts: ChannelPost[];
  /** False when nothing older than this page exists (within `after`, for sources that honour it). */
  more: boolean;
  /** Requests this page cost. */
  requests: number;
}

export interface RecheckResult {
  /** Current state of the posts that still exist (and any neighbours seen on the way). */
  posts: ChannelPost[];
  /** Ids asked about that the source says are gone. */
  gone: number[];
  requests: number;
}

/** The channel cannot be read through this source; the status says why ('error': an operator must look). */
export class ChannelUnavailableError extends Error {
  override name = 'ChannelUnavailableError';
  constructor(
    readonly status: Extract<ChannelStatus, 'no_preview' | 'not_found' | 'private' | 'error'>,
    detail: string,
  ) {
    super(detail);
  }
}

export interface ChannelSource {
  readonly kind: SourceKind;
  /**
   * Makes sure the source can address the channel. Returns what to store when
   * it had to resolve it (MTProto: id and access hash, by the account that
   * will use them), or null when the row already holds what it needs.
   */
  resolve(channel: SourceChannel, signal?: AbortSignal): Promise<Resolution | null>;
  snapshot(channel: SourceChannel, signal?: AbortSignal): Promise<{ snapshot: ChannelSnapshot; requests: number }>;
  history(channel: SourceChannel, query: HistoryQuery, signal?: AbortSignal): Promise<HistoryPage>;
  /** Re-reads these posts: current text and metrics, and which are gone. */
  recheck(channel: SourceChannel, messageIds: readonly number[], signal?: AbortSignal): Promise<RecheckResult>;
}
