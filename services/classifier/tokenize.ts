// Tokenization of normalized text into words, emoji and the punctuation that
// stance rules need (sentence and clause ends, quotes). Tokens are kept in
// parallel typed arrays, not objects: a post is tokenized once per classify
// call and the matcher walks these arrays, so this stays allocation-light.
import { isLetterCode } from './normalize.ts';

export const enum TokenKind {
  Word = 1,
  Number = 2,
  Emoji = 3,
}

export interface Tokens {
  count: number;
  /** Offsets into the normalized text, [start, end). */
  start: Uint32Array;
  end: Uint32Array;
  kind: Uint8Array;
  /** Sentence number (. ! ? … and line breaks end a sentence). */
  sentence: Uint16Array;
  /** Clause number: sentences split further at , ; : — ( ) and quotes. */
  clause: Uint16Array;
  /** 1 when the token sits inside a closed pair of quotes. */
  quoted: Uint8Array;
  /** For quoted tokens: how many word tokens the quote holds (short quotes are scare quotes). */
  quoteWords: Uint16Array;
  /** The token's text (normalized). */
  text: string[];
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const SENTENCE_END = new Set([0x2e, 0x21, 0x3f, 0x2026, 0x0a, 0x0d]);
const CLAUSE_END = new Set([0x2c, 0x3b, 0x3a, 0x2014, 0x2013, 0x28, 0x29, 0x5b, 0x5d]);
// Opening-only, closing-only and either-way quote characters (« » „ “ ” " and friends).
const QUOTE_OPEN = new Set([0xab, 0x201e, 0x201a, 0x2039]);
const QUOTE_CLOSE = new Set([0xbb, 0x203a]);
const QUOTE_EITHER = new Set([0x22, 0x201c, 0x201d, 0x201f, 0x2033, 0x301d, 0x301e]);

function isEmojiStart(c: number, next: number): boolean {
  // Surrogate pairs of the pictograph planes, and the BMP symbols used as emoji.
  if (c === 0xd83c || c === 0xd83d || c === 0xd83e) return next >= 0xdc00 && next <= 0xdfff;
  return (c >= 0x2600 && c <= 0x27bf) || c === 0x2b50 || c === 0x2b55;
}

export function tokenize(text: string): Tokens {
  const n = text.length;
  const cap = n + 1;
  const start = new Uint32Array(cap);
  const end = new Uint32Array(cap);
  const kind = new Uint8Array(cap);
  const sentence = new Uint16Array(cap);
  const clause = new Uint16Array(cap);
  const quoted = new Uint8Array(cap);
  const quoteWords = new Uint16Array(cap);
  const words: string[] = [];
  let count = 0;
  let sent = 0;
  let cl = 0;
  let lastWasBoundary = true;
  // Quote marks seen, as [token index where the quote starts, kind]; paired afterwards.
  const quoteMarks: number[] = [];

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isLetterCode(c) || isDigit(c)) {
      const s = i;
      let letters = false;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isLetterCode(d)) letters = true;
        else if (isDigit(d)) {
          // keep digits glued to letters ("f16", "2024г") in the token
        } else if (d === 0x27 && i + 1 < n && isLetterCode(text.charCodeAt(i + 1)) && i > s) {
          // an apostrophe inside a word: м'ясо, don't
        } else break;
        i++;
      }
      if (count >= cap) break;
      start[count] = s;
      end[count] = i;
      kind[count] = letters ? TokenKind.Word : TokenKind.Number;
      sentence[count] = sent;
      clause[count] = cl;
      words.push(text.slice(s, i));
      count++;
      lastWasBoundary = false;
      continue;
    }
    if (isEmojiStart(c, i + 1 < n ? text.charCodeAt(i + 1) : 0)) {
      const s = i;
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      if (count >= cap) break;
      start[count] = s;
      end[count] = i;
      kind[count] = TokenKind.Emoji;
      sentence[count] = sent;
      clause[count] = cl;
      words.push(text.slice(s, i));
      count++;
      continue;
    }
    if (SENTENCE_END.has(c)) {
      // A dot between digits ("2.5") or right after a lone capital-free
      // abbreviation letter does not end a sentence; the rest do.
      const decimal = c === 0x2e && i > 0 && isDigit(text.charCodeAt(i - 1)) && i + 1 < n && isDigit(text.charCodeAt(i + 1));
      if (!decimal && !lastWasBoundary) {
        sent++;
        cl++;
        lastWasBoundary = true;
      }
    } else if (CLAUSE_END.has(c) || (c === 0x2d && (text.charCodeAt(i - 1) === 0x20 || text.charCodeAt(i + 1) === 0x20))) {
      cl++;
    } else if (QUOTE_OPEN.has(c)) {
      quoteMarks.push(count, 1);
    } else if (QUOTE_CLOSE.has(c)) {
      quoteMarks.push(count, 2);
    } else if (QUOTE_EITHER.has(c)) {
      quoteMarks.push(count, 3);
    }
    i++;
  }
  if (quoteMarks.length > 0) markQuoted(quoteMarks, kind, quoted, quoteWords);
  attachEmojiSentences(count, kind, sentence, clause);
  return { count, start, end, kind, sentence, clause, quoted, quoteWords, text: words };
}

/**
 * A "sentence" of emoji only ("... it doesn't count. 🙄") belongs to the
 * sentence before it: the emoji comments on what was just said.
 */
function attachEmojiSentences(count: number, kind: Uint8Array, sentence: Uint16Array, clause: Uint16Array): void {
  let t = 0;
  while (t < count) {
    const s = sentence[t]!;
    let end = t;
    let onlyEmoji = true;
    while (end < count && sentence[end] === s) {
      if (kind[end] !== TokenKind.Emoji) onlyEmoji = false;
      end++;
    }
    if (onlyEmoji && t > 0) {
      for (let k = t; k < end; k++) {
        sentence[k] = sentence[t - 1]!;
        clause[k] = clause[t - 1]!;
      }
    }
    t = end;
  }
}

/**
 * Pairs quote marks (an opener, then the next closer; an either-way mark
 * closes an open quote and opens otherwise) and flags the tokens between.
 * Unclosed quotes flag nothing: a stray mark must not swallow the post.
 */
function markQuoted(marks: number[], kind: Uint8Array, quoted: Uint8Array, quoteWords: Uint16Array): void {
  let openAt = -1;
  for (let m = 0; m < marks.length; m += 2) {
    const at = marks[m]!;
    const type = marks[m + 1]!;
    if (openAt < 0) {
      if (type !== 2) openAt = at;
      continue;
    }
    if (type === 1) {
      openAt = at; // a new opener: the earlier one was stray
      continue;
    }
    let wordsInside = 0;
    for (let t = openAt; t < at; t++) if (kind[t] === TokenKind.Word) wordsInside++;
    for (let t = openAt; t < at; t++) {
      quoted[t] = 1;
      quoteWords[t] = wordsInside;
    }
    openAt = -1;
  }
}
