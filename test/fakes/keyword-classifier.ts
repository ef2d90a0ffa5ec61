// A stand-in classifier for store and pipeline tests: tags a frame when the
// text contains the frame's name. The real classifier has its own tests.
import type { TextClassifier } from '../../services/classification/service.ts';

export const FRAME_WORDS = ['denial', 'kidnapping', 'berserker_praise', 'cannon_fodder'];

export function keywordClassifier(version = 'kw-1'): TextClassifier {
  return {
    version,
    classify(text: string) {
      const onTopic = /korea/i.test(text);
      const frames = onTopic
        ? FRAME_WORDS.filter((f) => text.includes(f)).map((frame) => {
            const start = text.indexOf(frame);
            return { frame, score: 0.9, evidence: [{ start, end: start + frame.length, text: frame }] };
          })
        : [];
      return { lang: 'en', onTopic, frames };
    },
  };
}
