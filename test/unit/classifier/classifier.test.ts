// Behaviour of the whole classifier on posts written for these tests (not
// taken from the evaluation sets): the topic gate, each frame in each
// language, stance, negation, irony, false friends and evidence spans.
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, FRAME_IDS, type ExplainingClassifier, type FrameId } from '../../../services/classifier/index.ts';

let classifier: ExplainingClassifier;
beforeAll(() => {
  classifier = createClassifier();
});

const frames = (text: string) => classifier.classify(text).frames.map((f) => f.frame).sort();

describe('topic gate', () => {
  const off = [
    ['South Korean politics', 'Парламент Южной Кореи снова спорит об импичменте: оппозиция вышла на улицы Сеула.'],
    ['K-pop', 'Новий мініальбом BTS вийшов сьогодні — корейські фанати вже побили рекорд переглядів.'],
    ['Korean carrots', 'Морковь по-корейски за 15 минут: тёрка, чеснок, кориандр и уксус.'],
    ['Korean cars', 'Korean carmakers Hyundai and Kia posted record sales in Europe this quarter.'],
    ['missile test', 'КНДР провела очередное испытание баллистической ракеты, сообщают японские военные.'],
    ['tourism', 'Туристы из России снова могут поехать в Пхеньян: тур на пять дней с экскурсиями.'],
    ['South Korean army', 'South Korean troops held joint drills with US forces near Seoul this week.'],
    ['trade only', 'Товарооборот России и КНДР вырос вдвое, сообщил министр.'],
  ] as const;
  it.each(off)('%s is off topic and gets no frames', (_name, text) => {
    const c = classifier.classify(text);
    expect(c.onTopic).toBe(false);
    expect(c.frames).toEqual([]);
  });

  const on = [
    ['ru news', 'Генштаб: северокорейские военные участвуют в боях в Курской области.'],
    ['uk news', 'Розвідка: до Курської області прибули ще дві тисячі військових КНДР.'],
    ['en news', 'Ukraine says North Korean soldiers have joined Russian assaults near Kursk.'],
    ['short, slang', 'Хёны снова на передке под Суджей.'],
    ['South Korea reacting to DPRK troops', 'Seoul is weighing direct arms supplies to Ukraine after North Korean troops were sent to fight for Russia in Kursk.'],
  ] as const;
  it.each(on)('%s is on topic', (_name, text) => {
    expect(classifier.classify(text).onTopic).toBe(true);
  });

  it('plain news on topic carries no frame', () => {
    expect(frames('Пентагон: около 10 тысяч военнослужащих КНДР находятся в Курской области России.')).toEqual([]);
    expect(frames('Генштаб ЗСУ повідомив про перші бої з підрозділами КНДР на Курщині.')).toEqual([]);
  });
});

