// Classifier throughput (posts per second on one core) and memory. The
// corpus is the labeled dev posts plus variants of them (obfuscated, longer,
// off-topic), cycled; classify() is called exactly as the CLI calls it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier } from '../../services/classifier/index.ts';
import { DATA_DIR, loadLabeled } from '../eval/evaluate.ts';
import { MiB, throughput, type Benchmark } from './harness.ts';

/** Posts as channels write them: the labeled dev set (or a few stand-ins without it). */
function typicalPosts(): string[] {
  const dev = join(DATA_DIR, 'dev');
  return existsSync(dev)
    ? loadLabeled(dev).map((p) => p.text)
    : ['Никаких корейцев в Курске нет, это фейк', 'Корейці — гарматне м\'ясо для Путіна', 'No North Koreans in Kursk, a Western hoax to get more aid'];
}

/** The hard cases: every post obfuscated (look-alikes, zero-width characters) or three posts long. */
function hardPosts(base: string[]): string[] {
  return base.flatMap((t, i) => [
    t.replace(/о/g, 'o').replace(/а/g, 'a').replace(/е/g, '\u200be'),
    `${t}\n\n${base[(i * 7 + 3) % base.length]}\n\n${base[(i * 13 + 5) % base.length]}`,
  ]);
}

function run(classify: (t: string) => number, posts: string[], seconds: number) {
  let i = 0;
  return throughput(() => classify(posts[i++ % posts.length]!), seconds);
}

const bench: Benchmark = {
  name: 'classifier',
  description: 'framewatch classify engine: posts/s on one core, memory',
  async run() {
    global.gc?.();
    const before = process.memoryUsage();
    const t0 = performance.now();
    const classifier = createClassifier();
    const buildMs = performance.now() - t0;
    global.gc?.();
    const afterBuild = process.memoryUsage();
    const posts = typicalPosts();
    const hard = hardPosts(posts);
    const meanLength = (list: string[]) => Math.round(list.reduce((a, p) => a + p.length, 0) / list.length);
    let sink = 0;
    const classify = (t: string) => {
      sink += classifier.classify(t).frames.length;
      return 1;
    };
    const typical = run(classify, posts, 4);
    const worst = run(classify, hard, 2);
    const after = process.memoryUsage();
    return {
      metrics: [
        { name: 'throughput, one core (CPU time)', value: Math.round(typical.perCpuSecond), unit: 'posts/s', target: { min: 20_000 } },
        { name: 'throughput, wall clock', value: Math.round(typical.perSecond), unit: 'posts/s' },
        { name: 'mean latency (CPU time)', value: 1e6 / typical.perCpuSecond, unit: 'µs/post' },
        { name: 'mean post length', value: meanLength(posts), unit: 'chars' },
        { name: 'hard posts (obfuscated / long), CPU', value: Math.round(worst.perCpuSecond), unit: 'posts/s' },
        { name: 'hard posts mean length', value: meanLength(hard), unit: 'chars' },
        { name: 'posts classified', value: typical.iterations + worst.iterations, unit: 'posts' },
        { name: 'construction (load + compile cues)', value: buildMs, unit: 'ms' },
        { name: 'heap retained by classifier', value: Math.max(0, afterBuild.heapUsed - before.heapUsed) / MiB, unit: 'MiB' },
        { name: 'heap used after run', value: after.heapUsed / MiB, unit: 'MiB' },
        { name: 'rss after run', value: after.rss / MiB, unit: 'MiB' },
        { name: 'peak rss', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB' },
      ],
      notes: [`${classifier.version}; ${posts.length} typical and ${hard.length} hard posts cycled; ${sink} frames found`, global.gc ? 'heap measured after gc' : 'run with node --expose-gc for exact heap figures'],
    };
  },
};

export default bench;
