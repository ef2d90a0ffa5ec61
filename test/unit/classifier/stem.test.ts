import { describe, expect, it } from 'vitest';
import { stemEnglish } from '../../../services/classifier/stem-en.ts';
import { stemRussian } from '../../../services/classifier/stem-ru.ts';
import { stemUkrainian } from '../../../services/classifier/stem-uk.ts';

/** Every form of a paradigm must meet at one stem; that is what cue matching relies on. */
function sameStem(stem: (w: string) => string, forms: string[]): void {
  const stems = new Set(forms.map(stem));
  expect([...stems], forms.join(', ')).toHaveLength(1);
}

describe('Russian stemmer (Snowball)', () => {
  it('collapses noun and adjective paradigms', () => {
    sameStem(stemRussian, ['корейцы', 'корейцев', 'корейцам', 'корейцами', 'корейцах']);
    sameStem(stemRussian, ['пушечное', 'пушечного', 'пушечным', 'пушечном']);
    sameStem(stemRussian, ['мясо', 'мяса', 'мясом']);
    sameStem(stemRussian, ['северокорейские', 'северокорейских', 'северокорейским']);
  });

  it('follows the reference algorithm on known words', () => {
    expect(stemRussian('похищение')).toBe('похищен');
    expect(stemRussian('берсерков')).toBe('берсерк');
    expect(stemRussian('договора')).toBe('договор');
    expect(stemRussian('безбашенные')).toBe('безбашен');
  });
});

describe('Ukrainian stemmer', () => {
  it('collapses noun and adjective paradigms', () => {
    sameStem(stemUkrainian, ['корейці', 'корейців', 'корейцям', 'корейцями', 'корейцях']);
    sameStem(stemUkrainian, ['гарматне', 'гарматного', 'гарматним']);
    sameStem(stemUkrainian, ["м'ясо", "м'яса", "м'ясом"]);
    sameStem(stemUkrainian, ['війна', 'війни', 'війною']);
    sameStem(stemUkrainian, ['солдати', 'солдатів', 'солдатам']);
  });

  it('meets participle and noun of "викрасти" at one stem (the false friend needs context, not spelling)', () => {
    sameStem(stemUkrainian, ['викрадені', 'викрадених', 'викрадення']);
  });

  it('never reaches into the first syllable', () => {
    expect(stemUkrainian('сили')).toBe('сил');
    expect(stemUkrainian('дні')).toBe('дні');
  });
});

describe('English stemmer', () => {
  it('collapses plurals, -ed/-ing and y/i', () => {
    sameStem(stemEnglish, ['koreans', 'korean', "korean's"]);
    sameStem(stemEnglish, ['kidnap', 'kidnapped', 'kidnapping', 'kidnaps']);
    sameStem(stemEnglish, ['deny', 'denies', 'denied']);
    sameStem(stemEnglish, ['stage', 'staged', 'stages']);
  });
});
