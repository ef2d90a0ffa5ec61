// Compiles the cue data (data.ts) into a matcher, and runs it over a
// tokenized post.
//
// Words of every cue become "terms": an exact form ("не", "🙄"), a prefix
// ("корейц*"), or a stem computed by the stemmer of the cue's language
// ("пушечное" → ru stem "пушечн"). Stem and prefix terms live in one
// character trie, so a post's word is walked through the trie once,
// whatever its language, and only a trie hit costs a stemming call to
// confirm that the word's stem is the cue's stem. Cues in any language
// thereby match in every post (mixed posts, Russian quoted in Ukrainian).
//
// A pattern is a sequence of slots, each a set of terms, with a bounded gap
// before each slot; optional slots and multi-word lexicon entries are
// expanded into plain sequences at compile time, so matching is a short
// forward search from each position where a sequence's first slot matched.
import { normalize } from './normalize.ts';
import { StemCache, stem, type StemLang } from './stem.ts';
import { tokenize, type Tokens } from './tokenize.ts';
import type { CueLang, CueSpec, CuesByLang, FrameData } from './data.ts';

/** Who a cue votes for. */
export const enum Owner {
  Frame = 0,
  Topic = 1,
  Marker = 2,
  /** The `unless` pattern of another cue (ownerIndex: that cue's id). */
  Guard = 3,
}

export interface CompiledCue {
  owner: Owner;
  /** Frame index, topic group index, or stance marker kind index. */
  ownerIndex: number;
  weight: number;
  negatable: boolean;
  stanceApplies: boolean;
  /** For `all` cues: how many parts, and the scope they must share. */
  parts: number;
  within: 'sentence' | 'post' | number;
  /** Guard cues (their ids) that cancel this cue in the same sentence (or post). */
  guards: number[];
  guardScope: 'sentence' | 'post' | 'before';
  /** Counts only inside short quotes. */
  quoted: boolean;
  /** All words in one clause. */
  sameClause: boolean;
  /** The cue as written, for explanations and error messages. */
  source: string;
}

interface Sequence {
  /** Who uses this sequence, as pairs [cue, part, cue, part, ...]: identical sequences are shared. */
  owners: number[];
  slots: Int32Array[];
  /** Tokens allowed between slot k-1 and slot k (gaps[0] unused). */
  gaps: Uint8Array;
  /** The slot looked up first: the first one not made only of short function words ("в", "the"). */
  anchor: number;
  /** Pattern begins with "^": its first word must open a sentence. */
  atStart: boolean;
}

export interface CueMatch {
  cue: number;
  part: number;
  /** First and last token of the match (inclusive). */
  first: number;
  last: number;
  /** Token positions of the matched slots, in order. */
  slots: number[];
}

/** The longest gap "..." allows: the rest of a sentence, in practice. */
const ELLIPSIS_GAP = 15;
const WORD_ENDING_MAX = 9;

interface TermSpec {
  kind: 'exact' | 'prefix' | 'stem';
  text: string;
  lang?: StemLang;
}

interface StemTerm {
  term: number;
  lang: StemLang;
  stem: string;
}

const TERMS_MEMO_LIMIT = 100_000;

export class CueIndex {
  readonly cues: CompiledCue[] = [];
  private readonly sequences: Sequence[] = [];
  private readonly sequenceByKey = new Map<string, number>();
  /** Per-sequence marks of the last (post, token) it was tried at, instead of a Set per token. */
  private seqStamp = new Int32Array(0);
  /** Exact terms of three letters or fewer: poor anchors, they occur in most posts. */
  private readonly shortExact = new Set<number>();
  private stamp = 0;
  private readonly termIds = new Map<string, number>();
  private readonly exact = new Map<string, number[]>();
  // Trie: per node, its children by UTF-16 unit (small-integer keys keep Map lookups fast).
  private readonly children: Array<Map<number, number> | undefined> = [undefined];
  private readonly prefixAt: Array<number[] | undefined> = [[]];
  private readonly stemAt: Array<StemTerm[] | undefined> = [[]];
  private nodeCount = 1;
  /** Sequences whose first slot holds the term, by term id. */
  private readonly anchors: Array<number[] | undefined> = [];
  private readonly stems = new StemCache();
  /**
   * A word's terms depend on the word alone, and words recur across posts:
   * the trie walk and stem checks run once per distinct word (null: none).
   * Dropped when it grows past its limit; filled only after compilation.
   */
  private readonly termsMemo = new Map<string, number[] | null>();
  private readonly lexicon: FrameData['lexicon'];
  /** Terms that are negators, and the words that undo a negator after it. */
  readonly negators = new Set<number>();
  readonly breakers = new Set<number>();

