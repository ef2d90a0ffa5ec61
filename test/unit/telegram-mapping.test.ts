import bigInt from 'big-integer';
import { Api } from 'telegram';
import { describe, expect, it } from 'vitest';
import { mapChannelFull, mapMessage, mapMessages, mapResolvedPeer, mediaKind } from '../../services/telegram/mapping.ts';
import { apiMessage, CHANNEL_ID } from '../fakes/fake-mtproto.ts';

const doc = (attributes: Api.TypeDocumentAttribute[], mimeType = 'application/octet-stream') =>
  new Api.MessageMediaDocument({
    document: new Api.Document({ id: bigInt(1), accessHash: bigInt(2), fileReference: Buffer.from(''), date: 1, mimeType, size: bigInt(10), dcId: 2, attributes }),
  });

describe('gramjs message mapping', () => {
  it('maps a full channel post to a plain record', () => {
    const m = apiMessage(4201, {
      message: 'Никаких корейцев нет 🔥 фейк',
      entities: [
        new Api.MessageEntityBold({ offset: 0, length: 8 }),
        new Api.MessageEntityTextUrl({ offset: 9, length: 8, url: 'https://example.org/x' }),
        new Api.MessageEntityHashtag({ offset: 24, length: 4 }),
      ],
      views: 12_400,
      forwards: 31,
      replies: new Api.MessageReplies({ replies: 7, repliesPts: 0 }),
      editDate: 1_734_400_000,
      groupedId: bigInt('13612345678901234567'),
      fwdFrom: new Api.MessageFwdHeader({ date: 1, fromId: new Api.PeerChannel({ channelId: bigInt(1_111_222_333) }), channelPost: 77, fromName: 'Рыбарь' }),
      media: new Api.MessageMediaPhoto({}),
      reactions: new Api.MessageReactions({
        results: [
          new Api.ReactionCount({ reaction: new Api.ReactionEmoji({ emoticon: '👍' }), count: 1100 }),
          new Api.ReactionCount({ reaction: new Api.ReactionCustomEmoji({ documentId: bigInt('5368324170671202286') }), count: 57 }),
          new Api.ReactionCount({ reaction: new Api.ReactionPaid(), count: 3 }),
        ],
      }),
    });
    expect(mapMessage(m)).toEqual({
      kind: 'post',
      post: {
        messageId: 4201,
        postedAt: new Date((1_734_372_312 + 4201 * 60) * 1000),
        text: 'Никаких корейцев нет 🔥 фейк',
        entities: [
          { type: 'bold', offset: 0, length: 8 },
          { type: 'text_link', offset: 9, length: 8, url: 'https://example.org/x' },
          { type: 'hashtag', offset: 24, length: 4 },
        ],
        views: 12_400,
        forwards: 31,
        replies: 7,
        reactions: [
          { reaction: '👍', count: 1100 },
          { reaction: 'custom:5368324170671202286', count: 57 },
          { reaction: 'paid', count: 3 },
        ],
        editedAt: new Date(1_734_400_000 * 1000),
        forwardedFrom: { telegramId: 1_111_222_333, messageId: 77, name: 'Рыбарь' },
        mediaKind: 'photo',
        groupedId: '13612345678901234567',
      },
    });
  });

  it('gives a media-only post empty text and no metrics it lacks', () => {
    const mapped = mapMessage(new Api.Message({ id: 5, date: 1_734_372_312, message: '', peerId: new Api.PeerChannel({ channelId: bigInt(CHANNEL_ID) }), media: doc([new Api.DocumentAttributeSticker({ alt: '😀', stickerset: new Api.InputStickerSetEmpty() })]) }));
    expect(mapped).toMatchObject({ kind: 'post', post: { text: '', entities: null, views: null, forwards: null, replies: null, reactions: null, editedAt: null, forwardedFrom: null, mediaKind: 'sticker', groupedId: null } });
  });

  it.each([
    ['video', [new Api.DocumentAttributeVideo({ duration: 3, w: 1, h: 1 })]],
    ['video_note', [new Api.DocumentAttributeVideo({ duration: 3, w: 1, h: 1, roundMessage: true })]],
    ['animation', [new Api.DocumentAttributeAnimated(), new Api.DocumentAttributeVideo({ duration: 3, w: 1, h: 1 })]],
    ['voice', [new Api.DocumentAttributeAudio({ duration: 3, voice: true })]],
    ['audio', [new Api.DocumentAttributeAudio({ duration: 3, title: 'Песня' })]],
    ['document', [new Api.DocumentAttributeFilename({ fileName: 'report.pdf' })]],
  ] as const)('tells a %s document by its attributes', (kind, attributes) => {
    expect(mediaKind(doc([...attributes]))).toBe(kind);
  });

  it('maps the other media', () => {
    expect(mediaKind(new Api.MessageMediaWebPage({ webpage: new Api.WebPageEmpty({ id: bigInt(1) }) }))).toBe('webpage');
    expect(mediaKind(new Api.MessageMediaGeo({ geo: new Api.GeoPointEmpty() }))).toBe('location');
    expect(mediaKind(new Api.MessageMediaContact({ phoneNumber: '', firstName: 'A', lastName: '', vcard: '', userId: bigInt(1) }))).toBe('contact');
    expect(mediaKind(new Api.MessageMediaPoll({ poll: new Api.Poll({ id: bigInt(1), question: new Api.TextWithEntities({ text: 'Q', entities: [] }), answers: [] }), results: new Api.PollResults({}) }))).toBe('poll');
    expect(mediaKind(undefined)).toBeNull();
  });

  it('tells posts from service messages and deleted (empty) ones', () => {
    const answer = new Api.messages.ChannelMessages({
      pts: 1, count: 3, chats: [], users: [], topics: [],
      messages: [
        apiMessage(10),
        new Api.MessageService({ id: 9, date: 1, action: new Api.MessageActionPinMessage(), peerId: new Api.PeerChannel({ channelId: bigInt(CHANNEL_ID) }) }),
        new Api.MessageEmpty({ id: 8 }),
      ],
    });
    const mapped = mapMessages(answer);
    expect(mapped.posts.map((p) => p.messageId)).toEqual([10]);
    expect(mapped.serviceIds).toEqual([9]);
    expect(mapped.emptyIds).toEqual([8]);
    expect(mapped.total).toBe(3);
  });

  it('reads the subscriber count from ChannelFull', () => {
    const answer = new Api.messages.ChatFull({
      fullChat: new Api.ChannelFull({
        id: bigInt(CHANNEL_ID), about: 'Сводки', participantsCount: 64_321, readInboxMaxId: 0, readOutboxMaxId: 0, unreadCount: 0,
        chatPhoto: new Api.PhotoEmpty({ id: bigInt(0) }), notifySettings: new Api.PeerNotifySettings({}), botInfo: [], pts: 1,
      }),
      chats: [new Api.Channel({ id: bigInt(CHANNEL_ID), title: 'Курский фронт Z', photo: new Api.ChatPhotoEmpty(), date: 1, username: 'Kursk_Front' })],
      users: [],
    });
    const at = new Date('2024-12-16T18:00:00Z');
    expect(mapChannelFull(answer, at)).toEqual({
      telegramId: CHANNEL_ID, username: 'kursk_front', title: 'Курский фронт Z', about: 'Сводки', subscribers: 64_321, subscribersExact: true, observedAt: at,
    });
  });

  it('keeps the access hash of a resolved channel, and refuses users and groups', () => {
    const channel = new Api.contacts.ResolvedPeer({
      peer: new Api.PeerChannel({ channelId: bigInt(CHANNEL_ID) }),
      chats: [new Api.Channel({ id: bigInt(CHANNEL_ID), title: 'T', photo: new Api.ChatPhotoEmpty(), date: 1, accessHash: bigInt('-4586930153422186741'), broadcast: true })],
      users: [],
    });
    expect(mapResolvedPeer(channel)).toEqual({ kind: 'channel', telegramId: CHANNEL_ID, accessHash: '-4586930153422186741', title: 'T' });
    const group = new Api.contacts.ResolvedPeer({
      peer: new Api.PeerChannel({ channelId: bigInt(5) }),
      chats: [new Api.Channel({ id: bigInt(5), title: 'G', photo: new Api.ChatPhotoEmpty(), date: 1, accessHash: bigInt(1), megagroup: true })],
      users: [],
    });
    expect(mapResolvedPeer(group)).toEqual({ kind: 'not_channel' });
    expect(mapResolvedPeer(new Api.contacts.ResolvedPeer({ peer: new Api.PeerUser({ userId: bigInt(1) }), chats: [], users: [] }))).toEqual({ kind: 'not_channel' });
  });
});
