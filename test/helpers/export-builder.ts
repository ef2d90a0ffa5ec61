// Writes Telegram Desktop channel exports the way Telegram Desktop does
// (one-space indentation, key order, `date` in local time plus the exact
// `date_unixtime` string), for tests and the import benchmark. Streams to
// disk so a million-post export never sits in memory.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface ExportMessageSpec {
  id: number;
  type?: 'message' | 'service';
  /** UTC instant of the post. */
  at: Date;
  editedAt?: Date;
  text?: string | Array<string | { type: string; text: string; href?: string }>;
  photo?: boolean;
  mediaType?: 'video_file' | 'voice_message' | 'animation' | 'sticker' | 'audio_file' | 'video_message';
  forwardedFrom?: { name: string; channelId?: number };
  reactions?: Array<{ emoji: string; count: number }>;
  action?: string;
}

export interface ExportSpec {
  name: string;
  id: number;
  type?: string;
  /** Offset of the exporting machine's clock, for the `date` field only. */
  utcOffsetHours?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

function localDate(at: Date, offsetHours: number): string {
  const d = new Date(at.getTime() + offsetHours * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The JSON object Telegram Desktop writes for one message. */
export function exportMessage(spec: ExportSpec, m: ExportMessageSpec): Record<string, unknown> {
  const offset = spec.utcOffsetHours ?? 3;
  const out: Record<string, unknown> = {
    id: m.id,
    type: m.type ?? 'message',
    date: localDate(m.at, offset),
    date_unixtime: String(Math.floor(m.at.getTime() / 1000)),
  };
  if (m.editedAt) {
    out.edited = localDate(m.editedAt, offset);
    out.edited_unixtime = String(Math.floor(m.editedAt.getTime() / 1000));
  }
  if (out.type === 'service') {
    out.actor = spec.name;
    out.actor_id = `channel${spec.id}`;
    out.action = m.action ?? 'pin_message';
  } else {
    out.from = spec.name;
    out.from_id = `channel${spec.id}`;
  }
  if (m.forwardedFrom) {
    out.forwarded_from = m.forwardedFrom.name;
    if (m.forwardedFrom.channelId) out.forwarded_from_id = `channel${m.forwardedFrom.channelId}`;
  }
  if (m.photo) {
    out.photo = `photos/photo_${m.id}@${localDate(m.at, offset).replace(/[T:]/g, '_')}.jpg`;
    out.width = 1280;
    out.height = 720;
  }
  if (m.mediaType) {
    out.file = `files/file_${m.id}`;
    out.media_type = m.mediaType;
    out.mime_type = 'application/octet-stream';
  }
  const text = m.text ?? '';
  out.text = text;
  out.text_entities = (typeof text === 'string' ? (text === '' ? [] : [text]) : text).map((part) =>
    typeof part === 'string' ? { type: 'plain', text: part } : part,
  );
  if (m.reactions && m.reactions.length > 0) {
    out.reactions = m.reactions.map((r) => ({ type: 'emoji', count: r.count, emoji: r.emoji }));
  }
  return out;
}

/** Telegram Desktop's layout: one space of indentation per level. */
function indent(json: string, level: number): string {
  return json.replace(/\n/g, `\n${' '.repeat(level)}`);
}

export async function writeExport(path: string, spec: ExportSpec, messages: Iterable<ExportMessageSpec>): Promise<void> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`{\n "name": ${JSON.stringify(spec.name)},\n "type": ${JSON.stringify(spec.type ?? 'public_channel')},\n "id": ${spec.id},\n "messages": [`);
  let first = true;
  for (const m of messages) {
    await write(`${first ? '' : ','}\n  ${indent(JSON.stringify(exportMessage(spec, m), null, 1), 2)}`);
    first = false;
  }
  await write('\n ]\n}\n');
  out.end();
  await once(out, 'finish');
}