  constructor(lexicon: FrameData['lexicon']) {
    this.lexicon = lexicon;
  }

  get termCount(): number {
    return this.termIds.size;
  }

  // ---- compilation -------------------------------------------------------

  /** Adds every cue of a by-language list; returns the cue ids. */
  addCues(cues: CuesByLang, owner: Owner, ownerIndex: number, defaults: { weight: number; gap: number }, where: string): number[] {
    this.termsMemo.clear();
    const ids: number[] = [];
    for (const [lang, list] of Object.entries(cues) as Array<[CueLang, CueSpec[]]>) {
      list.forEach((spec, i) => {
        ids.push(this.addCue(spec, lang, owner, ownerIndex, defaults, `${where}.${lang}[${i}]`));
      });
    }
    return ids;
  }

  private addCue(spec: CueSpec, lang: CueLang, owner: Owner, ownerIndex: number, defaults: { weight: number; gap: number }, where: string): number {
    const obj = typeof spec === 'string' ? { p: spec } : spec;
    const patterns = obj.p !== undefined ? [obj.p] : (obj.all ?? []);
    const id = this.cues.length;
    const gap = obj.gap ?? defaults.gap;
    let negatable = obj.neg ?? true;
    this.cues.push({
      owner,
      ownerIndex,
      weight: obj.w ?? defaults.weight,
      negatable,
      stanceApplies: obj.stance !== 'ignore',
      parts: patterns.length,
      within: obj.within ?? 'sentence',
      guards: [],
      guardScope: obj.unlessWithin ?? 'sentence',
      quoted: obj.quoted ?? false,
      sameClause: obj.clause ?? false,
      source: patterns.join(' & '),
    });
    patterns.forEach((pattern, part) => {
      const variants = this.compilePattern(pattern, lang, gap, where);
      for (const slots of variants) {
        // A cue that opens with a negator carries its own negation.
        if (obj.neg === undefined && slots[0]!.terms.some((t) => this.negators.has(t))) negatable = false;
        const slotTerms = slots.map((s) => Int32Array.from(new Set(s.terms)).sort());
        const gaps = Uint8Array.from(slots.map((s) => s.gap));
        const atStart = /^\s*\^\s/.test(patterns[part]!);
        const key = `${atStart ? '^' : ''}${slotTerms.map((a) => a.join(',')).join('/')}|${gaps.join(',')}`;
        const shared = this.sequenceByKey.get(key);
        if (shared !== undefined) {
          this.sequences[shared]!.owners.push(id, part);
          continue;
        }
        const seqId = this.sequences.length;
        let anchor = slotTerms.findIndex((terms) => !terms.every((t) => this.shortExact.has(t)));
        if (anchor < 0) anchor = 0;
        this.sequences.push({ owners: [id, part], slots: slotTerms, gaps, anchor, atStart });
        this.sequenceByKey.set(key, seqId);
        this.seqStamp = new Int32Array(this.sequences.length);
        for (const term of slotTerms[anchor]!) (this.anchors[term] ??= []).push(seqId);
      }
    });
    this.cues[id]!.negatable = negatable;
    if (obj.unless !== undefined) {
      const guard = this.addCue({ p: obj.unless, gap: 0 }, lang, Owner.Guard, id, defaults, `${where}.unless`);
      this.cues[id]!.guards.push(guard);
    }
    return id;
  }

  /** Registers single-word entries as terms (negators, breakers); returns their ids. */
  addWords(cues: CuesByLang, where: string): number[] {
    this.termsMemo.clear();
    const ids: number[] = [];
    for (const [lang, list] of Object.entries(cues) as Array<[CueLang, CueSpec[]]>) {
      list.forEach((spec, i) => {
        const text = typeof spec === 'string' ? spec : '';
        const variants = this.compilePattern(text, lang, 0, `${where}.${lang}[${i}]`);
        for (const v of variants) {
          if (v.length !== 1) throw new Error(`${where}.${lang}[${i}]: "${text}" must be a single word`);
          ids.push(...v[0]!.terms);
        }
      });
    }
    return ids;
  }

