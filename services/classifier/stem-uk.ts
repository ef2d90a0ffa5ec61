// A light Ukrainian stemmer: strips one inflectional ending (after a
// reflexive -ся/-сь), never reaching into the first syllable. It follows
// the shape of the Snowball Russian stemmer but with Ukrainian endings.
//
// What matters here is consistency, not linguistics: a cue written in one
// form ("гарматне м'ясо") must meet the post's other forms ("гарматним
// м'ясом"), so noun and adjective paradigms must collapse to one stem.
// Endings that would cut into stems (-на/-ні of participles, which also end
// nouns like "війна") are left out on purpose; cue files list those forms.

const VOWELS = 'аеєиіїоуюя';

const byLength = (list: string[]) => [...new Set(list)].sort((a, b) => b.length - a.length);

const ENDINGS = byLength([
  // nouns
  'а', 'я', 'о', 'е', 'є', 'у', 'ю', 'і', 'ї', 'и', 'ь', 'ом', 'ем', 'єм', 'ою', 'ею', 'єю', 'ів', 'їв', 'ей', 'ам', 'ям',
  'ами', 'ями', 'ах', 'ях', 'ові', 'еві', 'єві', 'ов',
  // adjectives and participles
  'ий', 'ій', 'ого', 'ього', 'ому', 'ьому', 'им', 'ім', 'их', 'іх', 'ими', 'іми', 'ої', 'ьої', 'ую', 'юю', 'ая', 'яя',
  'еє', 'ее', 'ьою', 'ійся',
  // verbs: present and future, infinitive, imperative, gerunds
  'ть', 'еш', 'єш', 'емо', 'ємо', 'ете', 'єте', 'уть', 'ють', 'иш', 'іш', 'ить', 'іть', 'имо', 'імо', 'ите', 'іте',
  'ать', 'ять', 'йте', 'ймо', 'учи', 'ючи', 'ачи', 'ячи', 'вши', 'емо', 'уть',
  'ила', 'ило', 'или', 'ив', 'іла', 'іло', 'іли', 'ув', 'ула', 'ули',
]);
// Past-tense -в/-ла/-ло/-ли strip only after а/я (as in Snowball's Russian
// "group 1"); infinitives in -ати/-ити are left whole-ish ("-ти" goes) so
// plurals such as "солдати" keep their stem.
const AFTER_A = byLength(['в', 'ла', 'ло', 'ли', 'вши']);

function firstVowelEnd(word: string): number {
  for (let i = 0; i < word.length; i++) if (VOWELS.includes(word[i]!)) return i + 1;
  return word.length;
}

export function stemUkrainian(input: string): string {
  let word = input;
  if (word.length < 3) return word;
  const rv = Math.max(firstVowelEnd(word), 2);
  if ((word.endsWith('ся') || word.endsWith('сь')) && word.length - 2 >= rv + 1) word = word.slice(0, -2);

  let stripped: string | null = null;
  for (const ending of ENDINGS) {
    if (word.length - ending.length >= rv && word.endsWith(ending)) {
      stripped = word.slice(0, word.length - ending.length);
      break;
    }
  }
  for (const ending of AFTER_A) {
    if (!word.endsWith(ending)) continue;
    const before = word[word.length - ending.length - 1];
    const rest = word.length - ending.length;
    if ((before === 'а' || before === 'я') && rest >= rv && (stripped === null || rest < stripped.length)) {
      stripped = word.slice(0, rest);
    }
    break;
  }
  if (stripped !== null) word = stripped;
  // -ння/-ння nouns and -ені participles meet at one stem: "викраденн" → "викраден".
  if (word.endsWith('нн') && word.length - 1 >= rv) word = word.slice(0, -1);
  if (word.endsWith('ь') && word.length - 1 >= rv) word = word.slice(0, -1);
  return word;
}
