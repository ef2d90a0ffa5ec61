// A light English stemmer: Porter's step 1 (plurals, -ed/-ing, y→i) plus
// -ly. Enough to meet "Koreans"/"Korean", "kidnapped"/"kidnapping",
// "denies"/"denied"/"deny" on one stem.

const VOWEL = /[aeiou]/;

function hasVowel(s: string): boolean {
  return VOWEL.test(s);
}

/** Porter's m: the number of vowel-consonant sequences. */
function measure(s: string): number {
  let m = 0;
  let prevVowel = false;
  for (let i = 0; i < s.length; i++) {
    const vowel = isVowelAt(s, i);
    if (!vowel && prevVowel) m++;
    prevVowel = vowel;
  }
  return m;
}

function isVowelAt(s: string, i: number): boolean {
  const c = s[i]!;
  if ('aeiou'.includes(c)) return true;
  return c === 'y' && i > 0 && !isVowelAt(s, i - 1);
}

function endsCvc(s: string): boolean {
  const n = s.length;
  if (n < 3) return false;
  return !isVowelAt(s, n - 3) && isVowelAt(s, n - 2) && !isVowelAt(s, n - 1) && !'wxy'.includes(s[n - 1]!);
}

export function stemEnglish(input: string): string {
  let w = input;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  else if (w.endsWith("s'")) w = w.slice(0, -1);
  if (w.length < 3) return w;
  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) {
    // keep
  } else if (w.endsWith('s')) w = w.slice(0, -1);
  // Step 1b
  let second = false;
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    second = true;
  } else if (w.endsWith('ing') && hasVowel(w.slice(0, -3)) && w.length > 5) {
    w = w.slice(0, -3);
    second = true;
  }
  if (second) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (w.length > 2 && w[w.length - 1] === w[w.length - 2] && !'lsz'.includes(w[w.length - 1]!) && !isVowelAt(w, w.length - 1)) w = w.slice(0, -1);
    else if (measure(w) === 1 && endsCvc(w)) w += 'e';
  }
  // Step 1c
  if (w.endsWith('y') && w.length > 2 && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);
  else if (w.endsWith('li') && w.length > 5 && !w.endsWith('ali')) w = w.slice(0, -2);
  // A final silent e: "staged"/"stage" and "forced"/"force" meet at one stem.
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}