  /**
   * Parses a pattern into plain slot sequences. Syntax (space-separated):
   *   word        stemmed with the cue language's stemmer (3 letters or fewer: exact)
   *   word*       any word starting with "word"
   *   =word       exactly this form
   *   a|b|c       any of the alternatives (each may be @name, word*, =word)
   *   @name       any entry of lexicon "name" (entries may be several words)
   *   [x]         optional slot
   *   ~N          at most N words between the neighbours (default: the cue's gap)
   *   ...         up to 15 words between the neighbours
   */
  private compilePattern(pattern: string, lang: CueLang, defaultGap: number, where: string, depth = 0): Array<Array<{ terms: number[]; gap: number }>> {
    if (depth > 4) throw new Error(`${where}: lexicon references nest too deep`);
    const parts = splitPattern(pattern, where);
    type Alt = Array<{ terms: number[]; gap: number }>;
    let variants: Alt[] = [[]];
    let nextGap: number | null = null;
    for (const raw of parts) {
      if (raw === '^') {
        if (variants.some((v) => v.length > 0)) throw new Error(`${where}: "^" may only open a pattern`);
        continue;
      }
      if (raw === '...' || raw === '…') {
        nextGap = ELLIPSIS_GAP;
        continue;
      }
      const gapMatch = /^~(\d{1,2})$/.exec(raw);
      if (gapMatch) {
        nextGap = Number(gapMatch[1]);
        continue;
      }
      const optional = raw.startsWith('[') && raw.endsWith(']');
      let body = optional ? raw.slice(1, -1) : raw;
      if (body === '') throw new Error(`${where}: empty slot in "${pattern}"`);
      if (body.includes('(')) body = body.trim();
      const gap = nextGap ?? defaultGap;
      nextGap = null;
      // Single-word alternatives merge into one slot; multi-word ones branch.
      const singles: number[] = [];
      const multis: Alt[] = [];
      for (const alt of alternatives(body, where)) {
        if (alt === '') throw new Error(`${where}: empty alternative in "${pattern}"`);
        if (/\s/.test(alt)) {
          for (const v of this.compilePattern(alt, lang, 0, where, depth + 1)) {
            if (v.length === 1) singles.push(...v[0]!.terms);
            else multis.push(v);
          }
        } else if (alt.startsWith('@')) {
          const entries = this.lexicon[alt.slice(1)];
          if (!entries) throw new Error(`${where}: unknown lexicon ${alt}`);
          for (const [entryLang, list] of Object.entries(entries) as Array<[CueLang, CueSpec[]]>) {
            for (const entry of list) {
              const text = typeof entry === 'string' ? entry : (entry.p ?? '');
              for (const v of this.compilePattern(text, entryLang, 0, `${where} ${alt}`, depth + 1)) {
                if (v.length === 1) singles.push(...v[0]!.terms);
                else multis.push(v);
              }
            }
          }
        } else if (/[^-.,:'][-.,:][^-.,:]/.test(alt.replace(/^=/, ''))) {
          // "z-канал*", "т.зв", "4,000": the tokenizer splits these, so they are phrases.
          const phrase = alt.replace(/^=/, '').split(/[-.,:]/).filter((p) => p !== '').map((p) => (alt.startsWith('=') ? `=${p}` : p)).join(' ');
          for (const v of this.compilePattern(phrase, lang, 0, where, depth + 1)) {
            if (v.length === 1) singles.push(...v[0]!.terms);
            else multis.push(v);
          }
        } else {
          singles.push(this.termFor(alt, lang, where));
        }
      }
      const next: Alt[] = [];
      for (const prefix of variants) {
        const withGap = (seq: Alt): Alt => seq.map((s, k) => (k === 0 ? { terms: s.terms, gap: prefix.length === 0 ? 0 : gap } : s));
        if (singles.length > 0) next.push([...prefix, ...withGap([{ terms: singles, gap: 0 }])]);
        for (const m of multis) next.push([...prefix, ...withGap(m)]);
        if (optional) next.push(prefix);
      }
      variants = next;
      if (variants.length > 512) throw new Error(`${where}: "${pattern}" expands to too many variants; split it into several cues`);
    }
    variants = variants.filter((v) => v.length > 0);
    if (variants.length === 0) throw new Error(`${where}: "${pattern}" has no required word`);
    return variants;
  }

  private termFor(word: string, lang: CueLang, where: string): number {
    let spec: TermSpec;
    if (word.startsWith('=')) {
      spec = { kind: 'exact', text: normalizeWord(word.slice(1), where) };
    } else if (word.endsWith('*') && word.length > 1) {
      spec = { kind: 'prefix', text: normalizeWord(word.slice(0, -1), where) };
    } else {
      const text = normalizeWord(word, where);
      const stemLang: StemLang | null = lang === 'any' ? guessStemLang(text) : lang;
      const stemmed = stemLang ? stem(stemLang, text) : text;
      spec = text.length <= 3 || stemmed.length < 3 || !stemLang ? { kind: 'exact', text } : { kind: 'stem', text: stemmed, lang: stemLang };
    }
    const key = `${spec.kind}:${spec.lang ?? ''}:${spec.text}`;
    let id = this.termIds.get(key);
    if (id !== undefined) return id;
    id = this.termIds.size;
    this.termIds.set(key, id);
    if (spec.kind === 'exact') {
      if (spec.text.length <= 3) this.shortExact.add(id);
      const list = this.exact.get(spec.text);
      if (list) list.push(id);
      else this.exact.set(spec.text, [id]);
    } else if (spec.kind === 'prefix') {
      const node = this.insert(spec.text);
      (this.prefixAt[node] ??= []).push(id);
    } else {
      const entry: StemTerm = { term: id, lang: spec.lang!, stem: spec.text };
      (this.stemAt[this.insert(spec.text)] ??= []).push(entry);
      // English stems end in "i" where the word ends in "y" ("deny" → "deni").
      if (spec.lang === 'en' && spec.text.endsWith('i')) (this.stemAt[this.insert(`${spec.text.slice(0, -1)}y`)] ??= []).push(entry);
    }
    return id;
  }

  private insert(text: string): number {
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let map = this.children[node];
      if (!map) {
        map = new Map();
        this.children[node] = map;
      }
      let next = map.get(code);
      if (next === undefined) {
        next = this.nodeCount++;
        map.set(code, next);
        this.children.push(undefined);
      }
      node = next;
    }
    return node;
  }

