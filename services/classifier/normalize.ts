// Text normalization for matching, with a map back to the original.
//
// Propaganda channels dodge keyword filters: Latin look-alikes inside
// Cyrillic words ("кoрейцы" with a Latin o), zero-width characters and soft
// hyphens, stress marks, letters spaced out ("к о р е й ц ы"), fancy
// Unicode letters. Normalization undoes all of that so the cues see one
// spelling, and keeps, for every normalized UTF-16 unit, the range of the
// original it came from: evidence spans must point into the ORIGINAL post so
// the UI can highlight them.
//
// Steps, in one pass over the input plus two cheap passes over the output:
//   1. per character (with its combining marks): NFKC, lowercase, ё→е,
//      apostrophe variants → ', drop zero-width characters, soft hyphens,
//      variation selectors and leftover combining marks (stress accents);
//   2. inside words that contain Cyrillic: Latin and Greek look-alikes and
//      digits used as letters → the Cyrillic letter they imitate;
//   3. runs of 4+ single letters separated by one space/dot/dash/star are
//      rejoined ("к о р е й ц ы" → "корейцы").

export interface NormalizedText {
  /** Lowercased, cleaned text that the tokenizer and cues work on. */
  text: string;
  /** For each UTF-16 unit of `text`, the original range [start, end) it came from. */
  start: Uint32Array;
  end: Uint32Array;
}

/** Maps a range of the normalized text back to the original: [start, end) in original units. */
export function originalRange(n: NormalizedText, from: number, to: number): [number, number] {
  if (to <= from) {
    const at = from < n.start.length ? n.start[from]! : (n.end[n.end.length - 1] ?? 0);
    return [at, at];
  }
  return [n.start[from]!, n.end[to - 1]!];
}

// Characters removed outright: they carry no letters and only serve to split words.
function isInvisible(cp: number): boolean {
  return (
    cp === 0x00ad || // soft hyphen
    cp === 0x034f || // combining grapheme joiner
    cp === 0x061c ||
    cp === 0x115f || cp === 0x1160 ||
    cp === 0x17b4 || cp === 0x17b5 ||
    cp === 0x180e ||
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space, (non-)joiner, LRM/RLM
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings
    (cp >= 0x2060 && cp <= 0x206f) || // word joiner, invisible operators
    cp === 0x3164 || cp === 0xffa0 ||
    cp === 0xfeff || // BOM / zero-width no-break space
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0xe0100 && cp <= 0xe01ef) ||
    (cp >= 0xe0000 && cp <= 0xe007f) // tag characters
  );
}

function isCombiningMark(cp: number): boolean {
  return (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x0483 && cp <= 0x0489) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe20 && cp <= 0xfe2f)
  );
}

const APOSTROPHES = new Set([0x2019, 0x2018, 0x02bc, 0x02b9, 0x0060, 0x00b4, 0x2032, 0xff07, 0x02bb, 0x02bd, 0x055a, 0xa78c]);

function isCyrillic(c: number): boolean {
  return (c >= 0x0400 && c <= 0x04ff) || (c >= 0x0500 && c <= 0x052f);
}
function isLatinLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0xdf && c <= 0x24f && c !== 0xf7);
}
function isGreekLetter(c: number): boolean {
  return c >= 0x0370 && c <= 0x03ff;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
/** A letter for word-building purposes (after lowercasing); one table lookup. */
export function isLetterCode(c: number): boolean {
  return LETTERS[c] === 1;
}
// Every BMP letter, computed once: ASCII, Latin, Greek, Cyrillic by range, the rest by \p{L}.
const LETTERS = new Uint8Array(0x10000);
{
  const letter = /\p{L}/u;
  for (let c = 0; c < 0x10000; c++) {
    if (c < 0x80) LETTERS[c] = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) ? 1 : 0;
    else if (isCyrillic(c) || isLatinLetter(c) || isGreekLetter(c)) LETTERS[c] = 1;
    else if (c >= 0x0500 && (c < 0xd800 || c > 0xdfff)) LETTERS[c] = letter.test(String.fromCharCode(c)) ? 1 : 0;
  }
}

