// The Snowball Russian stemmer (Porter's algorithm for Russian), over
// normalized text (lowercase, ё already folded to е).
// https://snowballstem.org/algorithms/russian/stemmer.html

const VOWELS = 'аеиоуыэюя';

function isVowel(c: string | undefined): boolean {
  return c !== undefined && VOWELS.includes(c);
}

// Endings, longest first within each group so the first hit is the longest.
const byLength = (list: string[]) => [...list].sort((a, b) => b.length - a.length);
const PERFECTIVE_GERUND_1 = byLength(['в', 'вши', 'вшись']); // after а or я
const PERFECTIVE_GERUND_2 = byLength(['ив', 'ивши', 'ившись', 'ыв', 'ывши', 'ывшись']);
const ADJECTIVE = byLength(['ее', 'ие', 'ые', 'ое', 'ими', 'ыми', 'ей', 'ий', 'ый', 'ой', 'ем', 'им', 'ым', 'ом', 'его', 'ого', 'ему', 'ому', 'их', 'ых', 'ую', 'юю', 'ая', 'яя', 'ою', 'ею']);
const PARTICIPLE_1 = byLength(['ем', 'нн', 'вш', 'ющ', 'щ']); // after а or я
const PARTICIPLE_2 = byLength(['ивш', 'ывш', 'ующ']);
const REFLEXIVE = byLength(['ся', 'сь']);
const VERB_1 = byLength(['ла', 'на', 'ете', 'йте', 'ли', 'й', 'л', 'ем', 'н', 'ло', 'но', 'ет', 'ют', 'ны', 'ть', 'ешь', 'нно']); // after а or я
const VERB_2 = byLength(['ила', 'ыла', 'ена', 'ейте', 'уйте', 'ите', 'или', 'ыли', 'ей', 'уй', 'ил', 'ыл', 'им', 'ым', 'ен', 'ило', 'ыло', 'ено', 'ят', 'ует', 'уют', 'ит', 'ыт', 'ены', 'ить', 'ыть', 'ишь', 'ую', 'ю']);
const NOUN = byLength(['а', 'ев', 'ов', 'ие', 'ье', 'е', 'иями', 'ями', 'ами', 'еи', 'ии', 'и', 'ией', 'ей', 'ой', 'ий', 'й', 'иям', 'ям', 'ием', 'ем', 'ам', 'ом', 'о', 'у', 'ах', 'иях', 'ях', 'ы', 'ь', 'ию', 'ью', 'ю', 'ия', 'ья', 'я']);
const SUPERLATIVE = byLength(['ейш', 'ейше']);
const DERIVATIONAL = byLength(['ост', 'ость']);

/** Removes the longest ending of `list` found in word[rv..]; group 1 endings need а/я before them. */
function strip(word: string, rv: number, list: string[], afterAYa: boolean): string | null {
  for (const ending of list) {
    if (word.length - ending.length < rv || !word.endsWith(ending)) continue;
    if (afterAYa) {
      const before = word[word.length - ending.length - 1];
      if (before !== 'а' && before !== 'я') continue;
      if (word.length - ending.length - 1 < rv) continue;
    }
    return word.slice(0, word.length - ending.length);
  }
  return null;
}

function stripEither(word: string, rv: number, group1: string[], group2: string[]): string | null {
  // The longest ending wins across both groups.
  const a = strip(word, rv, group1, true);
  const b = strip(word, rv, group2, false);
  if (a === null) return b;
  if (b === null) return a;
  return a.length <= b.length ? a : b;
}

function regions(word: string): { rv: number; r2: number } {
  let rv = word.length;
  for (let i = 0; i < word.length; i++) {
    if (isVowel(word[i])) {
      rv = i + 1;
      break;
    }
  }
  // R1: after the first non-vowel following a vowel; R2: the same inside R1.
  const after = (from: number): number => {
    for (let i = from + 1; i < word.length; i++) {
      if (!isVowel(word[i]) && isVowel(word[i - 1])) return i + 1;
    }
    return word.length;
  };
  const r1 = after(0);
  const r2 = after(r1);
  return { rv, r2 };
}

export function stemRussian(input: string): string {
  let word = input;
  if (word.length < 3) return word;
  const { rv, r2 } = regions(word);

  // Step 1
  const gerund = stripEither(word, rv, PERFECTIVE_GERUND_1, PERFECTIVE_GERUND_2);
  if (gerund !== null) {
    word = gerund;
  } else {
    word = strip(word, rv, REFLEXIVE, false) ?? word;
    const adjective = strip(word, rv, ADJECTIVE, false);
    if (adjective !== null) {
      word = stripEither(adjective, rv, PARTICIPLE_1, PARTICIPLE_2) ?? adjective;
    } else {
      const verb = stripEither(word, rv, VERB_1, VERB_2);
      if (verb !== null) word = verb;
      else word = strip(word, rv, NOUN, false) ?? word;
    }
  }
  // Step 2
  if (word.endsWith('и') && word.length - 1 >= rv) word = word.slice(0, -1);
  // Step 3
  const derivational = strip(word, Math.max(rv, r2), DERIVATIONAL, false);
  if (derivational !== null) word = derivational;
  // Step 4
  if (word.endsWith('нн') && word.length - 2 >= rv) {
    word = word.slice(0, -1);
  } else {
    const superlative = strip(word, rv, SUPERLATIVE, false);
    if (superlative !== null) {
      word = superlative;
      if (word.endsWith('нн') && word.length - 2 >= rv) word = word.slice(0, -1);
    } else if (word.endsWith('ь') && word.length - 1 >= rv) {
      word = word.slice(0, -1);
    }
  }
  return word;
}
