// A fake MtprotoClient answering with real gramjs Api objects, as Telegram
// would: history newest first with offset_id / min_id, MessageEmpty for
// deleted ids, a FloodWaitError when told to.
import bigInt from 'big-integer';
import { Api, errors } from 'telegram';
import type { ChannelPeer, HistoryParams, MtprotoClient } from '../../services/telegram/client.ts';

export const CHANNEL_ID = 1_987_654_321;
export const ACCESS_HASH = '-4586930153422186741';

export function apiMessage(id: number, fields: Partial<ConstructorParameters<typeof Api.Message>[0]> = {}): Api.Message {
  return new Api.Message({
    id,
    date: 1_734_372_312 + id * 60,
    message: `сообщение ${id}`,
    peerId: new Api.PeerChannel({ channelId: bigInt(CHANNEL_ID) }),
    views: id * 100,
    forwards: 1,
    ...fields,
  });
}

export class FakeMtprotoClient implements MtprotoClient {
  messages = new Map<number, Api.TypeMessage>();
  calls: string[] = [];
  floodOn: { method: string; seconds: number } | null = null;
  participants = 64_321;

  constructor(readonly channelId: number = CHANNEL_ID) {}

  private call(method: string, detail = ''): void {
    this.calls.push(`${method}${detail}`);
    if (this.floodOn?.method === method) {
      const seconds = this.floodOn.seconds;
      this.floodOn = null;
      throw new errors.FloodWaitError({ request: new Api.help.GetConfig(), capture: seconds } as never);
    }
  }

  async resolveUsername(username: string): Promise<Api.contacts.ResolvedPeer> {
    this.call('resolveUsername', ` ${username}`);
    if (username === 'someone') {
      return new Api.contacts.ResolvedPeer({ peer: new Api.PeerUser({ userId: bigInt(5) }), chats: [], users: [] });
    }
    return new Api.contacts.ResolvedPeer({
      peer: new Api.PeerChannel({ channelId: bigInt(this.channelId) }),
      chats: [new Api.Channel({ id: bigInt(this.channelId), title: 'Курский фронт Z', photo: new Api.ChatPhotoEmpty(), date: 1, username, accessHash: bigInt(ACCESS_HASH), broadcast: true })],
      users: [],
    });
  }

  async getFullChannel(peer: ChannelPeer): Promise<Api.messages.ChatFull> {
    this.call('getFullChannel', ` ${peer.telegramId}/${peer.accessHash}`);
    return new Api.messages.ChatFull({
      fullChat: new Api.ChannelFull({
        id: bigInt(this.channelId), about: 'Сводки', participantsCount: this.participants, readInboxMaxId: 0, readOutboxMaxId: 0, unreadCount: 0,
        chatPhoto: new Api.PhotoEmpty({ id: bigInt(0) }), notifySettings: new Api.PeerNotifySettings({}), botInfo: [], pts: 1,
      }),
      chats: [new Api.Channel({ id: bigInt(this.channelId), title: 'Курский фронт Z', photo: new Api.ChatPhotoEmpty(), date: 1, username: 'Kursk_Front', accessHash: bigInt(ACCESS_HASH) })],
      users: [],
    });
  }

  async getHistory(peer: ChannelPeer, params: HistoryParams): Promise<Api.messages.TypeMessages> {
    this.call('getHistory', ` offset=${params.offsetId} min=${params.minId}`);
    const ids = [...this.messages.keys()]
      .filter((id) => (params.offsetId === 0 || id < params.offsetId) && id > params.minId)
      .sort((a, b) => b - a)
      .slice(0, params.limit);
    return new Api.messages.ChannelMessages({ pts: 1, count: this.messages.size, messages: ids.map((id) => this.messages.get(id)!), chats: [], users: [], topics: [] });
  }

  async getMessages(_peer: ChannelPeer, ids: readonly number[]): Promise<Api.messages.TypeMessages> {
    this.call('getMessages', ` ${ids.length}`);
    return new Api.messages.ChannelMessages({
      pts: 1,
      count: ids.length,
      messages: ids.map((id) => this.messages.get(id) ?? new Api.MessageEmpty({ id })),
      chats: [],
      users: [],
      topics: [],
    });
  }

  async disconnect(): Promise<void> {}
}