// Lowercase letters (already lowercased) that imitate Cyrillic ones. Applied
// only inside words that also hold Cyrillic letters, so English stays English.
const LOOKALIKE: Record<string, string> = {
  a: 'а', b: 'в', c: 'с', e: 'е', h: 'н', i: 'і', k: 'к', m: 'м', n: 'п', o: 'о',
  p: 'р', r: 'г', t: 'т', u: 'и', x: 'х', y: 'у', 'ï': 'ї', 'ë': 'е', 'é': 'е', 'è': 'е',
  'á': 'а', 'ó': 'о', 'ý': 'у', 'ú': 'и', 'í': 'і', 'ö': 'о',
  // Greek
  'α': 'а', 'β': 'в', 'ε': 'е', 'η': 'п', 'ι': 'і', 'κ': 'к', 'μ': 'м', 'ν': 'v', 'ο': 'о',
  'π': 'п', 'ρ': 'р', 'τ': 'т', 'υ': 'и', 'χ': 'х', 'γ': 'у',
  // digits between letters
  '0': 'о', '3': 'з', '4': 'ч', '6': 'б',
};
const LOOKALIKE_CODES = new Map<number, number>(
  Object.entries(LOOKALIKE).filter(([, v]) => v !== 'v').map(([k, v]) => [k.charCodeAt(0), v.charCodeAt(0)]),
);
// Uppercase B looks like В, lowercase b like ь: the case decides, so the
// original letter is checked for those two.
const UPPER_B = 0x42;

// Precomputed lowercase for the BMP ranges that posts mostly use.
const LOWER = new Uint16Array(0x0530);
for (let c = 0; c < LOWER.length; c++) {
  const lower = String.fromCharCode(c).toLowerCase();
  LOWER[c] = lower.length === 1 ? lower.charCodeAt(0) : c;
}
LOWER[0x0401] = 0x0435; // Ё → е
LOWER[0x0451] = 0x0435; // ё → е

// The fast path's table: for each plain character, its normalized code (0: take the slow path).
const FAST_LIMIT = 0x0530;
const FAST_MAP = new Uint16Array(FAST_LIMIT);
const FAST_UPPER = new Uint8Array(FAST_LIMIT);
for (let c = 0; c < FAST_LIMIT; c++) {
  const plain = c < 0x80 || (c >= 0x0400 && c < 0x0530) || (c >= 0xc0 && c < 0x0370 && c !== 0xd7 && c !== 0xf7);
  if (!plain || isInvisible(c) || isCombiningMark(c)) continue;
  const lower = LOWER[c]!;
  FAST_MAP[c] = APOSTROPHES.has(lower) ? 0x27 : lower;
  FAST_UPPER[c] = lower !== c ? 1 : 0;
}
FAST_MAP[0] = 0; // NUL takes the slow path (and is kept there)

// NFKC + lowercase of single characters seen so far (punctuation, emoji, fancy letters).
const FOLDED = new Map<number, string>();

const SEPARATORS = new Set([0x20, 0x2e, 0x2d, 0x5f, 0x2a, 0xb7, 0x2022, 0x2c]);

class Builder {
  codes: Uint16Array;
  start: Uint32Array;
  end: Uint32Array;
  /** Whether the original character was an uppercase Latin B (see LOOKALIKE). */
  upperB: Uint8Array;
  /** Whether the original character was an uppercase letter (spaced-out runs keep one case). */
  upper: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.codes = new Uint16Array(capacity);
    this.start = new Uint32Array(capacity);
    this.end = new Uint32Array(capacity);
    this.upperB = new Uint8Array(capacity);
    this.upper = new Uint8Array(capacity);
  }
  push(code: number, s: number, e: number, upperB = 0, upper = 0): void {
    if (this.length === this.codes.length) this.grow();
    const i = this.length++;
    this.codes[i] = code;
    this.start[i] = s;
    this.end[i] = e;
    this.upperB[i] = upperB;
    this.upper[i] = upper;
  }
  private grow(): void {
    const size = this.codes.length * 2 + 16;
    const codes = new Uint16Array(size);
    codes.set(this.codes);
    const start = new Uint32Array(size);
    start.set(this.start);
    const end = new Uint32Array(size);
    end.set(this.end);
    const upperB = new Uint8Array(size);
    upperB.set(this.upperB);
    const upper = new Uint8Array(size);
    upper.set(this.upper);
    this.upper = upper;
    this.codes = codes;
    this.start = start;
    this.end = end;
    this.upperB = upperB;
  }
}

