// A streaming reader for one JSON document of the shape
//   { "k1": v1, ..., "<arrayKey>": [ e0, e1, ... ], ... }
// that yields the top-level fields and, one at a time, the elements of the
// big array. Telegram Desktop exports reach gigabytes, so memory must stay
// flat: the reader keeps only the bytes of the element it is inside.
//
// Structure is scanned byte by byte (strings, escapes, nesting); each
// complete element is handed to the native JSON.parse, which is far faster
// than a token-by-token parser. Any defect (bad syntax, truncation, trailing
// garbage) is reported with its line and byte offset.

export class JsonStreamError extends Error {
  override name = 'JsonStreamError';
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly byteOffset: number,
    readonly where: string,
  ) {
    super(`${reason} at line ${line} (byte ${byteOffset})${where ? `, ${where}` : ''}`);
  }
}

export type JsonStreamEvent =
  | { kind: 'field'; key: string; value: unknown }
  | { kind: 'element'; index: number; value: unknown }
  | { kind: 'arrayStart' }
  | { kind: 'arrayEnd'; count: number };

const enum B {
  TAB = 0x09,
  LF = 0x0a,
  CR = 0x0d,
  SPACE = 0x20,
  QUOTE = 0x22,
  COMMA = 0x2c,
  COLON = 0x3a,
  LBRACKET = 0x5b,
  BACKSLASH = 0x5c,
  RBRACKET = 0x5d,
  LBRACE = 0x7b,
  RBRACE = 0x7d,
}

const enum Phase {
  Start, // before the top-level "{"
  KeyOrEnd, // after "{": a key or "}"
  Key, // after ",": a key
  Colon,
  ArrayOpen, // after the colon of the big array's key
  Value,
  CommaOrEnd, // after a top-level value
  ElementOrEnd, // after "[" of the big array
  Element, // after "," inside the big array
  ElementCommaOrEnd,
  Done,
}

/** Scan state of the value being read, kept across chunks so no byte is scanned twice. */
interface ValueScan {
  start: number; // offset in buf
  pos: number; // next byte to scan
  depth: number;
  inString: boolean;
  escaped: boolean;
  newlines: number;
  startLine: number;
  startByte: number;
}

function isWs(b: number): boolean {
  return b === B.SPACE || b === B.LF || b === B.CR || b === B.TAB;
}

