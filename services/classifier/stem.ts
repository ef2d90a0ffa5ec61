// One stemmer per language, behind one function, with a bounded memo: the
// same words recur across posts, and stemming is the matcher's only costly
// step per candidate word.
import { stemEnglish } from './stem-en.ts';
import { stemRussian } from './stem-ru.ts';
import { stemUkrainian } from './stem-uk.ts';

export type StemLang = 'ru' | 'uk' | 'en';
export const STEM_LANGS: readonly StemLang[] = ['ru', 'uk', 'en'];

const STEMMERS: Record<StemLang, (word: string) => string> = {
  ru: stemRussian,
  uk: stemUkrainian,
  en: stemEnglish,
};

export function stem(lang: StemLang, word: string): string {
  return STEMMERS[lang](word);
}

/** A memoizing stemmer; the memo is dropped when it grows past `limit` entries. */
export class StemCache {
  private readonly memo: Record<StemLang, Map<string, string>> = { ru: new Map(), uk: new Map(), en: new Map() };
  constructor(private readonly limit = 50_000) {}
  get(lang: StemLang, word: string): string {
    const memo = this.memo[lang];
    let result = memo.get(word);
    if (result === undefined) {
      result = STEMMERS[lang](word);
      if (memo.size >= this.limit) memo.clear();
      memo.set(word, result);
    }
    return result;
  }
}
