// Pure mapping from gramjs (MTProto) objects to the plain records every
// source returns. Nothing here talks to the network, so tests feed it real
// Api.Message / Api.ChannelFull objects built by hand.
import { Api } from 'telegram';
import type { ChannelSnapshot } from '../channels/types.ts';
import type { ChannelPost, ForwardedFrom, MediaKind, ReactionCount, TextEntity } from '../posts/types.ts';

/** A gramjs long (big-integer) or number, as a JS number; Telegram ids fit below 2^53. */
function num(value: { toString(): string } | number): number {
  return typeof value === 'number' ? value : Number(value.toString());
}

// MTProto entity classes → the Telegram Desktop export names the posts table uses.
const ENTITY_NAMES: Record<string, string> = {
  MessageEntityBold: 'bold',
  MessageEntityItalic: 'italic',
  MessageEntityUnderline: 'underline',
  MessageEntityStrike: 'strikethrough',
  MessageEntityCode: 'code',
  MessageEntityPre: 'pre',
  MessageEntityUrl: 'link',
  MessageEntityTextUrl: 'text_link',
  MessageEntityMention: 'mention',
  MessageEntityMentionName: 'mention_name',
  InputMessageEntityMentionName: 'mention_name',
  MessageEntityHashtag: 'hashtag',
  MessageEntityCashtag: 'cashtag',
  MessageEntityBotCommand: 'bot_command',
  MessageEntityEmail: 'email',
  MessageEntityPhone: 'phone',
  MessageEntitySpoiler: 'spoiler',
  MessageEntityBlockquote: 'blockquote',
  MessageEntityCustomEmoji: 'custom_emoji',
  MessageEntityBankCard: 'bank_card',
  MessageEntityUnknown: 'unknown',
};

export function mapEntities(entities: readonly Api.TypeMessageEntity[] | undefined): TextEntity[] | null {
  if (!entities || entities.length === 0) return null;
  return entities.map((e) => {
    const entity: TextEntity = { type: ENTITY_NAMES[e.className] ?? 'unknown', offset: e.offset, length: e.length };
    if (e instanceof Api.MessageEntityTextUrl) entity.url = e.url;
    return entity;
  });
}

/** A document's kind is in its attributes: the most specific one wins. */
function documentKind(media: Api.MessageMediaDocument): MediaKind {
  const doc = media.document;
  const attributes = doc instanceof Api.Document ? doc.attributes : [];
  if (attributes.some((a) => a instanceof Api.DocumentAttributeSticker || a instanceof Api.DocumentAttributeCustomEmoji)) return 'sticker';
  if (attributes.some((a) => a instanceof Api.DocumentAttributeAnimated)) return 'animation';
  const video = attributes.find((a): a is Api.DocumentAttributeVideo => a instanceof Api.DocumentAttributeVideo);
  if (video?.roundMessage || media.round) return 'video_note';
  if (video || media.video) return 'video';
  const audio = attributes.find((a): a is Api.DocumentAttributeAudio => a instanceof Api.DocumentAttributeAudio);
  if (audio?.voice || media.voice) return 'voice';
  if (audio) return 'audio';
  return 'document';
}

export function mediaKind(media: Api.TypeMessageMedia | undefined): MediaKind | null {
  if (!media || media instanceof Api.MessageMediaEmpty) return null;
  if (media instanceof Api.MessageMediaPhoto) return 'photo';
  if (media instanceof Api.MessageMediaDocument) return documentKind(media);
  if (media instanceof Api.MessageMediaWebPage) return 'webpage';
  if (media instanceof Api.MessageMediaPoll) return 'poll';
  if (media instanceof Api.MessageMediaGeo || media instanceof Api.MessageMediaGeoLive || media instanceof Api.MessageMediaVenue) return 'location';
  if (media instanceof Api.MessageMediaContact) return 'contact';
  return 'other';
}

export function mapReaction(reaction: Api.TypeReaction): string {
  if (reaction instanceof Api.ReactionEmoji) return reaction.emoticon;
  if (reaction instanceof Api.ReactionCustomEmoji) return `custom:${reaction.documentId.toString()}`;
  if (reaction instanceof Api.ReactionPaid) return 'paid';
  return 'other';
}