export class JsonArrayStreamReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Absolute byte offset of buf[0] in the document. */
  private base = 0;
  private line = 1;
  private phase = Phase.Start;
  private key = '';
  private count = 0;
  private scan: ValueScan | null = null;
  private readonly seenKeys = new Set<string>();

  constructor(private readonly arrayKey: string) {}

  /** Feeds the next chunk; returns the events it completes. */
  push(chunk: Buffer): JsonStreamEvent[] {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    if (this.scan) {
      const shift = this.pos;
      this.scan.start -= shift;
      this.scan.pos -= shift;
    }
    this.base += this.pos;
    this.pos = 0;
    const events: JsonStreamEvent[] = [];
    this.run(events);
    return events;
  }

  /** Signals the end of input; throws when the document is incomplete. */
  end(): void {
    if (this.phase !== Phase.Done) {
      throw this.error('the file ends before the JSON document does (truncated?)', this.base + this.buf.length);
    }
  }

  private where(): string {
    if (this.phase === Phase.Element || this.phase === Phase.ElementOrEnd || this.phase === Phase.ElementCommaOrEnd) {
      return `inside "${this.arrayKey}"[${this.count}]`;
    }
    return this.key ? `at top-level key "${this.key}"` : '';
  }

  private error(reason: string, byteOffset: number = this.base + this.pos, line: number = this.line): JsonStreamError {
    return new JsonStreamError(reason, line, byteOffset, this.where());
  }

  /** Skips whitespace; returns the next byte, or -1 when the chunk is exhausted. */
  private peek(): number {
    const buf = this.buf;
    while (this.pos < buf.length) {
      const b = buf[this.pos]!;
      if (!isWs(b)) return b;
      if (b === B.LF) this.line++;
      this.pos++;
    }
    return -1;
  }

  private unexpected(b: number, expected: string): JsonStreamError {
    const shown = b >= 0x20 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16)}`;
    return this.error(`expected ${expected} but found ${shown}`);
  }

  private run(events: JsonStreamEvent[]): void {
    for (;;) {
      if (this.phase === Phase.Done) {
        const b = this.peek();
        if (b === -1) return;
        throw this.unexpected(b, 'the end of the file');
      }
      if (this.phase === Phase.Key || this.phase === Phase.Value || this.phase === Phase.Element) {
        const value = this.readValue();
        if (value === undefined) return; // need more bytes
        this.onValue(value, events);
        continue;
      }
      if (this.phase === Phase.Start && this.base === 0 && this.pos === 0 && this.buf[0] === 0xef) {
        // A UTF-8 byte order mark is legal in front of the document.
        if (this.buf.length < 3) return;
        if (this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = 3;
      }
      const b = this.peek();
      if (b === -1) return;
      switch (this.phase) {
        case Phase.Start:
          if (b !== B.LBRACE) throw this.unexpected(b, 'a JSON object ("{")');
          this.pos++;
          this.phase = Phase.KeyOrEnd;
          break;
        case Phase.KeyOrEnd:
          if (b === B.RBRACE) {
            this.pos++;
            this.phase = Phase.Done;
          } else if (b === B.QUOTE) this.phase = Phase.Key;
          else throw this.unexpected(b, 'a key or "}"');
          break;
        case Phase.Colon:
          if (b !== B.COLON) throw this.unexpected(b, '":"');
          this.pos++;
          this.phase = this.key === this.arrayKey ? Phase.ArrayOpen : Phase.Value;
          break;
        case Phase.ArrayOpen:
          if (b !== B.LBRACKET) throw this.unexpected(b, `an array as the value of "${this.arrayKey}"`);
          this.pos++;
          this.phase = Phase.ElementOrEnd;
          events.push({ kind: 'arrayStart' });
          break;
        case Phase.CommaOrEnd:
          if (b === B.COMMA) {
            this.pos++;
            this.phase = Phase.Key;
          } else if (b === B.RBRACE) {
            this.pos++;
            this.phase = Phase.Done;
          } else throw this.unexpected(b, '"," or "}"');
          break;
        case Phase.ElementOrEnd:
          if (b === B.RBRACKET) this.closeArray(events);
          else this.phase = Phase.Element;
          break;
        case Phase.ElementCommaOrEnd:
          if (b === B.COMMA) {
            this.pos++;
            this.phase = Phase.Element;
          } else if (b === B.RBRACKET) this.closeArray(events);
          else throw this.unexpected(b, `"," or "]" between elements of "${this.arrayKey}"`);
          break;
        default:
          throw new Error(`unreachable phase ${this.phase}`);
      }
    }
  }

  private closeArray(events: JsonStreamEvent[]): void {
    this.pos++;
    events.push({ kind: 'arrayEnd', count: this.count });
    this.phase = Phase.CommaOrEnd;
    this.key = '';
  }

  private onValue(value: unknown, events: JsonStreamEvent[]): void {
    if (this.phase === Phase.Key) {
      if (typeof value !== 'string') throw this.error('expected a key string');
      if (this.seenKeys.has(value)) throw this.error(`duplicate top-level key "${value}"`);
      this.seenKeys.add(value);
      this.key = value;
      this.phase = Phase.Colon;
    } else if (this.phase === Phase.Value) {
      events.push({ kind: 'field', key: this.key, value });
      this.phase = Phase.CommaOrEnd;
      this.key = '';
    } else {
      events.push({ kind: 'element', index: this.count, value });
      this.count++;
      this.phase = Phase.ElementCommaOrEnd;
    }
  }

  /**
   * Reads one complete JSON value starting at pos (after whitespace).
   * Returns undefined when the chunk ends first; the scan resumes where it stopped.
   */
  private readValue(): unknown {
    if (!this.scan) {
      const first = this.peek();
      if (first === -1) return undefined;
      if (first === B.COMMA || first === B.RBRACE || first === B.RBRACKET || first === B.COLON) {
        throw this.unexpected(first, 'a value');
      }
      this.scan = {
        start: this.pos,
        pos: this.pos,
        depth: 0,
        inString: false,
        escaped: false,
        newlines: 0,
        startLine: this.line,
        startByte: this.base + this.pos,
      };
    }
    const s = this.scan;
    const buf = this.buf;
    const len = buf.length;
    let p = s.pos;
    let end = -1;
    const first = buf[s.start]!;
    if (first === B.LBRACE || first === B.LBRACKET || first === B.QUOTE) {
      let { depth, inString, escaped, newlines } = s;
      if (p === s.start) {
        // Consume the opening byte.
        if (first === B.QUOTE) inString = true;
        else depth = 1;
        p++;
      }
      while (p < len) {
        const b = buf[p]!;
        if (inString) {
          if (escaped) escaped = false;
          else if (b === B.BACKSLASH) escaped = true;
          else if (b === B.QUOTE) {
            inString = false;
            if (depth === 0) {
              p++;
              end = p;
              break;
            }
          } else if (b === B.LF) {
            throw new JsonStreamError('raw line break inside a string', s.startLine + newlines, this.base + p, this.where());
          }
        } else if (b === B.QUOTE) inString = true;
        else if (b === B.LBRACE || b === B.LBRACKET) depth++;
        else if (b === B.RBRACE || b === B.RBRACKET) {
          depth--;
          if (depth === 0) {
            p++;
            end = p;
            break;
          }
        } else if (b === B.LF) newlines++;
        p++;
      }
      Object.assign(s, { depth, inString, escaped, newlines, pos: p });
    } else {
      // A scalar: runs until a delimiter. At the very end of input the
      // delimiter never comes; end() then reports the truncation.
      while (p < len) {
        const b = buf[p]!;
        if (b === B.COMMA || b === B.RBRACE || b === B.RBRACKET || isWs(b)) {
          end = p;
          break;
        }
        p++;
      }
      s.pos = p;
    }
    if (end === -1) return undefined;
    const text = buf.toString('utf8', s.start, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const at = /position (\d+)/.exec((err as Error).message);
      const offsetInValue = at ? Number(at[1]) : 0;
      const before = text.slice(0, offsetInValue);
      const line = s.startLine + (before.match(/\n/g)?.length ?? 0);
      const reason = (err as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/,? "[^"]*"(\.\.\.)? is not valid JSON$/, '');
      throw new JsonStreamError(`invalid JSON (${reason})`, line, s.startByte + Buffer.byteLength(before), this.where());
    }
    this.line = s.startLine + s.newlines;
    this.pos = end;
    this.scan = null;
    return value;
  }
}

/** Reads a byte stream through a JsonArrayStreamReader, yielding its events. */
export async function* readJsonArrayStream(
  source: AsyncIterable<Buffer>,
  arrayKey: string,
): AsyncGenerator<JsonStreamEvent> {
  const reader = new JsonArrayStreamReader(arrayKey);
  for await (const chunk of source) {
    yield* reader.push(chunk);
  }
  reader.end();
}
