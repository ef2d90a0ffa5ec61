// The cue data: validation errors an analyst can act on, the pattern syntax,
// and a version that follows the data.
import { describe, expect, it } from 'vitest';
import { buildFrameData, createRuleClassifier, FrameDataError, loadFrameData } from '../../../services/classifier/index.ts';

const stance = {
  negation: { window: 3, words: { ru: ['не'], en: ['not'] }, breakers: {} },
  markers: { reporting: { en: ['propagandists ~2 claim'] } },
  factors: { negated: 0, reported: 0.2, quoted: 0.6, irony: 0.3, distanced: 0.4, refutedPost: 0.35 },
};
const topic = { threshold: 0.5, frameCueWeight: 0.5, frameCueMinWeight: 0.5, groups: { koreans: { weight: 0.5, cues: { any: ['@koreans'] } } } };
const lexicon = { koreans: { ru: ['корейц*'], en: ['=koreans'] } };

function dataWith(frameCues: unknown) {
  return buildFrameData([
    { name: 'lexicon.yaml', content: { lexicon } },
    { name: 'topic.yaml', content: { topic } },
    { name: 'stance.yaml', content: { stance } },
    { name: 'cannon_fodder.yaml', content: { frame: 'cannon_fodder', threshold: 0.5, weight: 0.6, cues: frameCues } },
  ]);
}

describe('frame data', () => {
  it('the shipped data loads and validates', () => {
    const data = loadFrameData();
    expect(data.frames.map((f) => f.frame).sort()).toEqual(['alliance_legitimation', 'berserker_praise', 'cannon_fodder', 'denial', 'incompetence', 'kidnapping', 'western_pretext']);
    expect(data.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names every problem with its file and place', () => {
    let error: unknown;
    try {
      buildFrameData([
        { name: 'bad.yaml', content: { frame: 'cannon_food', cues: {} } },
        { name: 'lex.yaml', content: { lexicon: { Bad: { ru: ['x'] } } } },
        { name: 'f.yaml', content: { frame: 'denial', cues: { ru: [{ p: 'x @nowhere', w: 3 }], fr: ['y'] } } },
      ]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FrameDataError);
    const message = (error as Error).message;
    expect(message).toContain('bad.yaml: frame must be one of the seven frame ids');
    expect(message).toContain('lexicon name "Bad"');
    expect(message).toContain('f.yaml: cues.ru[0].w: expected a number in [0, 1]');
    expect(message).toContain('unknown language "fr"');
    expect(message).toContain('unknown lexicon @nowhere');
    expect(message).toContain('no topic gate defined');
  });

  it('compiles the pattern syntax: stems, prefixes, exact forms, groups, optional words and gaps', () => {
    const c = createRuleClassifier({
      data: dataWith({
        ru: ['пушечное мясо', { p: 'бросают ~3 (в мясорубку)|(на убой)', w: 0.7 }, { p: '=мясом [корейцев] для', w: 0.6 }],
        en: ['fodder*'],
      }),
    });
    const has = (text: string) => c.classify(text).frames.some((f) => f.frame === 'cannon_fodder');
    expect(has('Корейцы — пушечным мясом станут')).toBe(true); // both words inflected
    expect(has('Корейцев бросают прямо в самую мясорубку')).toBe(false); // "самую" breaks the phrase "в мясорубку"
    expect(has('Корейцев бросают, как всегда, на убой')).toBe(true);
    expect(has('Корейцев бросают, как всегда и везде, на убой')).toBe(false); // gap of 3 exceeded
    expect(has('Корейцы стали мясом для Кремля')).toBe(true);
    expect(has('Корейцы стали мясом корейцев для Кремля')).toBe(true);
    expect(has('Корейцы стали мясо для Кремля')).toBe(false); // =мясом is exact
    expect(has('Koreans as fodder-like infantry')).toBe(true);
  });

  it('the version changes with the data and not otherwise', () => {
    const a = createRuleClassifier({ data: dataWith({ ru: ['пушечное мясо'] }) });
    const b = createRuleClassifier({ data: dataWith({ ru: ['пушечное мясо'] }) });
    const c = createRuleClassifier({ data: dataWith({ ru: ['пушечное мясо', 'мясорубка'] }) });
    expect(a.version).toBe(b.version);
    expect(a.version).not.toBe(c.version);
  });

  it('unless cancels a cue next to a false friend', () => {
    const c = createRuleClassifier({ data: dataWith({ ru: [{ p: 'убой', unless: 'скот*' }] }) });
    expect(c.classify('Корейцев гонят на убой').frames).toHaveLength(1);
    expect(c.classify('Корейцы везут скот на убой').frames).toHaveLength(0);
  });
});
