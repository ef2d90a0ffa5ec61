// Telegram Desktop's JSON export ("Export chat history" → JSON, result.json)
// mapped to plain ChannelPost records. Field names follow Telegram Desktop's
// export writer (export_output_json.cpp):
// - `text` is a string, or an array of strings and entity objects
//   ({type, text, href?}); `text_entities` is the same as objects only.
// - `date` is local time without an offset; `date_unixtime` (a string) is exact.
// - service messages (`type: "service"`, with `action`) are not posts.
// - exports carry no view, forward or reply counts.
import type { ChannelPost, MediaKind, ReactionCount, TextEntity } from '../posts/types.ts';

export class ExportFormatError extends Error {
  override name = 'ExportFormatError';
}

export interface ExportHeader {
  telegramId: number;
  name: string;
  type: string;
}

export const CHANNEL_EXPORT_TYPES = ['public_channel', 'private_channel'];

export function readExportHeader(fields: ReadonlyMap<string, unknown>): ExportHeader {
  const id = fields.get('id');
  const type = fields.get('type');
  const name = fields.get('name');
  if (fields.has('chats') || fields.has('personal_information')) {
    throw new ExportFormatError('this is a full account export; export one channel (channel menu → Export chat history → JSON)');
  }
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw new ExportFormatError('the export has no numeric channel "id" before its messages');
  }
  if (typeof type !== 'string' || !CHANNEL_EXPORT_TYPES.includes(type)) {
    throw new ExportFormatError(`the export is a ${JSON.stringify(type ?? 'chat of unknown type')}, not a channel (${CHANNEL_EXPORT_TYPES.join(' or ')})`);
  }
  return { telegramId: id, name: typeof name === 'string' ? name : '', type };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Export entity type names as written by Telegram Desktop; "plain" is unformatted text.
const ENTITY_TYPES = new Set([
  'mention', 'hashtag', 'bot_command', 'link', 'email', 'bold', 'italic', 'code', 'pre', 'text_link',
  'mention_name', 'phone', 'cashtag', 'underline', 'strikethrough', 'blockquote', 'bank_card', 'spoiler',
  'custom_emoji', 'unknown',
]);

/**
 * Flattens the export's text representation into plain text plus entities
 * with UTF-16 offsets (JavaScript string lengths are UTF-16, as Telegram's).
 */
export function flattenText(text: unknown, where: string): { text: string; entities: TextEntity[] } {
  if (text === undefined || text === null) return { text: '', entities: [] };
  if (typeof text === 'string') return { text, entities: [] };
  if (!Array.isArray(text)) throw new ExportFormatError(`${where}: "text" must be a string or an array`);
  let out = '';
  const entities: TextEntity[] = [];
  for (const part of text) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    if (!isObject(part) || typeof part.text !== 'string' || typeof part.type !== 'string') {
      throw new ExportFormatError(`${where}: a text part must be a string or an object with "type" and "text"`);
    }
    const offset = out.length;
    out += part.text;
    if (part.type !== 'plain' && part.text.length > 0 && ENTITY_TYPES.has(part.type)) {
      const entity: TextEntity = { type: part.type, offset, length: part.text.length };
      if (typeof part.href === 'string') entity.url = part.href;
      entities.push(entity);
    }
  }
  return { text: out, entities };
}

function unixTime(value: unknown, field: string, where: string): Date | null {
  if (value === undefined || value === null) return null;
  const seconds = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isInteger(seconds) || seconds <= 0) throw new ExportFormatError(`${where}: "${field}" is not a unix time`);
  return new Date(seconds * 1000);
}

/** `date` without `date_unixtime` (exports before 2022) carries no offset; it is read as UTC. */
function localDate(value: unknown, where: string): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value)) {
    throw new ExportFormatError(`${where}: has neither "date_unixtime" nor a valid "date"`);
  }
  return new Date(`${value}Z`);
}

