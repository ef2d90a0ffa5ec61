import { describe, expect, it } from 'vitest';
import { normalize, originalRange } from '../../../services/classifier/normalize.ts';

/** The original text behind normalized[from, to). */
function back(original: string, from: number, to: number): string {
  const n = normalize(original);
  const [s, e] = originalRange(n, from, to);
  return original.slice(s, e);
}

describe('normalize', () => {
  it('lowercases, folds ё to е and applies NFKC (fullwidth, ligatures)', () => {
    expect(normalize('Ёлки ПОХИЩЕНИЕ').text).toBe('елки похищение');
    expect(normalize('ＫＵＲＳＫ ﬁght').text).toBe('kursk fight');
  });

  it('removes zero-width characters, soft hyphens and stress marks', () => {
    expect(normalize('ф\u200bе\u200cй\u2060к').text).toBe('фейк');
    expect(normalize('пуш\u00adечное мя\u00adсо').text).toBe('пушечное мясо');
    expect(normalize('коре\u0301йцы').text).toBe('корейцы');
  });

  it('keeps й and ї when written as a letter plus a combining mark', () => {
    expect(normalize('кореи\u0306цы').text).toBe('корейцы');
    expect(normalize('i\u0308x').text).toBe('ïx');
  });

  it('unifies apostrophes', () => {
    for (const a of ['\u2019', '\u02bc', '`', '\u2018']) expect(normalize(`м${a}ясо`).text).toBe("м'ясо");
  });

  it('maps Latin look-alikes inside Cyrillic words back to Cyrillic, and the reverse in Latin words', () => {
    expect(normalize('пoхитил кoрeйцев').text).toBe('похитил корейцев');
    expect(normalize('KНДP').text).toBe('кндр');
    expect(normalize('Nоrth Kоrеаn').text).toBe('north korean');
    // English words stay English; a Latin-only word in a Russian post is left alone.
    expect(normalize('Korean troops и FPV-дроны').text).toBe('korean troops и fpv-дроны');
  });

  it('reads digits and @ used as letters, but not real numbers', () => {
    expect(normalize('K0reans tr00ps c@ptured').text).toBe('koreans troops captured');
    expect(normalize('к0рейцы').text).toBe('корейцы');
    expect(normalize('2024г 18-летних F-16 K9').text).toBe('2024г 18-летних f-16 k9');
  });

  it('rejoins spaced-out letters, keeping the words around them', () => {
    expect(normalize('К О Р Е Й Ц Ы в Курске').text).toBe('корейцы в курске');
    expect(normalize('с.е.в.е.р.о.к.о.р.е.й.с.к.и.е войска').text).toBe('северокорейские войска');
    expect(normalize('S T O R M corps').text).toBe('storm corps');
    // Three single letters are ordinary words, not obfuscation.
    expect(normalize('и я в доме').text).toBe('и я в доме');
  });

  it('maps every normalized range back to the original text', () => {
    const original = 'Кремль: «пoхитили» к о р е й ц е в\u200b! Ёж';
    const n = normalize(original);
    const word = (w: string) => {
      const at = n.text.indexOf(w);
      expect(at).toBeGreaterThanOrEqual(0);
      return back(original, at, at + w.length);
    };
    expect(word('похитили')).toBe('пoхитили');
    expect(word('корейцев')).toBe('к о р е й ц е в');
    expect(word('еж')).toBe('Ёж');
    expect(word('кремль')).toBe('Кремль');
  });

  it('maps offsets correctly around astral characters and expansions', () => {
    const original = '🇰🇵 ﬁ КНДР';
    const n = normalize(original);
    const at = n.text.indexOf('кндр');
    expect(back(original, at, at + 4)).toBe('КНДР');
    const fi = n.text.indexOf('fi');
    expect(back(original, fi, fi + 2)).toBe('ﬁ');
  });

  it('is stable on empty and whitespace-only input', () => {
    expect(normalize('').text).toBe('');
    expect(normalize('  \n ').text).toBe('  \n ');
  });
});