const FRAME_POSTS: Record<FrameId, Record<'ru' | 'uk' | 'en', string>> = {
  denial: {
    ru: 'Да нет в Курской области никаких северокорейцев, это очередная выдумка киевских пропагандистов.',
    uk: 'Жодних північнокорейських солдатів під Курськом немає — все це вигадки для телемарафону.',
    en: 'There are no North Korean troops in Kursk. The whole story is a Western hoax.',
  },
  western_pretext: {
    ru: 'Зеленский раздувает историю с корейцами, чтобы выпросить у Запада ещё оружия и денег.',
    uk: 'Київ розкручує тему північнокорейців, щоб виправдати мобілізацію молоді.',
    en: 'Kyiv is using the North Korean story as a pretext to get more weapons from the West.',
  },
  berserker_praise: {
    ru: 'Северокорейские бойцы — настоящие берсерки: бесстрашные, в плен не сдаются, заднего хода у них нет.',
    uk: 'Корейські бійці безстрашні: полонених не беруть і йдуть в атаку без жодного страху.',
    en: 'The North Korean soldiers are fearless berserkers — they took the village in two hours and took no prisoners.',
  },
  incompetence: {
    ru: 'Корейцы совершенно не понимают, что такое дроны, и ходят толпой по открытому полю.',
    uk: 'Північнокорейці не вміють воювати з дронами і пересуваються натовпом по відкритій місцевості.',
    en: 'The North Korean troops have no idea how to hide from drones and walk in crowds across open fields.',
  },
  kidnapping: {
    ru: 'Киевский режим похитил двух граждан КНДР с российской территории и держит их как заложников.',
    uk: 'СБУ викрала двох корейців на території Росії й тримає їх як заручників для обміну.',
    en: 'The two North Koreans were kidnapped on Russian soil and are held as hostages by Kyiv.',
  },
  alliance_legitimation: {
    ru: 'Помощь КНДР — суверенное право союзника по договору о взаимной помощи. Россия не одна!',
    uk: 'КНДР має повне право допомагати союзнику — це суверенне рішення за договором.',
    en: 'Pyongyang helping Russia is its sovereign right under the mutual defense treaty. Russia is not alone.',
  },
  cannon_fodder: {
    ru: 'Ким отправил своих солдат на убой: корейцы — пушечное мясо, тысячи погибших под Курском.',
    uk: 'Кім кинув своїх солдатів на забій — для Путіна вони просто гарматне м\'ясо.',
    en: 'Kim sent his soldiers to die in Kursk: they are cannon fodder, with thousands dead.',
  },
};