/** Step 1: character-level cleanup. */
function cleanCharacters(input: string, out: Builder): void {
  const n = input.length;
  let i = 0;
  while (i < n) {
    // Fast path: a plain character (ASCII, Latin, Cyrillic) not followed by a combining mark.
    const c0 = input.charCodeAt(i);
    if (c0 < FAST_LIMIT) {
      const mapped = FAST_MAP[c0]!;
      if (mapped !== 0) {
        const next = i + 1 < n ? input.charCodeAt(i + 1) : 0;
        if (next < 0x0300 || (!isCombiningMark(next) && !isInvisibleBetweenMarks(next))) {
          out.push(mapped, i, i + 1, c0 === UPPER_B ? 1 : 0, FAST_UPPER[c0]!);
          i++;
          continue;
        }
      }
    }
    const s = i;
    const cp = input.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    // Gather the combining marks that belong to this character (a zero-width
    // character between a letter and its accent is swallowed with them; one
    // after the last mark is not part of the character's range).
    let hasMarks = false;
    let e = i;
    while (i < n) {
      const next = input.charCodeAt(i);
      if (isCombiningMark(next)) {
        hasMarks = true;
        e = ++i;
      } else if (isInvisibleBetweenMarks(next)) i++;
      else break;
    }
    if (isInvisible(cp)) continue;
    if (!hasMarks && cp < 0x0530) {
      // Fast path: ASCII, Latin-1, Latin Extended, Greek and Cyrillic need no NFKC...
      if (cp < 0x80 || (cp >= 0x0400 && cp < 0x0530)) {
        const lower = LOWER[cp]!;
        out.push(APOSTROPHES.has(lower) ? 0x27 : lower, s, e, cp === UPPER_B ? 1 : 0, lower !== cp ? 1 : 0);
        continue;
      }
      // ...except for the few Latin-1 compatibility characters (NBSP, ª, ², ¼).
      if (cp >= 0xc0 && cp !== 0xd7 && cp !== 0xf7 && cp < 0x0370) {
        out.push(LOWER[cp]!, s, e, 0, LOWER[cp] !== cp ? 1 : 0);
        continue;
      }
    }
    if (!hasMarks && APOSTROPHES.has(cp)) {
      out.push(0x27, s, e);
      continue;
    }
    let group: string | undefined = hasMarks ? undefined : FOLDED.get(cp);
    if (group === undefined) {
      group = input.slice(s, e).normalize('NFKC').toLowerCase();
      if (!hasMarks && FOLDED.size < 4096) FOLDED.set(cp, group);
    }
    for (let j = 0; j < group.length; j++) {
      let c = group.charCodeAt(j);
      if (isCombiningMark(c)) continue; // stress marks and other leftovers
      if (c === 0x0451) c = 0x0435;
      else if (APOSTROPHES.has(c)) c = 0x27;
      if (c >= 0xd800 && c <= 0xdbff && j + 1 < group.length) {
        // An astral character (emoji, math letters NFKC could not fold): keep both halves.
        const full = group.codePointAt(j)!;
        if (isInvisible(full)) {
          j++;
          continue;
        }
        out.push(c, s, e);
        out.push(group.charCodeAt(++j), s, e);
        continue;
      }
      if (isInvisible(c)) continue;
      out.push(c, s, e);
    }
  }
}

function isInvisibleBetweenMarks(c: number): boolean {
  // A zero-width joiner or soft hyphen between a letter and its accent must
  // not detach the accent, so it is swallowed with the marks.
  return c === 0x00ad || c === 0x200b || c === 0x200c || c === 0x200d || c === 0x2060 || c === 0xfeff;
}

