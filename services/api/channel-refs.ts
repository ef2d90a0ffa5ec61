// The `channel` parameter: channel ids or @usernames, comma-separated,
// resolved to ids. An unknown one is a 400 naming it, not an empty result,
// so a typo cannot pass for "no posts".
import { channelIdsByUsername, existingChannelIds } from '../channels/admin.ts';
import type { Queryable } from '../db/db.ts';
import { badParameter } from './errors.ts';
import { parseList } from './schemas.ts';

export async function resolveChannelParam(db: Queryable, value: string | undefined): Promise<number[] | null> {
  const refs = parseList(value);
  if (refs === null) return null;
  const ids = refs.filter((r) => /^\d+$/.test(r)).map(Number);
  const names = refs.filter((r) => !/^\d+$/.test(r)).map((r) => r.replace(/^@/, '').toLowerCase());
  const known = ids.length > 0 ? await existingChannelIds(db, ids) : new Set<number>();
  const byName = names.length > 0 ? await channelIdsByUsername(db, names) : new Map<string, number>();
  const unknown = [...ids.filter((id) => !known.has(id)).map((id) => `#${id}`), ...names.filter((n) => !byName.has(n)).map((n) => `@${n}`)];
  if (unknown.length > 0) throw badParameter('channel', `no such channel: ${unknown.join(', ')}`);
  return [...new Set([...ids, ...byName.values()])];
}
