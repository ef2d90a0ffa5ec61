// What a benchmark module is: test/bench/<name>.bench.ts default-exports a
// Benchmark. `npm run bench` (run.ts) finds and runs them; others add their
// own (import throughput, API latency) by dropping in a file.

export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** Optional target the value should reach; the runner flags misses. */
  target?: { min?: number; max?: number };
}

export interface BenchResult {
  metrics: Metric[];
  notes?: string[];
}

export interface BenchContext {
  /** `npm run bench -- import --posts=100000` gives { posts: '100000' }. */
  options: Record<string, string>;
  /** Progress lines, indented under the benchmark's heading. */
  log(line: string): void;
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export interface Throughput {
  /** Iterations per second of wall-clock time. */
  perSecond: number;
  /** Iterations per second of this process's CPU time (user + system): one core's
   * throughput, robust to other processes competing for the machine. */
  perCpuSecond: number;
  iterations: number;
  elapsedMs: number;
}

/**
 * Runs fn (which returns how many items it handled) for about `seconds`, after
 * a warm-up, in `windows` equal windows, and reports the median window's rates:
 * a shared VM's hiccups (another tenant, a GC pause) then move one window, not
 * the result.
 */
export function throughput(fn: () => number, seconds: number, warmupSeconds = 1, windows = 5): Throughput {
  const until = (ms: number) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < ms) n += fn();
    const used = process.cpuUsage(cpu);
    return { n, elapsed: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
  };
  until(warmupSeconds * 1000);
  const runs = Array.from({ length: windows }, () => until((seconds * 1000) / windows));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    perSecond: median(runs.map((r) => (r.n * 1000) / r.elapsed)),
    perCpuSecond: median(runs.map((r) => (r.n * 1000) / r.cpuMs)),
    iterations: runs.reduce((a, r) => a + r.n, 0),
    elapsedMs: runs.reduce((a, r) => a + r.elapsed, 0),
  };
}

export const MiB = 1024 * 1024;