/**
 * Step 2: look-alike letters inside mixed-script words. A word takes the
 * script of its letters that have no twin in the other alphabet (ж, ц, ы…
 * against d, f, r, n…); its twins from the other script ("кoрейцы" with a
 * Latin o, "Nоrth" with a Cyrillic о) and digits or @ $ used as letters
 * ("K0reans", "c@ptured", "к0рейцы") are mapped into that script.
 */
function foldLookalikes(b: Builder): void {
  const codes = b.codes;
  const n = b.length;
  let i = 0;
  while (i < n) {
    if (!isWordCode(codes[i]!)) {
      i++;
      continue;
    }
    let j = i;
    let cyrillic = 0;
    let latin = 0;
    let strongCyrillic = 0;
    let strongLatin = 0;
    let other = 0;
    while (j < n && (isWordCode(codes[j]!) || (LEET_SYMBOLS.has(codes[j]!) && j > i && j + 1 < n && isLetterCode(codes[j - 1]!) && isLetterCode(codes[j + 1]!)))) {
      const c = codes[j]!;
      if (isCyrillic(c)) {
        cyrillic++;
        if (STRONG_CYRILLIC.has(c)) strongCyrillic++;
      } else if (isLatinLetter(c)) {
        latin++;
        if (STRONG_LATIN.has(c)) strongLatin++;
      } else if (!isDigit(c) && c !== 0x27 && !LEET_SYMBOLS.has(c)) other++;
      j++;
    }
    const digitsOrSymbols = j - i - cyrillic - latin - other;
    const mixed = (cyrillic > 0 && latin > 0) || (digitsOrSymbols > 0 && cyrillic + latin >= 2);
    if (mixed) {
      const toCyrillic = strongCyrillic !== strongLatin ? strongCyrillic > strongLatin : cyrillic >= latin;
      for (let k = i; k < j; k++) {
        const c = codes[k]!;
        if (c === 0x27) continue;
        if (isDigit(c)) {
          if (!isLeetDigit(codes, i, j, k)) continue;
          const mapped = (toCyrillic ? DIGIT_TO_CYRILLIC : DIGIT_TO_LATIN).get(c);
          if (mapped !== undefined) codes[k] = mapped;
          continue;
        }
        if (LEET_SYMBOLS.has(c)) {
          codes[k] = toCyrillic ? (c === 0x40 ? 0x0430 : 0x0441) : c === 0x40 ? 0x61 : 0x73;
          continue;
        }
        if (toCyrillic) {
          if (!isLatinLetter(c)) continue;
          if (c === 0x62) {
            codes[k] = b.upperB[k] ? 0x0432 : 0x044c;
            continue;
          }
          const mapped = LOOKALIKE_CODES.get(c);
          if (mapped !== undefined) codes[k] = mapped;
        } else if (isCyrillic(c)) {
          const mapped = CYRILLIC_TO_LATIN.get(c);
          if (mapped !== undefined) codes[k] = mapped;
        }
      }
    }
    i = j;
  }
}