const MEDIA_TYPES: Record<string, MediaKind> = {
  sticker: 'sticker',
  video_message: 'video_note',
  voice_message: 'voice',
  animation: 'animation',
  video_file: 'video',
  audio_file: 'audio',
};

export function mediaKindOf(message: Json): MediaKind | null {
  if (message.photo !== undefined) return 'photo';
  if (typeof message.media_type === 'string') return MEDIA_TYPES[message.media_type] ?? 'other';
  if (message.file !== undefined) return 'document';
  if (message.poll !== undefined) return 'poll';
  if (message.location_information !== undefined || message.place_name !== undefined) return 'location';
  if (message.contact_information !== undefined) return 'contact';
  if (message.game_title !== undefined || message.invoice_information !== undefined) return 'other';
  return null;
}

function reactionsOf(value: unknown, where: string): ReactionCount[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) throw new ExportFormatError(`${where}: "reactions" must be an array`);
  const out: ReactionCount[] = [];
  for (const r of value) {
    if (!isObject(r) || typeof r.count !== 'number' || r.count < 0) {
      throw new ExportFormatError(`${where}: a reaction needs a numeric "count"`);
    }
    const reaction =
      r.type === 'emoji' && typeof r.emoji === 'string'
        ? r.emoji
        : r.type === 'custom_emoji'
          ? `custom:${String(r.document_id ?? '')}`
          : r.type === 'paid'
            ? 'paid'
            : typeof r.emoji === 'string'
              ? r.emoji
              : 'other';
    out.push({ reaction, count: r.count });
  }
  return out;
}

/** "channel1234567890" → 1234567890; users and groups are not channels. */
function channelIdOf(peerId: unknown): number | null {
  if (typeof peerId !== 'string') return null;
  const m = /^channel(\d{1,16})$/.exec(peerId);
  return m ? Number(m[1]) : null;
}

export type ExportItem =
  | { kind: 'post'; post: ChannelPost; exactTime: boolean }
  | { kind: 'skipped'; reason: 'service' | 'unsupported' };

/** Maps one element of `messages`; throws ExportFormatError naming the message when it is malformed. */
export function mapExportMessage(raw: unknown, index: number): ExportItem {
  if (!isObject(raw)) throw new ExportFormatError(`messages[${index}] is not an object`);
  const id = raw.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) {
    throw new ExportFormatError(`messages[${index}] has no valid "id"`);
  }
  const where = `message ${id}`;
  if (raw.type === 'service') return { kind: 'skipped', reason: 'service' };
  if (raw.type === 'unsupported') return { kind: 'skipped', reason: 'unsupported' };
  if (raw.type !== 'message') throw new ExportFormatError(`${where}: unknown type ${JSON.stringify(raw.type)}`);

  const exact = unixTime(raw.date_unixtime, 'date_unixtime', where);
  const postedAt = exact ?? localDate(raw.date, where);
  const editedAt = unixTime(raw.edited_unixtime, 'edited_unixtime', where);
  // text_entities holds every part as an object; text may abbreviate plain parts as strings.
  const { text, entities } = flattenText(raw.text_entities ?? raw.text, where);

  // forwarded_from is null when the origin hides itself; the post is still a
  // forward, so the name is kept as '' rather than dropped.
  const fwdId = channelIdOf(raw.forwarded_from_id);
  const forwardedFrom =
    raw.forwarded_from !== undefined || fwdId !== null
      ? { telegramId: fwdId, messageId: null, name: typeof raw.forwarded_from === 'string' ? raw.forwarded_from : '' }
      : null;

  return {
    kind: 'post',
    exactTime: exact !== null,
    post: {
      messageId: id,
      postedAt,
      text,
      entities: entities.length > 0 ? entities : null,
      views: null,
      forwards: null,
      replies: null,
      reactions: reactionsOf(raw.reactions, where),
      editedAt,
      forwardedFrom,
      mediaKind: mediaKindOf(raw),
      groupedId: null,
    },
  };
}
