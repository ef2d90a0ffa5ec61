// Turns an analyst's search text into terms for the full-text index of
// migrations/004_api.sql (docs/search.md explains the design). Pure.
//
// Each post is indexed with 'simple' lexemes (word forms as written) and
// 'russian' lexemes (Snowball stems; Latin words get English stems). A query
// word matches when either
//   - its 'russian' stem matches (Russian and English inflections), or
//   - its light stem, as a prefix, matches a 'simple' lexeme: this is how
//     Ukrainian inflections are found, for which PostgreSQL has no stemmer
//     ("корейців" -> корейц:* finds корейці, корейцями, корейцям).
// All words must match (AND).

export interface SearchTerm {
  /** The word, lowercased: stemmed by PostgreSQL's 'russian' configuration. */
  word: string;
  /** Prefix to match against 'simple' lexemes, or null to match the word exactly. */
  prefix: string | null;
}

export const MAX_SEARCH_TERMS = 8;
/** A shorter prefix matches too many lexemes to be useful or cheap. */
const MIN_STEM = 4;

// Inflectional endings of Ukrainian and Russian nouns, adjectives, participles
// and verbs, longest first. Stripping one is a "light stemmer": it loses some
// precision (a prefix also matches unrelated longer words) for recall across
// both languages, which is the right trade for an analyst's search box.
const ENDINGS = [...new Set([
  'ами', 'ями', 'ові', 'еві', 'єві', 'ого', 'ому', 'ими', 'іми', 'его', 'ему', 'ыми', 'ать', 'ять', 'ить', 'ати', 'ити', 'іти', 'ють', 'ують',
  'ах', 'ях', 'ам', 'ям', 'ів', 'їв', 'ов', 'ев', 'ей', 'ою', 'ею', 'єю', 'ом', 'ем', 'єм', 'ій', 'ий', 'ої', 'их', 'іх', 'им', 'ім', 'ая', 'яя', 'ое', 'ее',
  'ые', 'ие', 'ых', 'ый', 'ой', 'ую', 'юю', 'ия', 'ию', 'ут', 'ют', 'ет', 'ла', 'ло', 'ли', 'ть',
  'а', 'я', 'о', 'е', 'є', 'и', 'і', 'ї', 'у', 'ю', 'ь', 'й', 'ы', 'в',
])].sort((a, b) => b.length - a.length);
const REFLEXIVE = ['ся', 'сь'];

const CYRILLIC = /[\u0400-\u04FF]/;

/** The word without its inflectional ending, or null when too short to stem. */
export function lightStem(word: string): string | null {
  let w = word.toLowerCase().replace(/ё/g, 'е');
  if (w.length < MIN_STEM) return null;
  for (const r of REFLEXIVE) {
    if (w.endsWith(r) && w.length - r.length >= MIN_STEM) {
      w = w.slice(0, -r.length);
      break;
    }
  }
  for (const e of ENDINGS) {
    if (w.endsWith(e) && w.length - e.length >= MIN_STEM) return w.slice(0, -e.length);
  }
  return w;
}

/** Splits like PostgreSQL's parser does for our purposes: letters and digits form words. */
export function searchTerms(q: string): SearchTerm[] {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words)].slice(0, MAX_SEARCH_TERMS);
  return unique.map((word) => ({ word, prefix: CYRILLIC.test(word) ? lightStem(word) : null }));
}

/** The to_tsquery('simple', ...) text of one term; safe because terms hold only letters and digits. */
export function simpleQueryText(term: SearchTerm): string {
  return term.prefix === null ? `'${term.word}'` : `'${term.prefix}':*`;
}
