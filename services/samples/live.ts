// The demo's live channels: sample exports turned into web-preview channels
// that the simulated Telegram (tme-server.ts) serves, with their newest posts
// held back and published one at a time, so the workers find new posts the
// way they would on t.me.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flattenText } from '../exports/telegram-desktop.ts';
import { escapeHtml } from '../html.ts';
import type { TextEntity } from '../posts/types.ts';
import type { SampleChannel } from './load.ts';
import type { FakeChannel, FakePost } from './tme-pages.ts';

const TAGS: Record<string, (inner: string, e: TextEntity) => string> = {
  bold: (t) => `<b>${t}</b>`,
  italic: (t) => `<i>${t}</i>`,
  underline: (t) => `<u>${t}</u>`,
  strikethrough: (t) => `<s>${t}</s>`,
  code: (t) => `<code>${t}</code>`,
  text_link: (t, e) => `<a href="${escapeHtml(e.url ?? '')}" target="_blank" rel="noopener">${t}</a>`,
  link: (t, e) => `<a href="${escapeHtml(e.url ?? '')}" target="_blank" rel="noopener">${t}</a>`,
  mention: (t) => `<a href="https://t.me/${escapeHtml(t.replace(/^@/, ''))}">${t}</a>`,
  hashtag: (t) => `<a href="?q=${encodeURIComponent(t)}">${t}</a>`,
};

/** A message's text as t.me renders it: escaped, line breaks as <br/>, entities as tags. */
export function messageHtml(text: string, entities: readonly TextEntity[]): string {
  const render = (s: string) => escapeHtml(s).replace(/\n/g, '<br/>');
  let html = '';
  let at = 0;
  for (const e of [...entities].sort((a, b) => a.offset - b.offset)) {
    if (e.offset < at) continue; // exports never nest entities; skip an overlap rather than garble text
    html += render(text.slice(at, e.offset));
    const inner = render(text.slice(e.offset, e.offset + e.length));
    const wrap = TAGS[e.type];
    html += wrap ? wrap(inner, e.type === 'link' ? { ...e, url: text.slice(e.offset, e.offset + e.length) } : e) : inner;
    at = e.offset + e.length;
  }
  return html + render(text.slice(at));
}

/** Deterministic, plausible view counts (exports carry none): a share of the audience, more for reacted posts. */
function viewsFor(id: number, subscribers: number, reactions: number): number {
  const spread = ((id * 2654435761) >>> 0) / 2 ** 32;
  return Math.round(subscribers * (0.12 + 0.25 * spread)) + reactions * 4;
}

interface ExportMessage {
  id: number;
  type: string;
  date_unixtime?: string;
  edited_unixtime?: string;
  text?: unknown;
  text_entities?: unknown;
  photo?: string;
  media_type?: string;
  forwarded_from?: string | null;
  reactions?: Array<{ count: number }>;
}

export interface LiveSampleChannel {
  channel: FakeChannel;
  /** Posts not yet visible, oldest first; publish() moves the next one onto the page. */
  heldBack: FakePost[];
}

/**
 * A sample channel as the web preview shows it. `holdBack` of its newest
 * posts start hidden (0 for channels that were imported and only polled).
 */
export async function liveSampleChannel(dir: string, sample: SampleChannel, title: string, holdBack: number): Promise<LiveSampleChannel> {
  const doc = JSON.parse(await readFile(join(dir, sample.export), 'utf8')) as { name: string; messages: ExportMessage[] };
  const subscribers = sample.subscribers.at(-1)?.[1] ?? 10_000;
  const posts: FakePost[] = doc.messages
    .filter((m) => m.type === 'message' && m.date_unixtime)
    .map((m) => {
      const { text, entities } = flattenText(m.text_entities ?? m.text, `message ${m.id}`);
      const reactions = (m.reactions ?? []).reduce((n, r) => n + r.count, 0);
      return {
        id: m.id,
        at: new Date(Number(m.date_unixtime) * 1000),
        ...(text !== '' ? { html: messageHtml(text, entities) } : {}),
        views: viewsFor(m.id, subscribers, reactions),
        ...(m.edited_unixtime ? { edited: true } : {}),
        ...(m.photo ? { photo: true } : {}),
      };
    });
  const visible = holdBack > 0 ? posts.slice(0, -holdBack) : posts;
  return {
    channel: { username: sample.username, title: title || doc.name, about: `Sample channel (${sample.audience})`, subscribers, posts: visible },
    heldBack: holdBack > 0 ? posts.slice(-holdBack) : [],
  };
}

/** Publishes the next held-back post of the channels in turn; false when none is left. */
export function publishNext(live: LiveSampleChannel[], turn: number): FakePost | null {
  for (let i = 0; i < live.length; i++) {
    const c = live[(turn + i) % live.length]!;
    const next = c.heldBack.shift();
    if (next) {
      c.channel.posts.push(next);
      return next;
    }
  }
  return null;
}
