// Language identification for short posts: Russian, Ukrainian, English or
// other. Letters settle most Cyrillic posts (і ї є ґ are Ukrainian, ы э ъ
// Russian); frequent function words settle the rest, and break ties in
// posts where both kinds of letters occur (quotes, mixed posts).
import { TokenKind, type Tokens } from './tokenize.ts';
import type { Lang } from './types.ts';

const UK_WORDS = new Set([
  'і', 'й', 'та', 'що', 'це', 'як', 'від', 'для', 'його', 'її', 'які', 'який', 'яка', 'яке', 'був', 'була', 'були', 'було',
  'також', 'вже', 'ще', 'щоб', 'але', 'їх', 'ми', 'ви', 'вони', 'цей', 'ця', 'ці', 'після', 'проти', 'чи', 'теж', 'тут',
  'де', 'коли', 'тому', 'бо', 'лише', 'тільки', 'навіть', 'хто', 'ні', 'немає', 'нема', 'вона', 'він', 'буде', 'мають',
  'має', 'можна', 'треба', 'україни', 'україна', 'росії', 'росія', 'зараз', 'дуже', 'про', 'із', 'зі', 'між', 'своїх',
  'свої', 'наші', 'наших', 'цього', 'цих', 'їхні', 'їхніх', 'нібито', 'тобто', 'отже', 'адже', 'ось', 'аби', 'якщо',
]);
const RU_WORDS = new Set([
  'и', 'что', 'это', 'как', 'от', 'для', 'его', 'ее', 'которые', 'который', 'которая', 'был', 'была', 'были', 'было',
  'также', 'уже', 'еще', 'чтобы', 'но', 'их', 'мы', 'вы', 'они', 'этот', 'эта', 'эти', 'после', 'против', 'ли', 'тоже',
  'здесь', 'где', 'когда', 'потому', 'только', 'даже', 'кто', 'ни', 'нет', 'она', 'он', 'будет', 'имеют', 'имеет',
  'можно', 'надо', 'нужно', 'украины', 'украина', 'россии', 'россия', 'сейчас', 'очень', 'про', 'из', 'со', 'между',
  'своих', 'свои', 'наши', 'наших', 'этого', 'этих', 'якобы', 'то', 'есть', 'вот', 'если', 'ведь', 'там', 'всё', 'все',
  'или', 'при', 'без', 'так', 'же', 'бы', 'уж', 'совсем', 'никаких', 'никто', 'всегда', 'сейчас', 'тогда', 'потом', 'теперь',
]);
const EN_WORDS = new Set([
  'the', 'a', 'an', 'and', 'of', 'to', 'in', 'is', 'are', 'was', 'were', 'that', 'this', 'for', 'on', 'with', 'as', 'by',
  'it', 'its', 'from', 'not', 'no', 'have', 'has', 'be', 'been', 'they', 'their', 'there', 'at', 'or', 'but', 'who', 'what',
  'will', 'more', 'about', 'into', 'than', 'so', 'just', 'now', 'said', 'says', 'north', 'korean', 'koreans', 'troops',
  'soldiers', 'russia', 'ukraine', 'russian', 'ukrainian', 'kursk', 'we', 'our', 'you', 'he', 'she', 'them', 'his', 'her',
]);
// Other languages written in Latin letters, so a German or French post is not taken for English.
const OTHER_LATIN_WORDS = new Set([
  'der', 'die', 'das', 'und', 'ist', 'nicht', 'mit', 'ein', 'eine', 'le', 'la', 'les', 'et', 'est', 'des', 'une', 'pas',
  'el', 'los', 'las', 'y', 'que', 'con', 'una', 'por', 'il', 'di', 'che', 'non', 'per', 'w', 'z', 'nie', 'jest', 'się',
  'na', 'do', 'od', 've', 'bir', 'bu', 'da', 'ja', 'og', 'och', 'het', 'een', 'van', 'wojska', 'żołnierze',
]);

/** Identifies the language of a normalized, tokenized post. */
export function identifyLanguage(text: string, tokens: Tokens): Lang {
  let ukLetters = 0;
  let ruLetters = 0;
  let cyrillic = 0;
  let latin = 0;
  let otherLetters = 0;
  let latinDiacritics = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) latin++;
    else if (c >= 0x0430 && c <= 0x045f) {
      cyrillic++;
      if (c === 0x0456 || c === 0x0457 || c === 0x0454) ukLetters++;
      else if (c === 0x044b || c === 0x044d || c === 0x044a) ruLetters++;
    } else if (c === 0x0491) {
      cyrillic++;
      ukLetters++;
    } else if (c === 0x045e) {
      cyrillic++;
      otherLetters++; // ў: Belarusian
    } else if (c >= 0xc0 && c <= 0x24f) {
      latin++;
      latinDiacritics++;
    } else if (c >= 0x0370 && c < 0x0400) otherLetters++;
    else if (c >= 0x0530 && c <= 0x1fff) otherLetters++; // Armenian … Georgian, Hangul Jamo
    else if ((c >= 0x3040 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af)) otherLetters++; // CJK, Hangul
  }
  const letters = cyrillic + latin + otherLetters;
  if (letters === 0) return 'other';

  if (cyrillic >= latin && cyrillic >= otherLetters) {
    let uk = ukLetters * 2;
    let ru = ruLetters * 2;
    for (let t = 0; t < tokens.count; t++) {
      if (tokens.kind[t] !== TokenKind.Word) continue;
      const w = tokens.text[t]!;
      if (UK_WORDS.has(w)) uk += 1.5;
      if (RU_WORDS.has(w)) ru += 1.5;
      // Endings typical of each language, useful when no function word occurs.
      if (w.length > 4) {
        if (w.endsWith('ться') || w.endsWith('ого') || w.endsWith('ые') || w.endsWith('ий')) ru += 0.25;
        if (w.endsWith('ння') || w.endsWith('ться') || w.endsWith('ти') || w.endsWith('ій') || w.endsWith('ів')) uk += 0.25;
      }
    }
    if (otherLetters > cyrillic / 4 && uk === 0 && ru === 0) return 'other';
    return uk > ru ? 'uk' : 'ru';
  }
  if (latin >= otherLetters) {
    let en = 0;
    let foreign = 0;
    for (let t = 0; t < tokens.count; t++) {
      if (tokens.kind[t] !== TokenKind.Word) continue;
      const w = tokens.text[t]!;
      if (EN_WORDS.has(w)) en++;
      if (OTHER_LATIN_WORDS.has(w)) foreign++;
    }
    if (foreign > en || (latinDiacritics > 2 && latinDiacritics * 20 > latin && en < 2)) return 'other';
    return 'en';
  }
  return 'other';
}