// Letters with no twin in the other alphabet decide a mixed word's script.
const STRONG_CYRILLIC = new Set([...'бвгджзийлмнптфцчшщъыьэюяєїґ'].map((c) => c.charCodeAt(0)));
const STRONG_LATIN = new Set([...'bdfglnqrsuvwz'].map((c) => c.charCodeAt(0)));
const CYRILLIC_TO_LATIN = new Map<number, number>(
  Object.entries({ а: 'a', в: 'b', с: 'c', е: 'e', н: 'h', і: 'i', ј: 'j', к: 'k', м: 'm', о: 'o', р: 'p', т: 't', у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w' })
    .map(([k, v]) => [k.charCodeAt(0), v.charCodeAt(0)]),
);
const DIGIT_TO_CYRILLIC = new Map<number, number>([['0', 'о'], ['3', 'з'], ['4', 'ч'], ['6', 'б']].map(([k, v]) => [k!.charCodeAt(0), v!.charCodeAt(0)]));
const DIGIT_TO_LATIN = new Map<number, number>([['0', 'o'], ['1', 'i'], ['3', 'e'], ['4', 'a'], ['5', 's'], ['7', 't']].map(([k, v]) => [k!.charCodeAt(0), v!.charCodeAt(0)]));
// "@" and "$" between letters: c@ptured, $ilence.
const LEET_SYMBOLS = new Set([0x40, 0x24]);

/** A digit stands for a letter when its run of digits is short and touches letters: "tr00ps", "k0rean", "th3"; not "2024г" or "f16". */
function isLeetDigit(codes: Uint16Array, wordStart: number, wordEnd: number, k: number): boolean {
  let s = k;
  while (s > wordStart && isDigit(codes[s - 1]!)) s--;
  let e = k + 1;
  while (e < wordEnd && isDigit(codes[e]!)) e++;
  if (e - s > 2) return false;
  const before = s > wordStart ? codes[s - 1]! : 0;
  const after = e < wordEnd ? codes[e]! : 0;
  const letterBefore = before !== 0 && isLetterCode(before);
  const letterAfter = after !== 0 && isLetterCode(after);
  if (letterBefore && letterAfter) return true;
  // At a word's edge: only a single digit ("th3", "N0", "3ападные").
  return e - s === 1 && (letterBefore || letterAfter) && before !== 0x27 && after !== 0x27;
}

function isWordCode(c: number): boolean {
  return isLetterCode(c) || isDigit(c) || c === 0x27;
}

/** Step 3: "к о р е й ц ы" → "корейцы". Returns a new builder without the separators. */
function rejoinSpacedLetters(b: Builder): Builder {
  const codes = b.codes;
  const n = b.length;
  // Find candidate runs first; most posts have none, and then nothing is copied.
  let drop: Uint8Array | null = null;
  let i = 0;
  while (i < n) {
    // A single letter: letter with non-letters (or edges) around it.
    if (!isSingleLetterAt(codes, n, i)) {
      i++;
      continue;
    }
    const sep = codes[i + 1];
    let count = 1;
    let k = i;
    while (sep !== undefined && SEPARATORS.has(sep) && k + 2 < n && codes[k + 1] === sep && isSingleLetterAt(codes, n, k + 2) && b.upper[k + 2] === b.upper[i]) {
      k += 2;
      count++;
    }
    if (count >= 4) {
      drop ??= new Uint8Array(n);
      for (let m = i + 1; m < k; m += 2) drop[m] = 1;
    }
    i = k + 1;
  }
  if (!drop) return b;
  if (scratchJoined.codes.length < n) scratchJoined = new Builder(n * 2);
  const out = scratchJoined;
  out.length = 0;
  for (let m = 0; m < n; m++) if (!drop[m]) out.push(codes[m]!, b.start[m]!, b.end[m]!);
  return out;
}

function isSingleLetterAt(codes: Uint16Array, n: number, i: number): boolean {
  if (!isLetterCode(codes[i]!)) return false;
  if (i > 0 && isWordCode(codes[i - 1]!)) return false;
  if (i + 1 < n && isWordCode(codes[i + 1]!)) return false;
  return true;
}

// Scratch space reused across calls (classification is synchronous and single-threaded).
let scratch = new Builder(1024);
let scratchJoined = new Builder(1024);

export function normalize(input: string): NormalizedText {
  if (scratch.codes.length < input.length + 8) scratch = new Builder(input.length * 2 + 8);
  const b = scratch;
  b.length = 0;
  cleanCharacters(input, b);
  foldLookalikes(b);
  const joined = rejoinSpacedLetters(b);
  const len = joined.length;
  // String.fromCharCode over a subarray in chunks: fast, and safe for long posts.
  let text = '';
  for (let s = 0; s < len; s += 8192) {
    text += String.fromCharCode.apply(null, joined.codes.subarray(s, Math.min(len, s + 8192)) as unknown as number[]);
  }
  return { text, start: joined.start.slice(0, len), end: joined.end.slice(0, len) };
}