  // ---- matching ----------------------------------------------------------

  /** The term ids each token carries (undefined: none). */
  termsOfTokens(tokens: Tokens): Array<number[] | undefined> {
    const out: Array<number[] | undefined> = new Array(tokens.count);
    const memo = this.termsMemo;
    for (let t = 0; t < tokens.count; t++) {
      const word = tokens.text[t]!;
      const known = memo.get(word);
      if (known !== undefined) {
        if (known) out[t] = known;
        continue;
      }
      const terms = this.termsOfWord(word);
      if (memo.size >= TERMS_MEMO_LIMIT) memo.clear();
      memo.set(word, terms ?? null);
      if (terms) out[t] = terms;
    }
    return out;
  }

  private termsOfWord(word: string): number[] | undefined {
    // The exact-form list is shared (read-only); it is copied only if the trie adds to it.
    const exact = this.exact.get(word);
    let found: number[] | undefined;
    // Walk the trie along the word.
    let node = 0;
    const children = this.children;
    for (let i = 0; i < word.length; i++) {
      const map = children[node];
      if (!map) break;
      const next = map.get(word.charCodeAt(i));
      if (next === undefined) break;
      node = next;
      const prefixes = this.prefixAt[node];
      if (prefixes) {
        found ??= exact ? exact.slice() : [];
        for (let k = 0; k < prefixes.length; k++) found.push(prefixes[k]!);
      }
      const stems = this.stemAt[node];
      if (stems && word.length - (i + 1) <= WORD_ENDING_MAX) {
        for (const s of stems) {
          if (this.stems.get(s.lang, word) === s.stem) (found ??= exact ? exact.slice() : []).push(s.term);
        }
      }
    }
    return found ?? exact;
  }

  /** Every match of every sequence in the post (at most one per sequence and start token). */
  match(tokens: Tokens, termsOf: Array<number[] | undefined>): CueMatch[] {
    const matches: CueMatch[] = [];
    const stamps = this.seqStamp;
    for (let t = 0; t < tokens.count; t++) {
      const terms = termsOf[t];
      if (!terms) continue;
      // A fresh stamp per token; wraps harmlessly after 2^31 tokens.
      const mark = (this.stamp = (this.stamp + 1) | 0) || (this.stamp = 1);
      for (const term of terms) {
        const seqs = this.anchors[term];
        if (!seqs) continue;
        for (const seqId of seqs) {
          if (stamps[seqId] === mark) continue;
          stamps[seqId] = mark;
          const seq = this.sequences[seqId]!;
          let slots: number[] = [t];
          if (seq.slots.length > 1) {
            // From the anchor forward, then the slots before it backward.
            if (!this.extend(seq, seq.anchor + 1, t, t, tokens, termsOf, slots)) continue;
            if (seq.anchor > 0) {
              const before: number[] = [];
              if (!this.extendBack(seq, seq.anchor - 1, t, t, tokens, termsOf, before)) continue;
              slots = before.reverse().concat(slots);
            }
          }
          const first = slots[0]!;
          if (seq.atStart && first > 0 && tokens.sentence[first - 1] === tokens.sentence[first]) continue;
          const last = slots[slots.length - 1]!;
          const owners = seq.owners;
          for (let o = 0; o < owners.length; o += 2) matches.push({ cue: owners[o]!, part: owners[o + 1]!, first, last, slots });
        }
      }
    }
    return matches;
  }

