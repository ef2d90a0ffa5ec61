import { describe, expect, it } from 'vitest';
import {
  ExportFormatError,
  flattenText,
  mapExportMessage,
  readExportHeader,
} from '../../services/exports/telegram-desktop.ts';

describe('flattenText', () => {
  it('concatenates strings and entity texts, with UTF-16 entity offsets', () => {
    const { text, entities } = flattenText(
      ['🇺🇦 Срочно: ', { type: 'bold', text: 'корейцы' }, ' ', { type: 'text_link', text: 'тут', href: 'https://x.org' }],
      'm',
    );
    expect(text).toBe('🇺🇦 Срочно: корейцы тут');
    expect(entities).toEqual([
      { type: 'bold', offset: 13, length: 7 },
      { type: 'text_link', offset: 21, length: 3, url: 'https://x.org' },
    ]);
    expect(text.slice(13, 20)).toBe('корейцы'); // the flag is four UTF-16 units
  });

  it('keeps plain parts of text_entities as text, not entities', () => {
    expect(flattenText([{ type: 'plain', text: 'a' }, { type: 'hashtag', text: '#b' }], 'm')).toEqual({
      text: 'a#b',
      entities: [{ type: 'hashtag', offset: 1, length: 2 }],
    });
  });

  it('refuses a part that is neither string nor entity', () => {
    expect(() => flattenText(['ok', 42], 'message 7')).toThrow(/message 7: a text part must be/);
  });
});

describe('mapExportMessage', () => {
  const base = { id: 5, type: 'message', date: '2024-10-18T12:41:07', date_unixtime: '1729244467', text: 'x' };

  it('takes the exact time from date_unixtime, not the offset-less local date', () => {
    const item = mapExportMessage(base, 0);
    expect(item.kind === 'post' && item.post.postedAt.toISOString()).toBe('2024-10-18T09:41:07.000Z');
  });

  it('falls back to date (as UTC) for exports that predate date_unixtime, and says so', () => {
    const item = mapExportMessage({ ...base, date_unixtime: undefined }, 0);
    expect(item).toMatchObject({ kind: 'post', exactTime: false });
    expect(item.kind === 'post' && item.post.postedAt.toISOString()).toBe('2024-10-18T12:41:07.000Z');
  });

  it('skips service and unsupported messages', () => {
    expect(mapExportMessage({ ...base, type: 'service', action: 'pin_message' }, 0)).toEqual({ kind: 'skipped', reason: 'service' });
    expect(mapExportMessage({ id: 9, type: 'unsupported' }, 0)).toEqual({ kind: 'skipped', reason: 'unsupported' });
  });

  it('maps forwards, edits, reactions and media kinds', () => {
    const item = mapExportMessage(
      {
        ...base,
        edited_unixtime: '1729250000',
        forwarded_from: 'Военкор',
        forwarded_from_id: 'channel1600000001',
        media_type: 'video_message',
        reactions: [
          { type: 'emoji', count: 3, emoji: '🔥' },
          { type: 'custom_emoji', count: 2, document_id: '777' },
          { type: 'paid', count: 1 },
        ],
      },
      0,
    );
    expect(item.kind).toBe('post');
    if (item.kind !== 'post') return;
    expect(item.post.editedAt?.toISOString()).toBe('2024-10-18T11:13:20.000Z');
    expect(item.post.forwardedFrom).toEqual({ telegramId: 1600000001, messageId: null, name: 'Военкор' });
    expect(item.post.mediaKind).toBe('video_note');
    expect(item.post.reactions).toEqual([
      { reaction: '🔥', count: 3 },
      { reaction: 'custom:777', count: 2 },
      { reaction: 'paid', count: 1 },
    ]);
    expect(item.post.views).toBeNull(); // exports carry no metrics
  });

  it('keeps a forward from a hidden or non-channel origin as a forward', () => {
    const hidden = mapExportMessage({ ...base, forwarded_from: null }, 0);
    expect(hidden.kind === 'post' && hidden.post.forwardedFrom).toEqual({ telegramId: null, messageId: null, name: '' });
    const user = mapExportMessage({ ...base, forwarded_from: 'Ivan', forwarded_from_id: 'user123' }, 0);
    expect(user.kind === 'post' && user.post.forwardedFrom).toEqual({ telegramId: null, messageId: null, name: 'Ivan' });
  });

  it.each([
    [{ ...base, id: 'x' }, /messages\[3\] has no valid "id"/],
    [{ ...base, type: 'weird' }, /message 5: unknown type "weird"/],
    [{ ...base, date_unixtime: 'soon' }, /message 5: "date_unixtime" is not a unix time/],
    [{ ...base, date_unixtime: undefined, date: 'yesterday' }, /message 5: has neither "date_unixtime" nor a valid "date"/],
    [{ ...base, text: { a: 1 } }, /message 5: "text" must be a string or an array/],
    [{ ...base, reactions: [{ emoji: '🔥' }] }, /message 5: a reaction needs a numeric "count"/],
    ['text', /messages\[3\] is not an object/],
  ])('refuses a malformed message (%#)', (raw, message) => {
    expect(() => mapExportMessage(raw, 3)).toThrow(ExportFormatError);
    expect(() => mapExportMessage(raw, 3)).toThrow(message);
  });
});

describe('readExportHeader', () => {
  it('accepts public and private channel exports', () => {
    expect(readExportHeader(new Map<string, unknown>([['name', 'A'], ['type', 'private_channel'], ['id', 7]]))).toEqual({
      telegramId: 7,
      name: 'A',
      type: 'private_channel',
    });
  });

  it('refuses chats, full-account exports and a missing id', () => {
    expect(() => readExportHeader(new Map<string, unknown>([['type', 'personal_chat'], ['id', 7]]))).toThrow(/not a channel/);
    expect(() => readExportHeader(new Map<string, unknown>([['chats', {}]]))).toThrow(/full account export/);
    expect(() => readExportHeader(new Map<string, unknown>([['type', 'public_channel']]))).toThrow(/no numeric channel "id"/);
  });
});
