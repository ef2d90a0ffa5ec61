// Turns what an analyst pastes ("@name", "t.me/name", "https://t.me/s/name/123")
// into a channel username, or says precisely why it cannot be one.

export class ChannelRefError extends Error {
  override name = 'ChannelRefError';
}

// Telegram usernames: 5-32 characters, letters, digits and underscores,
// starting with a letter, no trailing or doubled underscore.
const USERNAME = /^[a-z][a-z0-9_]{3,30}[a-z0-9]$/i;

export function isValidUsername(name: string): boolean {
  return USERNAME.test(name) && !name.includes('__');
}

export function parseChannelRef(input: string): string {
  const raw = input.trim();
  if (raw === '') throw new ChannelRefError('empty channel reference');
  let candidate: string;
  const link = /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)\/(.*)$/i.exec(raw);
  if (link) {
    const path = (link[1] ?? '').split(/[?#]/)[0]!.split('/').filter((s) => s !== '');
    if (path[0] === 's') path.shift();
    const first = path[0] ?? '';
    if (first.startsWith('+') || first === 'joinchat') {
      throw new ChannelRefError(`"${raw}" is a private invite link; only public channels can be collected`);
    }
    if (first === 'c') throw new ChannelRefError(`"${raw}" links a private channel by id; use its public @username`);
    candidate = first;
  } else if (raw.startsWith('tg://resolve?')) {
    candidate = new URLSearchParams(raw.slice('tg://resolve?'.length)).get('domain') ?? '';
  } else {
    candidate = raw.replace(/^@/, '');
  }
  if (!isValidUsername(candidate)) {
    throw new ChannelRefError(
      `"${raw}" is not a channel username (5-32 letters, digits or _, starting with a letter) or t.me link`,
    );
  }
  return candidate.toLowerCase();
}

/** The public link of a channel's post (null for a channel without a username). */
export function publicPostUrl(username: string | null, messageId: number): string | null {
  return username ? `https://t.me/${username}/${messageId}` : null;
}
