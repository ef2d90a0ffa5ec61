// The MTProto network edge: a small interface around the four gramjs calls
// collection makes, and its one real implementation. Tests implement the
// interface with fakes that answer real Api objects; nothing else in the
// project imports `telegram` (eslint.config.js).
import { Api, TelegramClient } from 'telegram';
import { StringSession } from 'telegram/sessions/index.js';
import bigInt from 'big-integer';

export interface ChannelPeer {
  telegramId: number;
  accessHash: string;
}

export interface HistoryParams {
  /** Messages with a smaller id (0: from the newest). */
  offsetId: number;
  /** Only messages with a larger id (0: no floor). */
  minId: number;
  limit: number;
}

export interface MtprotoClient {
  resolveUsername(username: string): Promise<Api.contacts.ResolvedPeer>;
  getFullChannel(peer: ChannelPeer): Promise<Api.messages.ChatFull>;
  getHistory(peer: ChannelPeer, params: HistoryParams): Promise<Api.messages.TypeMessages>;
  getMessages(peer: ChannelPeer, ids: readonly number[]): Promise<Api.messages.TypeMessages>;
  disconnect(): Promise<void>;
}

export function inputChannel(peer: ChannelPeer): Api.InputChannel {
  return new Api.InputChannel({ channelId: bigInt(peer.telegramId), accessHash: bigInt(peer.accessHash) });
}

export function inputPeer(peer: ChannelPeer): Api.InputPeerChannel {
  return new Api.InputPeerChannel({ channelId: bigInt(peer.telegramId), accessHash: bigInt(peer.accessHash) });
}

export interface GramjsOptions {
  apiId: number;
  apiHash: string;
  session: string;
  /** FloodWaits up to this many seconds are slept by gramjs; longer ones throw FloodWaitError. */
  floodSleepThreshold: number;
}

function newClient(options: GramjsOptions): TelegramClient {
  const client = new TelegramClient(new StringSession(options.session), options.apiId, options.apiHash, {
    connectionRetries: 3,
    floodSleepThreshold: options.floodSleepThreshold,
  });
  client.setLogLevel('error' as never);
  return client;
}

/** A gramjs client that connects on first use. */
export function createGramjsClient(options: GramjsOptions): MtprotoClient {
  let client: TelegramClient | null = null;
  let connecting: Promise<TelegramClient> | null = null;
  const connected = (): Promise<TelegramClient> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = newClient(options);
      await c.connect();
      client = c;
      return c;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };
  return {
    async resolveUsername(username) {
      return (await connected()).invoke(new Api.contacts.ResolveUsername({ username }));
    },
    async getFullChannel(peer) {
      return (await connected()).invoke(new Api.channels.GetFullChannel({ channel: inputChannel(peer) }));
    },
    async getHistory(peer, params) {
      return (await connected()).invoke(
        new Api.messages.GetHistory({
          peer: inputPeer(peer),
          offsetId: params.offsetId,
          offsetDate: 0,
          addOffset: 0,
          limit: params.limit,
          maxId: 0,
          minId: params.minId,
          hash: bigInt(0),
        }),
      );
    },
    async getMessages(peer, ids) {
      return (await connected()).invoke(
        new Api.channels.GetMessages({ channel: inputChannel(peer), id: ids.map((id) => new Api.InputMessageID({ id })) }),
      );
    },
    async disconnect() {
      const c = client;
      client = null;
      if (c) await c.destroy();
    },
  };
}

/** The StringSession-free part of login, for `framewatch login`. */
export interface LoginPrompts {
  phoneNumber(): Promise<string>;
  phoneCode(): Promise<string>;
  password(hint?: string): Promise<string>;
  onError(err: Error): void;
}

/** Logs in interactively and returns the session string for TG_SESSION. */
export async function loginInteractively(apiId: number, apiHash: string, prompts: LoginPrompts): Promise<{ session: string; user: string }> {
  const session = new StringSession('');
  const client = new TelegramClient(session, apiId, apiHash, { connectionRetries: 3 });
  client.setLogLevel('error' as never);
  try {
    await client.start({
      phoneNumber: () => prompts.phoneNumber(),
      phoneCode: () => prompts.phoneCode(),
      password: (hint) => prompts.password(hint),
      onError: (err) => prompts.onError(err),
    });
    const me = await client.getMe();
    const user = me instanceof Api.User ? (me.username ? `@${me.username}` : `${me.firstName ?? ''} (id ${me.id.toString()})`) : 'unknown';
    return { session: session.save(), user };
  } finally {
    await client.destroy();
  }
}
