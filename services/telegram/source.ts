// MTProto as a collection source: each channel resolved once per account and
// then read by id and access hash; history in pages of 100 with min_id /
// offset_id; recent posts re-read with channels.GetMessages, which answers a
// deleted post with MessageEmpty. Every request waits its turn on the
// account's pacer; a FloodWait pauses that pacer and becomes a RetryLaterError.
import { errors } from 'telegram';
import type { Clock, Pacer } from '../pacing/pacer.ts';
import { RetryLaterError } from '../pacing/retry-later.ts';
import {
  ChannelUnavailableError,
  type ChannelSource,
  type RecheckResult,
  type Resolution,
  type SourceChannel,
} from '../collection/source.ts';
import { accountFor } from './accounts.ts';
import type { ChannelPeer, MtprotoClient } from './client.ts';
import { mapChannelFull, mapMessages, mapResolvedPeer } from './mapping.ts';

export const HISTORY_PAGE = 100;
export const GET_MESSAGES_BATCH = 100;

export interface MtprotoAccount {
  key: string;
  client: MtprotoClient;
  pacer: Pacer;
}

export interface MtprotoSourceOptions {
  accounts: readonly MtprotoAccount[];
  /** contacts.ResolveUsername has its own, much slower pace (shared by all accounts' resolutions). */
  resolvePacer: Pacer;
  clock: Clock;
  /** A pacer wait longer than this becomes a RetryLaterError. */
  maxWaitMs?: number;
}

function rpcMessage(err: unknown): string | null {
  return err instanceof errors.RPCError ? err.errorMessage : null;
}

export function createMtprotoSource(options: MtprotoSourceOptions): ChannelSource {
  const { clock } = options;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const keys = options.accounts.map((a) => a.key);
  const byKey = new Map(options.accounts.map((a) => [a.key, a]));

  function accountOf(channel: SourceChannel): MtprotoAccount {
    return byKey.get(accountFor(keys, channel))!;
  }

  /** One paced request; FloodWait and "this channel is gone" mapped to our errors. */
  async function call<T>(account: MtprotoAccount, pacer: Pacer, what: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await pacer.take({ maxWaitMs, ...(signal ? { signal } : {}) });
    try {
      return await fn();
    } catch (err) {
      if (err instanceof errors.FloodWaitError) {
        const waitMs = err.seconds * 1000;
        pacer.pauseUntil(clock.now() + waitMs);
        throw new RetryLaterError(waitMs, `Telegram asked account ${account.key} to wait (FLOOD_WAIT ${err.seconds}s) on ${what}`);
      }
      const code = rpcMessage(err);
      if (code === 'USERNAME_NOT_OCCUPIED' || code === 'USERNAME_INVALID') throw new ChannelUnavailableError('not_found', `${what}: ${code}`);
      if (code === 'CHANNEL_PRIVATE' || code === 'CHANNEL_PUBLIC_GROUP_NA') throw new ChannelUnavailableError('private', `${what}: ${code}`);
      throw err;
    }
  }

  function peerOf(channel: SourceChannel): ChannelPeer {
    if (channel.telegramId === null || channel.accessHash === null) {
      throw new Error(`channel #${channel.channelId} is not resolved yet (resolve() first)`);
    }
    return { telegramId: channel.telegramId, accessHash: channel.accessHash };
  }

  return {
    kind: 'mtproto',

    async resolve(channel, signal): Promise<Resolution | null> {
      const account = accountOf(channel);
      if (channel.accessHash !== null && channel.telegramId !== null && channel.account === account.key) return null;
      if (!channel.username) throw new ChannelUnavailableError('not_found', `channel #${channel.channelId} has no username to resolve`);
      const username = channel.username;
      // Both paces apply: the resolve budget and the account's own.
      await options.resolvePacer.take({ maxWaitMs, ...(signal ? { signal } : {}) });
      const answer = await call(account, account.pacer, `contacts.ResolveUsername(@${username})`, () => account.client.resolveUsername(username), signal);
      const resolved = mapResolvedPeer(answer);
      if (resolved.kind === 'not_channel') throw new ChannelUnavailableError('not_found', `@${username} is not a channel`);
      if (resolved.kind === 'private') throw new ChannelUnavailableError('private', `@${username} is private to this account`);
      return { telegramId: resolved.telegramId, accessHash: resolved.accessHash, account: account.key };
    },

    async snapshot(channel, signal) {
      const account = accountOf(channel);
      const answer = await call(account, account.pacer, 'channels.GetFullChannel', () => account.client.getFullChannel(peerOf(channel)), signal);
      return { snapshot: mapChannelFull(answer, new Date(clock.now())), requests: 1 };
    },

    async history(channel, query, signal) {
      const account = accountOf(channel);
      const answer = await call(
        account,
        account.pacer,
        'messages.GetHistory',
        () => account.client.getHistory(peerOf(channel), { offsetId: query.before ?? 0, minId: query.after ?? 0, limit: HISTORY_PAGE }),
        signal,
      );
      const mapped = mapMessages(answer);
      // A short page means the range is exhausted (service messages count toward the limit too).
      return { posts: mapped.posts, more: mapped.total >= HISTORY_PAGE, requests: 1 };
    },

    async recheck(channel, messageIds, signal): Promise<RecheckResult> {
      const account = accountOf(channel);
      const result: RecheckResult = { posts: [], gone: [], requests: 0 };
      const ids = [...new Set(messageIds)].sort((a, b) => a - b);
      for (let i = 0; i < ids.length; i += GET_MESSAGES_BATCH) {
        const batch = ids.slice(i, i + GET_MESSAGES_BATCH);
        const answer = await call(account, account.pacer, 'channels.GetMessages', () => account.client.getMessages(peerOf(channel), batch), signal);
        result.requests++;
        const mapped = mapMessages(answer);
        result.posts.push(...mapped.posts);
        result.gone.push(...mapped.emptyIds.filter((id) => batch.includes(id)));
      }
      return result;
    },
  };
}
