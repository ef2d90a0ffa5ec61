// Builds the bundled sample data from the authored sources in samples/src/:
//   src/channels.json       the seven fictional channels (title, id, audience, subscriber model, reactions)
//   src/<username>.jsonl    one post per line, light markup (see samples/README.md)
// into
//   <username>/result.json  a Telegram Desktop single-chat JSON export, byte for byte deterministic
//   manifest.json           what `framewatch demo` reads
//   labels.json             the author's gold labels (topic, frames) per exported message id
//
// Run: node --import tsx samples/build.ts        (add --check to verify without writing)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAME_IDS, type FrameId } from '../services/classifier/types.ts';
import { mulberry32 } from '../services/random.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(HERE, 'src');
const CHECK_ONLY = process.argv.includes('--check');

// ---------------------------------------------------------------------------
// Constants of the sample

/** Telegram Desktop writes `date` in the exporting machine's local time; ours ran in Moscow (UTC+3, no DST). */
const LOCAL_OFFSET_SECONDS = 3 * 3600;
const PERIOD_START = Date.parse('2024-10-01T00:00:00Z');
const PERIOD_END = Date.parse('2025-03-01T00:00:00Z');
const FRAMES = FRAME_IDS;
type Frame = FrameId;
const AUDIENCES = ['ua', 'ru', 'west', 'monitor'] as const;
type Audience = (typeof AUDIENCES)[number];

// ---------------------------------------------------------------------------
// Authored inputs

interface ChannelSpec {
  username: string;
  title: string;
  id: number;
  audience: Audience;
  labels: string[];
  /** 'web': the demo collects this channel from the simulated web preview instead of importing its export. */
  demoSource?: 'export' | 'web';
  /** When the channel was created (UTC ISO); dates the create_channel service message. */
  created: string;
  subscribers: {
    start: number;
    end: number;
    /** Step changes on top of the trend: [UTC date, +/- subscribers]. */
    bumps?: Array<[string, number]>;
    /** Week-to-week wobble as a share of the count (default 0.002). */
    noise?: number;
  };
  reactions: {
    /** Emoji the audience uses, most frequent first. */
    palette: string[];
    /** Typical total reactions on a post. */
    scale: number;
  };
}

interface Entry {
  at: string;
  text?: string;
  media?: 'photo' | 'video';
  album?: number;
  size?: [number, number];
  duration?: number;
  edited?: string;
  forwardOf?: string;
  orig?: string;
  reactions?: Record<string, number> | false;
  service?: 'pin_message';
  pin?: string;
  topic?: boolean;
  frames?: string[];
  note?: string;
}

const ENTRY_KEYS = new Set([
  'at', 'text', 'media', 'album', 'size', 'duration', 'edited', 'forwardOf', 'orig', 'reactions', 'service', 'pin',
  'topic', 'frames', 'note',
]);

class SourceError extends Error {}

