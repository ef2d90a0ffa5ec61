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

/** Runs fn (which returns how many items it handled) for about `seconds`, after a warm-up. */
export function throughput(fn: () => number, seconds: number, warmupSeconds = 1): Throughput {
  const until = (ms: number) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < ms) n += fn();
    const used = process.cpuUsage(cpu);
    return { n, elapsed: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
  };
  until(warmupSeconds * 1000);
  const { n, elapsed, cpuMs } = until(seconds * 1000);
  return { perSecond: (n * 1000) / elapsed, perCpuSecond: (n * 1000) / cpuMs, iterations: n, elapsedMs: elapsed };
}

export const MiB = 1024 * 1024;
