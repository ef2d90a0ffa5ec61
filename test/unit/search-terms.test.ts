import { describe, expect, it } from 'vitest';
import { lightStem, searchTerms, simpleQueryText } from '../../services/posts/search.ts';

describe('lightStem', () => {
  it('reduces Ukrainian and Russian inflections of one word to a shared prefix', () => {
    const stems = (words: string[]) => new Set(words.map(lightStem));
    expect(stems(['корейців', 'корейці', 'корейцями', 'корейцям'])).toEqual(new Set(['корейц']));
    expect(stems(['корейцев', 'корейцы', 'корейцами'])).toEqual(new Set(['корейц']));
    for (const form of ['полонені', 'полонених', 'полоненими', 'полоненого']) expect(form.startsWith(lightStem('полонених')!)).toBe(true);
    expect(lightStem('дронів')).toBe('дрон');
    expect(lightStem('Зелёными')).toBe('зелен');
  });

  it('never cuts below four letters, and leaves short words alone', () => {
    expect(lightStem('дрон')).toBe('дрон');
    expect(lightStem('фейк')).toBe('фейк');
    expect(lightStem('КНДР')).toBe('кндр');
    expect(lightStem('ВСУ')).toBeNull();
    expect(lightStem('ёлками')).toBe('елкам');
    expect(lightStem('воювати')).toBe('воюв');
  });
});

describe('searchTerms', () => {
  it('splits on anything but letters and digits, lowercases, dedupes, and stems only Cyrillic words', () => {
    expect(searchTerms('Корейців, КОРЕЙЦІВ; soldiers F-16 м\'ясо')).toEqual([
      { word: 'корейців', prefix: 'корейц' },
      { word: 'soldiers', prefix: null },
      { word: 'f', prefix: null },
      { word: '16', prefix: null },
      { word: 'м', prefix: null },
      { word: 'ясо', prefix: null },
    ]);
    expect(searchTerms(' ,;! ')).toEqual([]);
  });

  it('writes safe to_tsquery text: quoted lexemes, prefix marker for stems', () => {
    expect(simpleQueryText({ word: 'корейців', prefix: 'корейц' })).toBe("'корейц':*");
    expect(simpleQueryText({ word: 'kursk', prefix: null })).toBe("'kursk'");
  });
});