function fail(where: string, message: string): never {
  throw new SourceError(`${where}: ${message}`);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/;

function parseUtc(value: unknown, where: string, field: string): number {
  if (typeof value !== 'string' || !ISO_UTC.test(value)) fail(where, `"${field}" must be a UTC time like 2024-10-18T09:41:00Z`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) fail(where, `"${field}" is not a valid time`);
  return ms;
}

function readChannels(): ChannelSpec[] {
  const raw = JSON.parse(readFileSync(join(SRC, 'channels.json'), 'utf8')) as { channels: ChannelSpec[] };
  const seen = new Set<string>();
  for (const c of raw.channels) {
    const where = `channels.json @${c.username}`;
    if (!/^[a-z][a-z0-9_]{4,31}$/.test(c.username) || c.username.endsWith('_') || c.username.includes('__')) {
      fail(where, 'username must be 5-32 lowercase letters, digits or single underscores, starting with a letter');
    }
    if (seen.has(c.username)) fail(where, 'duplicate username');
    seen.add(c.username);
    if (!Number.isSafeInteger(c.id) || c.id < 1_500_000_000 || c.id > 2_500_000_000) fail(where, 'id must be within 1500000000..2500000000');
    if (!(AUDIENCES as readonly string[]).includes(c.audience)) fail(where, `unknown audience ${c.audience}`);
    parseUtc(c.created, where, 'created');
  }
  return raw.channels;
}

interface SourceLine {
  entry: Entry;
  line: number;
  atMs: number;
}

function readSource(channel: ChannelSpec): SourceLine[] {
  const file = `src/${channel.username}.jsonl`;
  const lines = readFileSync(join(SRC, `${channel.username}.jsonl`), 'utf8').split('\n');
  const out: SourceLine[] = [];
  let previous = -Infinity;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const where = `${file}:${line}`;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('//')) return;
    let entry: Entry;
    try {
      entry = JSON.parse(trimmed) as Entry;
    } catch (err) {
      fail(where, `not valid JSON (${(err as Error).message})`);
    }
    for (const key of Object.keys(entry)) if (!ENTRY_KEYS.has(key)) fail(where, `unknown key "${key}"`);
    const atMs = parseUtc(entry.at, where, 'at');
    if (atMs < PERIOD_START || atMs >= PERIOD_END) fail(where, 'outside the sample period 2024-10-01 .. 2025-02-28');
    if (atMs < previous) fail(where, 'posts must be in chronological order');
    previous = atMs;
    if (entry.service !== undefined) {
      if (entry.service !== 'pin_message') fail(where, `unsupported service "${entry.service}"`);
      if (typeof entry.pin !== 'string') fail(where, 'pin_message needs "pin": the "at" of the pinned post');
      const allowed = new Set(['at', 'service', 'pin', 'note']);
      for (const key of Object.keys(entry)) if (!allowed.has(key)) fail(where, `a service line takes no "${key}"`);
    } else {
      if (entry.forwardOf !== undefined) {
        if (typeof entry.orig !== 'string') fail(where, 'a forward needs "orig": the "at" of the forwarded post');
        if (entry.text !== undefined || entry.media !== undefined) fail(where, 'a forward copies text and media from its origin; give neither');
      } else {
        if (entry.orig !== undefined) fail(where, '"orig" only goes with "forwardOf"');
        if ((entry.text === undefined || entry.text === '') && entry.media === undefined) fail(where, 'a post needs text or media');
      }
      if (entry.media !== undefined && entry.media !== 'photo' && entry.media !== 'video') fail(where, 'media is "photo" or "video"');
      if (entry.album !== undefined && (!Number.isInteger(entry.album) || entry.album < 2 || entry.album > 10 || entry.media === undefined)) {
        fail(where, 'album is 2..10 and needs media');
      }
      if (entry.edited !== undefined && parseUtc(entry.edited, where, 'edited') <= atMs) fail(where, '"edited" must be after "at"');
      if (entry.frames !== undefined) {
        for (const f of entry.frames) if (!(FRAMES as readonly string[]).includes(f)) fail(where, `unknown frame "${f}"`);
        if (new Set(entry.frames).size !== entry.frames.length) fail(where, 'a frame is listed twice');
        if (entry.frames.length > 0 && entry.topic !== true) fail(where, 'frames need "topic": true');
      }
    }
    out.push({ entry, line, atMs });
  });
  return out;
}

// ---------------------------------------------------------------------------
// Deterministic pseudo-randomness (FNV-1a seed, mulberry32 stream)

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function rng(seed: string): () => number {
  return mulberry32(hash32(seed));
}

// ---------------------------------------------------------------------------
// Markup → Telegram Desktop text parts

interface Part {
  type: string;
  text: string;
  href?: string;
}

