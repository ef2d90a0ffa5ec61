// `npm run eval [-- --split dev|test|extra|samples|train|all] [--data path]
// [--errors] [--engine rules|model]`: prints the evaluation tables (engine
// model, the shipped one, by default; rules: the rule engine alone). --data evaluates any JSON Lines file or directory of the
// same shape (e.g. posts the project has never seen); --errors lists every
// post the classifier got wrong, with the cues that fired.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { createClassifier } from '../../services/classifier/index.ts';
import { DATA_DIR, evaluate, formatReport, loadLabeled, type Report } from './evaluate.ts';

const { values } = parseArgs({
  options: {
    split: { type: 'string', default: 'all' },
    data: { type: 'string' },
    errors: { type: 'boolean', default: false },
    lang: { type: 'string' },
    engine: { type: 'string', default: 'model' },
  },
});

if (values.engine !== 'model' && values.engine !== 'rules') throw new Error(`--engine: expected model or rules, got ${values.engine}`);
const classifier = createClassifier({ engine: values.engine });
console.log(`classifier ${classifier.version}\n`);

const sets: Array<[string, string]> = values.data
  ? [[values.data, values.data]]
  : (values.split === 'all' ? ['dev', 'test', 'extra'] : [values.split!]).map((s) => [s, join(DATA_DIR, s)] as [string, string]);

let failed = false;
for (const [name, path] of sets) {
  if (!existsSync(path)) {
    console.log(`== ${name}: no data at ${path}\n`);
    continue;
  }
  let posts = loadLabeled(path);
  if (values.lang) posts = posts.filter((p) => p.lang === values.lang);
  const report = evaluate(classifier, posts);
  console.log(formatReport(name, report));
  if (values.errors) printErrors(report);
  if (report.posts === 0) failed = true;
}
process.exitCode = failed ? 1 : 0;

function printErrors(report: Report): void {
  for (const p of report.predictions) {
    const gold = [...p.post.frames].sort().join(',');
    const got = [...p.frames].sort().join(',');
    if (gold === got && p.onTopic === p.post.onTopic && p.lang === p.post.lang) continue;
    const e = classifier.explain(p.post.text);
    console.log(`--- ${p.post.id} [${p.post.tags.join(',')}] gold: ${p.post.onTopic ? 'on' : 'off'} {${gold}} lang ${p.post.lang} | got: ${p.onTopic ? 'on' : 'off'}(${e.topicScore}) {${got}} lang ${p.lang}`);
    console.log(`    ${p.post.text.replace(/\n/g, ' / ')}`);
    for (const h of e.hits) {
      if (h.owner === 'topic') continue;
      console.log(`    ${h.owner}:${h.name} w=${h.weight} f=${h.factor}${h.reasons.length ? ` (${h.reasons.join(',')})` : ''} «${h.evidence.text}» ← ${h.cue}`);
    }
  }
}
