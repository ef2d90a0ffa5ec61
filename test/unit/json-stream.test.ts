import { describe, expect, it } from 'vitest';
import { JsonArrayStreamReader, JsonStreamError, type JsonStreamEvent } from '../../services/exports/json-stream.ts';

/** Feeds the document in chunks of the given size and collects every event. */
function readAll(doc: string | Buffer, chunkSize: number): JsonStreamEvent[] {
  const bytes = typeof doc === 'string' ? Buffer.from(doc) : doc;
  const reader = new JsonArrayStreamReader('messages');
  const events: JsonStreamEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) events.push(...reader.push(bytes.subarray(i, i + chunkSize)));
  reader.end();
  return events;
}

function errorOf(doc: string, chunkSize = 7): JsonStreamError {
  try {
    readAll(doc, chunkSize);
  } catch (err) {
    if (err instanceof JsonStreamError) return err;
    throw err;
  }
  throw new Error('expected a JsonStreamError');
}

const DOC = JSON.stringify(
  {
    name: 'Канал "тест" \\ 🇺🇦',
    type: 'public_channel',
    id: 42,
    messages: [
      { id: 1, text: ['a', { type: 'bold', text: '}{][' }], nested: { deep: [1, [2, [3]]] } },
      { id: 2, text: 'строка с "кавычками" и \\ обратной чертой\nи переводом' },
      { id: 3, text: '😀👨‍👩‍👧', n: -1.5e3, t: true, f: false, z: null },
    ],
    trailer: { after: 'messages' },
  },
  null,
  1,
);

describe('JsonArrayStreamReader', () => {
  it('yields the same values as JSON.parse whatever the chunk boundaries', () => {
    const expected = JSON.parse(DOC);
    for (const size of [1, 2, 3, 5, 64, 1 << 20]) {
      const events = readAll(DOC, size);
      const fields = Object.fromEntries(events.flatMap((e) => (e.kind === 'field' ? [[e.key, e.value]] : [])));
      const elements = events.flatMap((e) => (e.kind === 'element' ? [e.value] : []));
      expect(fields).toEqual({ name: expected.name, type: expected.type, id: 42, trailer: expected.trailer });
      expect(elements).toEqual(expected.messages);
      expect(events.find((e) => e.kind === 'arrayEnd')).toEqual({ kind: 'arrayEnd', count: 3 });
    }
  });

  it('accepts a byte order mark, an empty array and multi-byte characters split across chunks', () => {
    const doc = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id": 1, "messages": [], "name": "Ж"}')]);
    const events = readAll(doc, 1);
    expect(events).toContainEqual({ kind: 'field', key: 'name', value: 'Ж' });
    expect(events).toContainEqual({ kind: 'arrayEnd', count: 0 });
  });

  it('reports truncation with the element it stopped in', () => {
    const cut = DOC.slice(0, DOC.indexOf('"id": 2') + 10);
    const err = errorOf(cut);
    expect(err.message).toMatch(/ends before the JSON document does/);
    expect(err.where).toBe('inside "messages"[1]');
    expect(err.byteOffset).toBe(Buffer.byteLength(cut));
  });

  it('reports a file cut right after the array or the last value', () => {
    expect(errorOf('{"id": 1, "messages": [{"id": 1}]').message).toMatch(/ends before/);
    expect(errorOf('{"id": 1').message).toMatch(/ends before/);
  });

  it('names the line and element of a syntax error inside an element', () => {
    const doc = '{\n "id": 1,\n "messages": [\n  {"id": 1},\n  {"id": 2,\n   "text": "a" "b"}\n ]\n}';
    const err = errorOf(doc);
    expect(err.line).toBe(6);
    expect(err.where).toBe('inside "messages"[1]');
    expect(err.message).toMatch(/^invalid JSON/);
  });

  it.each([
    ['[1, 2]', /expected a JSON object/],
    ['{"messages": {"id": 1}}', /expected an array as the value of "messages"/],
    ['{"messages": [{"id": 1},]}', /expected a value/],
    ['{"messages": [{"id": 1} {"id": 2}]}', /expected "," or "]"/],
    ['{"id": 1, "id": 2, "messages": []}', /duplicate top-level key "id"/],
    ['{"messages": []} trailing', /expected the end of the file/],
    ['{"a": "raw\nnewline", "messages": []}', /raw line break inside a string/],
  ])('refuses %s', (doc, message) => {
    expect(errorOf(doc).message).toMatch(message);
  });
});