export function mapReactions(reactions: Api.TypeMessageReactions | undefined): ReactionCount[] | null {
  if (!(reactions instanceof Api.MessageReactions)) return null;
  return reactions.results.map((r) => ({ reaction: mapReaction(r.reaction), count: r.count }));
}

export function mapForward(header: Api.TypeMessageFwdHeader | undefined): ForwardedFrom | null {
  if (!(header instanceof Api.MessageFwdHeader)) return null;
  const from = header.fromId;
  return {
    // Only a channel origin has an id we can link; a user's is none of our business.
    telegramId: from instanceof Api.PeerChannel ? num(from.channelId) : null,
    messageId: header.channelPost ?? null,
    name: header.fromName ?? header.postAuthor ?? null,
  };
}

/** What one element of a messages.* answer is, for the collector. */
export type MappedMessage =
  | { kind: 'post'; post: ChannelPost }
  /** channels.GetMessages answers a deleted id with MessageEmpty. */
  | { kind: 'empty'; messageId: number }
  /** Pins, title changes and the like: they take ids but are not posts. */
  | { kind: 'service'; messageId: number };

export function mapMessage(message: Api.TypeMessage): MappedMessage {
  if (message instanceof Api.MessageEmpty) return { kind: 'empty', messageId: message.id };
  if (message instanceof Api.MessageService) return { kind: 'service', messageId: message.id };
  const m = message as Api.Message;
  return {
    kind: 'post',
    post: {
      messageId: m.id,
      postedAt: new Date(m.date * 1000),
      text: m.message ?? '',
      entities: mapEntities(m.entities),
      views: m.views ?? null,
      forwards: m.forwards ?? null,
      replies: m.replies instanceof Api.MessageReplies ? m.replies.replies : null,
      reactions: mapReactions(m.reactions),
      editedAt: m.editDate ? new Date(m.editDate * 1000) : null,
      forwardedFrom: mapForward(m.fwdFrom),
      mediaKind: mediaKind(m.media),
      groupedId: m.groupedId ? m.groupedId.toString() : null,
    },
  };
}

export interface MappedMessages {
  posts: ChannelPost[];
  emptyIds: number[];
  serviceIds: number[];
  /** Elements in the answer, of any kind (paging counts them all). */
  total: number;
}

export function mapMessages(answer: Api.messages.TypeMessages): MappedMessages {
  const out: MappedMessages = { posts: [], emptyIds: [], serviceIds: [], total: 0 };
  if (answer instanceof Api.messages.MessagesNotModified) return out;
  for (const message of answer.messages) {
    out.total++;
    const mapped = mapMessage(message);
    if (mapped.kind === 'post') out.posts.push(mapped.post);
    else if (mapped.kind === 'empty') out.emptyIds.push(mapped.messageId);
    else out.serviceIds.push(mapped.messageId);
  }
  return out;
}

/** channels.GetFullChannel's answer → the channel's snapshot. */
export function mapChannelFull(answer: Api.messages.ChatFull, observedAt: Date): ChannelSnapshot {
  const full = answer.fullChat;
  const id = full instanceof Api.ChannelFull ? full.id : full.id;
  const chat = answer.chats.find((c): c is Api.Channel => c instanceof Api.Channel && c.id.toString() === id.toString());
  return {
    telegramId: num(id),
    username: chat?.username?.toLowerCase() ?? null,
    title: chat?.title ?? '',
    about: full.about || null,
    subscribers: full instanceof Api.ChannelFull ? (full.participantsCount ?? null) : null,
    subscribersExact: true,
    observedAt,
  };
}

/** contacts.ResolveUsername's answer → the channel's id and access hash, or why there is none. */
export function mapResolvedPeer(
  answer: Api.contacts.ResolvedPeer,
): { kind: 'channel'; telegramId: number; accessHash: string; title: string } | { kind: 'not_channel' } | { kind: 'private' } {
  const peer = answer.peer;
  if (!(peer instanceof Api.PeerChannel)) return { kind: 'not_channel' };
  const chat = answer.chats.find((c) => 'id' in c && c.id.toString() === peer.channelId.toString());
  if (chat instanceof Api.ChannelForbidden) return { kind: 'private' };
  if (!(chat instanceof Api.Channel) || !chat.accessHash) return { kind: 'private' };
  if (chat.megagroup) return { kind: 'not_channel' };
  return { kind: 'channel', telegramId: num(chat.id), accessHash: chat.accessHash.toString(), title: chat.title };
}