describe('frames, each in each language', () => {
  for (const frame of FRAME_IDS) {
    for (const lang of ['ru', 'uk', 'en'] as const) {
      it(`${frame} in ${lang}`, () => {
        const text = FRAME_POSTS[frame][lang];
        const c = classifier.classify(text);
        expect(c.lang).toBe(lang);
        expect(c.onTopic).toBe(true);
        const tag = c.frames.find((f) => f.frame === frame);
        expect(tag, JSON.stringify(classifier.explain(text).hits.filter((h) => h.owner === 'frame'))).toBeDefined();
        expect(tag!.score).toBeGreaterThan(0);
        expect(tag!.score).toBeLessThanOrEqual(1);
        expect(tag!.evidence.length).toBeGreaterThan(0);
      });
    }
  }

  it('finds several frames in one post, sorted by score', () => {
    const c = classifier.classify('Никаких корейцев в Курске нет, это фейк, придуманный Киевом, чтобы выбить ещё денег и оружия у Запада.');
    expect(c.frames.map((f) => f.frame).sort()).toEqual(['denial', 'western_pretext']);
    const scores = c.frames.map((f) => f.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
});

describe('evidence spans', () => {
  it('point into the original text, also through obfuscation', () => {
    const texts = [
      'Кoрейцы — п у ш е ч н о е   мясо для Кремля, и Ким это знает.',
      'Жодних к\u200bо\u200bр\u200bе\u200bй\u200bц\u200bі\u200bв у Курській області нема, це фейк.',
      'K0reans in Kursk? A total h0ax, there are n0 North Koreans there.',
      '🇰🇵 Ёлки-палки, «берсерки» из КНДР взяли село за два часа, пленных не брали 🔥',
    ];
    for (const text of texts) {
      const c = classifier.classify(text);
      expect(c.frames.length, text).toBeGreaterThan(0);
      for (const f of c.frames) {
        for (const e of f.evidence) {
          expect(e.start).toBeGreaterThanOrEqual(0);
          expect(e.end).toBeGreaterThan(e.start);
          expect(e.end).toBeLessThanOrEqual(text.length);
          expect(e.text).toBe(text.slice(e.start, e.end));
        }
      }
    }
  });

  it('cover the words that triggered the frame', () => {
    const text = 'Кремль бросает северокорейцев в мясорубку под Курском.';
    const tag = classifier.classify(text).frames.find((f) => f.frame === 'cannon_fodder');
    expect(tag).toBeDefined();
    expect(tag!.evidence.map((e) => e.text).join(' ')).toContain('мясорубку');
  });
});

describe('stance', () => {
  it('a fact-check that quotes a frame to refute it carries no frame', () => {
    expect(frames('Пропагандисты утверждают, что «никаких корейцев в Курской области нет». На самом деле их присутствие подтвердили разведки трёх стран.')).toEqual([]);
    expect(frames('Російські пропагандисти пишуть, що полонених корейців «викрали». Насправді військових взяли в полон у бою — це не викрадення.')).toEqual([]);
    expect(frames('Fact-check: Kremlin-backed channels claim the North Korean POWs were "kidnapped". In reality they were captured in combat.')).toEqual([]);
  });

  it('reporting what the other side says does not advance it', () => {
    expect(frames('Z-каналы пишут, что корейцы — берсерки, которые не берут пленных.')).not.toContain('berserker_praise');
    expect(frames('Russian state TV insists there are no North Koreans in Kursk.')).not.toContain('denial');
  });

  it('negation before a cue cancels it', () => {
    expect(frames('Северокорейские солдаты — это не пушечное мясо, а обученная армия.')).not.toContain('cannon_fodder');
    expect(frames('Північнокорейські військові — не берсерки, а звичайні строковики.')).not.toContain('berserker_praise');
    expect(frames('The North Korean troops in Kursk are not cannon fodder.')).not.toContain('cannon_fodder');
    // A cue that is itself a negation is not cancelled by it.
    expect(frames('Нет там никаких северокорейцев, это всё фейк.')).toContain('denial');
  });

  it('"не только" is not a negation', () => {
    expect(frames('Корейцы для Кремля не только союзники, но и пушечное мясо.')).toContain('cannon_fodder');
  });

  it('irony markers weaken what the ironic sentence says', () => {
    expect(frames('Ну да, конечно, никаких корейцев в Курске нет 🙄 А пленные с корейскими документами, видимо, из Бурятии.')).not.toContain('denial');
  });

  it('distancing words ("якобы", "нібито") weaken the frame that follows', () => {
    const plain = classifier.classify('Северокорейцы — пушечное мясо для Кремля.').frames.find((f) => f.frame === 'cannon_fodder');
    const distanced = classifier.classify('Северокорейцы якобы пушечное мясо для Кремля.').frames.find((f) => f.frame === 'cannon_fodder');
    expect(plain).toBeDefined();
    expect(distanced?.score ?? 0).toBeLessThan(plain!.score);
  });
});

describe('false friends', () => {
  it('abducted Ukrainian children are not the kidnapping frame', () => {
    expect(frames('Росія викрала тисячі українських дітей, а тепер волає про «викрадених» корейців.')).not.toContain('kidnapping');
    expect(frames('Russia abducted thousands of Ukrainian children; now it complains about North Korean POWs.')).not.toContain('kidnapping');
  });

  it('South Korea is not the DPRK', () => {
    const c = classifier.classify('Южнокорейские военные провели учения у границы, Сеул усилил ПВО.');
    expect(c.onTopic).toBe(false);
  });

  it('North Korean hackers "stealing" crypto is not about troops', () => {
    const c = classifier.classify('Северокорейские хакеры украли криптовалюту у биржи.');
    expect(c.onTopic).toBe(false);
  });
});

describe('the classifier contract', () => {
  it('has a version of engine and data hash', () => {
    expect(classifier.version).toMatch(/^fw-\d+\.\d+\.\d+-[0-9a-f]{12}$/);
  });

  it('is deterministic', () => {
    const text = FRAME_POSTS.denial.ru;
    expect(classifier.classify(text)).toEqual(classifier.classify(text));
    expect(createClassifier().classify(text)).toEqual(classifier.classify(text));
  });

  it('gives frames only on topic, with scores in [0, 1]', () => {
    for (const text of Object.values(FRAME_POSTS).flatMap((p) => Object.values(p))) {
      for (const f of classifier.classify(text).frames) {
        expect(f.score).toBeGreaterThanOrEqual(0);
        expect(f.score).toBeLessThanOrEqual(1);
      }
    }
    expect(classifier.classify('').frames).toEqual([]);
    expect(classifier.classify('').lang).toBe('other');
  });
});
