// Several MTProto accounts share the channels. An access hash is valid only
// for the account that resolved it, so each channel sticks to one account:
// the one recorded with its access hash while that account is configured,
// otherwise the one rendezvous hashing picks (adding an account moves only
// its share of channels; removing one moves only the channels it had).
import { createHash } from 'node:crypto';

/** A stable, non-secret name for a session string: what channels.mtproto_account stores. */
export function accountKey(session: string): string {
  return `s${createHash('sha256').update(session).digest('hex').slice(0, 15)}`;
}

function score(account: string, channelKey: string): bigint {
  return createHash('sha256').update(`${account}\u0000${channelKey}`).digest().readBigUInt64BE(0);
}

/** Rendezvous (highest random weight) choice of an account for a channel. */
export function assignAccount(accounts: readonly string[], channelKey: string): string {
  if (accounts.length === 0) throw new Error('no MTProto accounts configured');
  let best = accounts[0]!;
  let bestScore = score(best, channelKey);
  for (const account of accounts.slice(1)) {
    const s = score(account, channelKey);
    if (s > bestScore) {
      best = account;
      bestScore = s;
    }
  }
  return best;
}

/** The account that must read this channel: its resolver while configured, else the hashed choice. */
export function accountFor(accounts: readonly string[], channel: { channelId: number; account: string | null; accessHash: string | null }): string {
  if (channel.account && channel.accessHash && accounts.includes(channel.account)) return channel.account;
  return assignAccount(accounts, String(channel.channelId));
}
