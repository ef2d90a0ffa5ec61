// The plain records every source produces (MTProto, web preview, Desktop
// export). No library types cross this line.

export type MediaKind =
  | 'photo'
  | 'video'
  | 'animation'
  | 'audio'
  | 'voice'
  | 'video_note'
  | 'sticker'
  | 'document'
  | 'poll'
  | 'location'
  | 'contact'
  | 'webpage'
  | 'other';

export type PostSource = 'mtproto' | 'web' | 'export';

export interface TextEntity {
  /** bold, italic, link, text_link, mention, hashtag, ... (Desktop export names). */
  type: string;
  /** Offsets in UTF-16 code units, as Telegram counts them. */
  offset: number;
  length: number;
  url?: string;
}

export interface ReactionCount {
  /** An emoji, "custom:<document id>" for custom emoji, or "paid". */
  reaction: string;
  count: number;
}

export interface ForwardedFrom {
  /** Bare Telegram id of the origin channel, when the source tells it. */
  telegramId: number | null;
  messageId: number | null;
  /** Display name (or @username for the web preview) as the source showed it. */
  name: string | null;
}

export interface ChannelPost {
  messageId: number;
  postedAt: Date;
  /** Plain text, entities flattened; '' for a media-only post. */
  text: string;
  entities: TextEntity[] | null;
  /** null when the source has no count (exports carry no metrics). */
  views: number | null;
  forwards: number | null;
  replies: number | null;
  reactions: ReactionCount[] | null;
  editedAt: Date | null;
  forwardedFrom: ForwardedFrom | null;
  mediaKind: MediaKind | null;
  groupedId: string | null;
}

/** What a write of a batch did, message by message. */
export interface UpsertOutcome {
  inserted: number[];
  /** Posts whose text or edit time changed: a new version was stored. */
  edited: number[];
  /** Posts whose metrics or metadata changed but not their text. */
  refreshed: number[];
  unchanged: number;
}