const INLINE = /\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|~~([\s\S]+?)~~|\|\|([\s\S]+?)\|\||\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;
const AUTO =
  /(https?:\/\/[^\s«»"<>]*[^\s«»"<>.,;:!?)\]])|((?<![\p{L}\p{N}_/.])t\.me\/[A-Za-z0-9_/+]+[A-Za-z0-9_])|((?<![\p{L}\p{N}_&])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)|((?<![\p{L}\p{N}_@./])@[A-Za-z][A-Za-z0-9_]{3,31}(?![A-Za-z0-9_]))/gu;

function autoParts(text: string, out: Part[]): void {
  let last = 0;
  for (const m of text.matchAll(AUTO)) {
    const index = m.index ?? 0;
    if (index > last) out.push({ type: 'plain', text: text.slice(last, index) });
    const type = m[1] !== undefined || m[2] !== undefined ? 'link' : m[3] !== undefined ? 'hashtag' : 'mention';
    out.push({ type, text: m[0] });
    last = index + m[0].length;
  }
  if (last < text.length) out.push({ type: 'plain', text: text.slice(last) });
}

function inlineParts(text: string, out: Part[]): void {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const index = m.index ?? 0;
    if (index > last) autoParts(text.slice(last, index), out);
    if (m[1] !== undefined) out.push({ type: 'bold', text: m[1] });
    else if (m[2] !== undefined) out.push({ type: 'italic', text: m[2] });
    else if (m[3] !== undefined) out.push({ type: 'strikethrough', text: m[3] });
    else if (m[4] !== undefined) out.push({ type: 'spoiler', text: m[4] });
    else out.push({ type: 'text_link', text: m[5] ?? '', href: m[6] ?? '' });
    last = index + m[0].length;
  }
  if (last < text.length) autoParts(text.slice(last), out);
}

/** Lines starting with "> " become one blockquote per run of such lines; the rest is inline markup. */
export function markupToParts(source: string): Part[] {
  const parts: Part[] = [];
  const lines = source.split('\n');
  let buffer: string[] = [];
  const flushPlain = (trailingNewline: boolean) => {
    if (buffer.length === 0) return;
    inlineParts(buffer.join('\n') + (trailingNewline ? '\n' : ''), parts);
    buffer = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('> ')) {
      flushPlain(true);
      const quote: string[] = [];
      while (i < lines.length && (lines[i] ?? '').startsWith('> ')) {
        quote.push((lines[i] ?? '').slice(2));
        i++;
      }
      i--;
      parts.push({ type: 'blockquote', text: quote.join('\n') });
      if (i < lines.length - 1) parts.push({ type: 'plain', text: '\n' });
    } else {
      buffer.push(line);
    }
  }
  flushPlain(false);
  // Merge neighbouring plain parts, drop empty ones.
  const merged: Part[] = [];
  for (const p of parts) {
    if (p.text === '') continue;
    const prev = merged[merged.length - 1];
    if (p.type === 'plain' && prev?.type === 'plain') prev.text += p.text;
    else merged.push({ ...p });
  }
  return merged;
}

function entityObject(p: Part): Record<string, string> {
  return p.href !== undefined ? { type: p.type, text: p.text, href: p.href } : { type: p.type, text: p.text };
}

function textFields(parts: Part[]): { text: string | Array<string | Record<string, string>>; text_entities: Array<Record<string, string>> } {
  if (parts.length === 0) return { text: '', text_entities: [] };
  const entities = parts.map(entityObject);
  if (parts.every((p) => p.type === 'plain')) return { text: parts.map((p) => p.text).join(''), text_entities: entities };
  return { text: parts.map((p) => (p.type === 'plain' ? p.text : entityObject(p))), text_entities: entities };
}

// ---------------------------------------------------------------------------
// Export writer

function localDate(ms: number): string {
  return new Date(ms + LOCAL_OFFSET_SECONDS * 1000).toISOString().slice(0, 19);
}