  /** Depth-first: places slot k after position `prev`, within its gap and the same sentence. */
  private extend(seq: Sequence, k: number, prev: number, anchorAt: number, tokens: Tokens, termsOf: Array<number[] | undefined>, slots: number[]): boolean {
    if (k === seq.slots.length) return true;
    const want = seq.slots[k]!;
    const sentence = tokens.sentence[anchorAt];
    const limit = Math.min(tokens.count - 1, prev + 1 + seq.gaps[k]!);
    for (let q = prev + 1; q <= limit; q++) {
      if (tokens.sentence[q] !== sentence) return false;
      const terms = termsOf[q];
      if (!terms || !intersects(want, terms)) continue;
      slots.push(q);
      if (this.extend(seq, k + 1, q, anchorAt, tokens, termsOf, slots)) return true;
      slots.pop();
    }
    return false;
  }

  /** Mirror of extend: places slot k before position `next` (collected in reverse order). */
  private extendBack(seq: Sequence, k: number, next: number, anchorAt: number, tokens: Tokens, termsOf: Array<number[] | undefined>, slots: number[]): boolean {
    if (k < 0) return true;
    const want = seq.slots[k]!;
    const sentence = tokens.sentence[anchorAt];
    const limit = Math.max(0, next - 1 - seq.gaps[k + 1]!);
    for (let q = next - 1; q >= limit; q--) {
      if (tokens.sentence[q] !== sentence) return false;
      const terms = termsOf[q];
      if (!terms || !intersects(want, terms)) continue;
      slots.push(q);
      if (this.extendBack(seq, k - 1, q, anchorAt, tokens, termsOf, slots)) return true;
      slots.pop();
    }
    return false;
  }
}

/**
 * The alternatives of one slot: "a|b", "(meat grinder)|massacre",
 * "(a b|c)": split at top-level "|", groups opened, nested groups flattened.
 */
function alternatives(body: string, where: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  const flush = () => {
    const alt = current.trim();
    current = '';
    if (alt === '') throw new Error(`${where}: empty alternative in "${body}"`);
    if (alt.startsWith('(') && alt.endsWith(')') && balanced(alt.slice(1, -1))) out.push(...alternatives(alt.slice(1, -1), where));
    else if (alt.includes('(') || alt.includes(')')) throw new Error(`${where}: misplaced parenthesis in "${body}"`);
    else out.push(alt);
  };
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === '|' && depth === 0) flush();
    else current += ch;
  }
  flush();
  return out;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Splits a pattern at spaces, keeping "( ... )" groups (which may hold spaces) whole. */
function splitPattern(raw: string, where: string): string[] {
  // Punctuation in a cue ("того, чего не было") is not a word; the tokenizer skips it in posts too.
  const pattern = raw.replace(/[,?!;«»"“”„]/g, ' ');
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of pattern.trim()) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new Error(`${where}: unbalanced ")" in "${pattern}"`);
    if (/\s/.test(ch) && depth === 0) {
      if (current !== '') parts.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new Error(`${where}: unbalanced "(" in "${pattern}"`);
  if (current !== '') parts.push(current);
  return parts;
}

function intersects(sorted: Int32Array, terms: number[]): boolean {
  for (const t of terms) {
    // Slots are small; a linear scan beats a binary search below ~16 entries.
    if (sorted.length < 16) {
      for (let i = 0; i < sorted.length; i++) if (sorted[i] === t) return true;
    } else {
      let lo = 0;
      let hi = sorted.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = sorted[mid]!;
        if (v === t) return true;
        if (v < t) lo = mid + 1;
        else hi = mid - 1;
      }
    }
  }
  return false;
}

/** Normalizes a cue word exactly as posts are normalized, so both meet. */
function normalizeWord(word: string, where: string): string {
  const text = normalize(word).text.trim();
  const tokens = tokenize(text);
  if (text === '' || tokens.count !== 1 || tokens.start[0] !== 0 || tokens.end[0] !== text.length) {
    throw new Error(`${where}: "${word}" is not a single word (use spaces between words, and \`=\` or \`*\` only at the edges)`);
  }
  return text;
}

function guessStemLang(word: string): StemLang | null {
  if (/[a-z]/.test(word)) return 'en';
  if (/[іїєґ]/.test(word)) return 'uk';
  if (/[а-я]/.test(word)) return 'ru';
  return null;
}
