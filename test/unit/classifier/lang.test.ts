import { describe, expect, it } from 'vitest';
import { identifyLanguage } from '../../../services/classifier/lang.ts';
import { normalize } from '../../../services/classifier/normalize.ts';
import { tokenize } from '../../../services/classifier/tokenize.ts';

const lang = (text: string) => {
  const n = normalize(text);
  return identifyLanguage(n.text, tokenize(n.text));
};

describe('language identification', () => {
  it('tells Ukrainian from Russian by letters in short posts', () => {
    expect(lang('Корейці в Курській')).toBe('uk');
    expect(lang('Корейцы в Курской')).toBe('ru');
    expect(lang('Їх немає')).toBe('uk');
    expect(lang('Это фейк')).toBe('ru');
  });

  it('tells them apart by frequent words when letters do not decide', () => {
    expect(lang('Це просто казка')).toBe('uk');
    expect(lang('Как всегда, сказки')).toBe('ru');
  });

  it('recognizes English, also with Cyrillic look-alikes inside', () => {
    expect(lang('No North Koreans in Kursk')).toBe('en');
    expect(lang('Ukrаiniаn SOF rероrt first clаsh')).toBe('en');
  });

  it('takes the majority language of mixed posts', () => {
    expect(lang('Koreans in Kursk? Нет там никаких корейцев, это всё выдумки')).toBe('ru');
    expect(lang('Гарматне м\'ясо — that is the only word for it. Kim sent kids to die for Putin')).toBe('en');
  });

  it('answers other for other languages and for posts without letters', () => {
    expect(lang('Nordkoreanische Soldaten sind nicht in der Ukraine und das ist die Wahrheit')).toBe('other');
    expect(lang('북한군 쿠르스크')).toBe('other');
    expect(lang('🇰🇵🔥 2024')).toBe('other');
  });
});