function unix(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** "18-10-2024_12-41-00" as Telegram Desktop names media files. */
function fileStamp(ms: number): string {
  const d = localDate(ms);
  return `${d.slice(8, 10)}-${d.slice(5, 7)}-${d.slice(0, 4)}_${d.slice(11, 13)}-${d.slice(14, 16)}-${d.slice(17, 19)}`;
}

const PHOTO_SIZES: Array<[number, number]> = [[1280, 720], [1280, 960], [1280, 853], [960, 1280], [1024, 1280], [1280, 1280], [1179, 1280]];
const VIDEO_SIZES: Array<[number, number]> = [[1280, 720], [720, 1280], [848, 480], [1920, 1080], [576, 1024], [640, 360]];

interface Built {
  channel: ChannelSpec;
  messages: Array<Record<string, unknown>>;
  labels: Array<{ id: number; topic: boolean; frames: Frame[] }>;
  stats: {
    messages: number;
    posts: number;
    forwards: number;
    albumParts: number;
    mediaOnly: number;
    edited: number;
    service: number;
    withReactions: number;
    onTopic: number;
    frames: Record<Frame, number>;
  };
  idByAt: Map<string, number>;
}

function autoReactions(channel: ChannelSpec, seed: string, topic: boolean, hasMedia: boolean): Array<Record<string, unknown>> | null {
  const r = rng(`reactions|${channel.username}|${seed}`);
  if (r() < 0.07) return null; // some posts simply collect none in the export window
  const jitter = 0.45 + r() * 1.3;
  const total = Math.max(3, Math.round(channel.reactions.scale * jitter * (topic ? 1.35 : 1) * (hasMedia ? 1.1 : 1)));
  const kinds = 2 + Math.floor(r() * Math.min(4, channel.reactions.palette.length - 1));
  const palette = [...channel.reactions.palette];
  const chosen: string[] = [];
  for (let k = 0; k < kinds && palette.length > 0; k++) {
    // Earlier palette entries are likelier.
    const pick = Math.min(palette.length - 1, Math.floor(r() * r() * palette.length));
    chosen.push(palette.splice(pick, 1)[0] ?? '👍');
  }
  let remaining = total;
  const out: Array<Record<string, unknown>> = [];
  chosen.forEach((emoji, i) => {
    const share = i === chosen.length - 1 ? remaining : Math.max(1, Math.round(remaining * (0.45 + r() * 0.3)));
    remaining = Math.max(0, remaining - share);
    if (share > 0) out.push({ type: 'emoji', count: share, emoji });
  });
  out.sort((a, b) => (b.count as number) - (a.count as number));
  return out;
}

function explicitReactions(value: Record<string, number>, where: string): Array<Record<string, unknown>> {
  return Object.entries(value)
    .map(([emoji, count]) => {
      if (!Number.isInteger(count) || count < 0) fail(where, `reaction count for ${emoji} must be a whole number`);
      return { type: 'emoji', count, emoji };
    })
    .sort((a, b) => b.count - a.count);
}

function buildChannel(
  channel: ChannelSpec,
  source: SourceLine[],
  channels: Map<string, ChannelSpec>,
  sources: Map<string, SourceLine[]>,
): Built {
  const from = channel.title;
  const fromId = `channel${channel.id}`;
  const messages: Array<Record<string, unknown>> = [];
  const labels: Built['labels'] = [];
  const idByAt = new Map<string, number>();
  const stats: Built['stats'] = {
    messages: 0, posts: 0, forwards: 0, albumParts: 0, mediaOnly: 0, edited: 0, service: 0, withReactions: 0, onTopic: 0,
    frames: Object.fromEntries(FRAMES.map((f) => [f, 0])) as Record<Frame, number>,
  };
  let photoCounter = 0;
  let videoCounter = 0;
  const createdMs = Date.parse(channel.created);
  messages.push({
    id: 1,
    type: 'service',
    date: localDate(createdMs),
    date_unixtime: unix(createdMs),
    actor: from,
    actor_id: fromId,
    action: 'create_channel',
    title: from,
    text: '',
    text_entities: [],
  });
  stats.service++;

  for (const { entry, line, atMs } of source) {
    const where = `src/${channel.username}.jsonl:${line}`;
    const id = messages.length + 1;
    if (entry.service === 'pin_message') {
      const target = idByAt.get(new Date(parseUtc(entry.pin, where, 'pin')).toISOString());
      if (target === undefined) fail(where, `no earlier post at ${entry.pin} to pin`);
      messages.push({
        id, type: 'service', date: localDate(atMs), date_unixtime: unix(atMs), actor: from, actor_id: fromId,
        action: 'pin_message', message_id: target, text: '', text_entities: [],
      });
      stats.service++;
      continue;
    }

    // Resolve what is posted: own content or a forwarded one.
    let content: Entry = entry;
    let forward: ChannelSpec | null = null;
    if (entry.forwardOf !== undefined) {
      const origin = channels.get(entry.forwardOf);
      if (!origin) fail(where, `forwardOf names no sample channel: ${entry.forwardOf}`);
      if (origin.username === channel.username) fail(where, 'a channel does not forward itself here');
      const origMs = parseUtc(entry.orig, where, 'orig');
      if (origMs > atMs) fail(where, 'the forwarded post is newer than the forward');
      const found = (sources.get(origin.username) ?? []).find((s) => s.atMs === origMs && s.entry.service === undefined && s.entry.forwardOf === undefined);
      if (!found) fail(where, `@${origin.username} has no own post at ${entry.orig}`);
      content = found.entry;
      forward = origin;
    }
    const topic = entry.topic ?? content.topic ?? false;
    const frames = ((entry.frames ?? content.frames ?? []) as Frame[]).slice();
    const parts = content.text ? markupToParts(content.text) : [];
    const count = content.album ?? 1;
    const seed = `${entry.at}|${line}`;
    const r = rng(`media|${channel.username}|${seed}`);

    for (let i = 0; i < count; i++) {
      const mid = messages.length + 1;
      const msg: Record<string, unknown> = { id: mid, type: 'message', date: localDate(atMs), date_unixtime: unix(atMs) };
      if (i === 0 && entry.edited !== undefined) {
        const editedMs = parseUtc(entry.edited, where, 'edited');
        msg.edited = localDate(editedMs);
        msg.edited_unixtime = unix(editedMs);
        stats.edited++;
      }
      msg.from = from;
      msg.from_id = fromId;
      if (forward) {
        msg.forwarded_from = forward.title;
        msg.forwarded_from_id = `channel${forward.id}`;
      }
      if (content.media === 'photo') {
        photoCounter++;
        const [w, h] = (i === 0 && content.size) || PHOTO_SIZES[Math.floor(r() * PHOTO_SIZES.length)] || [1280, 720];
        msg.photo = `photos/photo_${photoCounter}@${fileStamp(atMs)}.jpg`;
        msg.width = w;
        msg.height = h;
      } else if (content.media === 'video') {
        videoCounter++;
        const [w, h] = (i === 0 && content.size) || VIDEO_SIZES[Math.floor(r() * VIDEO_SIZES.length)] || [1280, 720];
        const file = `video_files/video_${videoCounter}@${fileStamp(atMs)}.mp4`;
        msg.file = file;
        msg.thumbnail = `${file}_thumb.jpg`;
        msg.media_type = 'video_file';
        msg.mime_type = 'video/mp4';
        msg.duration_seconds = (i === 0 && content.duration) || 6 + Math.floor(r() * 170);
        msg.width = w;
        msg.height = h;
      }
      const fields = i === 0 ? textFields(parts) : textFields([]);
      msg.text = fields.text;
      msg.text_entities = fields.text_entities;
      if (i === 0) {
        let reactions: Array<Record<string, unknown>> | null;
        if (entry.reactions === false) reactions = null;
        else if (entry.reactions !== undefined) reactions = explicitReactions(entry.reactions, where);
        else reactions = autoReactions(channel, seed, topic, content.media !== undefined);
        if (reactions && reactions.length > 0) {
          msg.reactions = reactions;
          stats.withReactions++;
        }
      }
      messages.push(msg);
      stats.messages++;
      if (i === 0) {
        idByAt.set(new Date(atMs).toISOString(), mid);
        stats.posts++;
        if (forward) stats.forwards++;
        if (parts.length === 0) stats.mediaOnly++;
        if (topic) {
          stats.onTopic++;
          for (const f of frames) stats.frames[f]++;
        }
        if (parts.length > 0) labels.push({ id: mid, topic, frames });
      } else {
        stats.albumParts++;
      }
    }
  }
  return { channel, messages, labels, stats, idByAt };
}

// ---------------------------------------------------------------------------
// Subscribers (weekly, deterministic)

function subscriberSeries(channel: ChannelSpec): Array<[string, number]> {
  const { start, end, bumps = [], noise = 0.002 } = channel.subscribers;
  const week = 7 * 24 * 3600 * 1000;
  const points: number[] = [];
  for (let t = PERIOD_START; t < PERIOD_END; t += week) points.push(t);
  const r = rng(`subscribers|${channel.username}`);
  const bumpTotal = bumps.reduce((sum, [, d]) => sum + d, 0);
  const span = (points[points.length - 1] ?? PERIOD_START) - PERIOD_START;
  let wobble = 0;
  return points.map((t, i) => {
    const progress = span === 0 ? 0 : (t - PERIOD_START) / span;
    const applied = bumps.reduce((sum, [at, d]) => (Date.parse(at) <= t ? sum + d : sum), 0);
    // The trend carries what the bumps do not, so the series still ends at `end`.
    const trend = start + (end - start - bumpTotal) * progress;
    wobble = i === 0 || i === points.length - 1 ? 0 : wobble * 0.5 + (r() - 0.5) * 2 * noise * start;
    return [new Date(t).toISOString().replace('.000Z', 'Z'), Math.round(trend + applied + wobble)];
  });
}

// ---------------------------------------------------------------------------
// Main

function main(): void {
  const channels = readChannels();
  const byName = new Map(channels.map((c) => [c.username, c]));
  const sources = new Map(channels.map((c) => [c.username, readSource(c)]));

  // All authored texts are distinct across the sample (forwards copy theirs by design).
  const texts = new Map<string, string>();
  for (const c of channels) {
    for (const { entry, line } of sources.get(c.username) ?? []) {
      if (!entry.text) continue;
      const key = entry.text.replace(/\s+/g, ' ').trim().toLowerCase();
      const other = texts.get(key);
      if (other) fail(`src/${c.username}.jsonl:${line}`, `same text as ${other}`);
      texts.set(key, `src/${c.username}.jsonl:${line}`);
    }
  }

  const built = channels.map((c) => buildChannel(c, sources.get(c.username) ?? [], byName, sources));

  const manifest = {
    channels: channels.map((c) => ({
      username: c.username,
      audience: c.audience,
      labels: c.labels,
      export: `${c.username}/result.json`,
      // How `framewatch demo` brings the channel in: its export imported, or
      // collected live from the simulated t.me web preview.
      source: c.demoSource ?? 'export',
      subscribers: subscriberSeries(c),
    })),
  };
  const labels = {
    taxonomy: 'v1',
    note: 'Gold labels by the sample author, per exported message id; media-only messages are left out.',
    channels: Object.fromEntries(built.map((b) => [b.channel.username, b.labels])),
  };

  if (!CHECK_ONLY) {
    for (const b of built) {
      const dir = join(HERE, b.channel.username);
      mkdirSync(dir, { recursive: true });
      const doc = { name: b.channel.title, type: 'public_channel', id: b.channel.id, messages: b.messages };
      writeFileSync(join(dir, 'result.json'), `${JSON.stringify(doc, null, 1)}\n`);
    }
    writeFileSync(join(HERE, 'manifest.json'), `${formatManifest(manifest)}\n`);
    writeFileSync(join(HERE, 'labels.json'), `${formatLabels(labels)}\n`);
  }
  report(built);
}

/** Keeps each [time, count] pair on one line so the manifest stays readable. */
function formatManifest(manifest: { channels: Array<Record<string, unknown>> }): string {
  return JSON.stringify(manifest, null, 2).replace(/\[\n\s+("[^"]+"),\n\s+(\d+)\n\s+\]/g, '[$1, $2]');
}

function formatLabels(labels: { channels: Record<string, Array<Record<string, unknown>>> } & Record<string, unknown>): string {
  const lines = ['{', `  "taxonomy": ${JSON.stringify(labels.taxonomy)},`, `  "note": ${JSON.stringify(labels.note)},`, '  "channels": {'];
  const names = Object.keys(labels.channels);
  names.forEach((name, i) => {
    const rows = labels.channels[name] ?? [];
    lines.push(`    ${JSON.stringify(name)}: [`);
    rows.forEach((row, j) => lines.push(`      ${JSON.stringify(row)}${j < rows.length - 1 ? ',' : ''}`));
    lines.push(`    ]${i < names.length - 1 ? ',' : ''}`);
  });
  lines.push('  }', '}');
  return lines.join('\n');
}

function report(built: Built[]): void {
  const short: Record<Frame, string> = {
    denial: 'den', western_pretext: 'pre', berserker_praise: 'ber', incompetence: 'inc', kidnapping: 'kid',
    alliance_legitimation: 'all', cannon_fodder: 'can',
  };
  const header = ['channel', 'aud', 'msgs', 'posts', 'fwd', 'album+', 'media', 'edit', 'react', 'topic', 'share', 'msg%', ...FRAMES.map((f) => short[f])];
  const rows: string[][] = [header];
  const total = Object.fromEntries(FRAMES.map((f) => [f, 0])) as Record<Frame, number>;
  let sumMsgs = 0;
  let sumPosts = 0;
  let sumTopic = 0;
  const warnings: string[] = [];
  for (const b of built) {
    const s = b.stats;
    sumMsgs += s.messages;
    sumPosts += s.posts;
    sumTopic += s.onTopic;
    for (const f of FRAMES) total[f] += s.frames[f];
    const share = s.onTopic / s.posts;
    rows.push([
      b.channel.username, b.channel.audience, String(s.messages), String(s.posts), String(s.forwards), String(s.albumParts),
      String(s.mediaOnly), String(s.edited), String(s.withReactions), String(s.onTopic), `${Math.round(share * 100)}%`,
      `${Math.round((s.onTopic / s.messages) * 100)}%`, ...FRAMES.map((f) => String(s.frames[f])),
    ]);
    if (s.posts - s.forwards < 110) warnings.push(`@${b.channel.username}: ${s.posts - s.forwards} own posts (< 110)`);
    if (share < 0.55 || share > 0.65) warnings.push(`@${b.channel.username}: on-topic share ${(share * 100).toFixed(1)}% outside 55-65%`);
  }
  rows.push(['total', '', String(sumMsgs), String(sumPosts), '', '', '', '', '', String(sumTopic), `${Math.round((sumTopic / sumPosts) * 100)}%`, `${Math.round((sumTopic / sumMsgs) * 100)}%`, ...FRAMES.map((f) => String(total[f]))]);
  for (const f of FRAMES) if (total[f] < 25) warnings.push(`frame ${f}: ${total[f]} posts (< 25)`);
  const widths = header.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '));
  console.log(`frames: ${FRAMES.map((f) => `${short[f]}=${f}`).join(', ')}`);
  console.log('"posts" counts an album once, "msgs" counts every exported message (as the importer does); "share" is topic/posts, "msg%" topic/msgs');
  for (const w of warnings) console.log(`warning: ${w}`);
  if (CHECK_ONLY) console.log('checked, nothing written');
}

try {
  main();
} catch (err) {
  if (err instanceof SourceError) {
    console.error(`build failed: ${err.message}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
