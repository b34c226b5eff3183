import { spawn } from 'node:child_process';
/**
 * Small benchmark kit: a seeded PRNG (so every run measures the same data), warm-up + median timing,
 * and a result table. Each bench module exports a function returning `BenchReport`; `run.ts` prints them.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface Measurement {
  readonly name: string;
  /** Median wall-clock time of the timed runs, in ms. */
  readonly ms: number;
  /** Median CPU time (user + system) of this process over the same runs, in ms. */
  readonly cpuMs?: number;
  /** ms / baseline ms, when the bench has a baseline. */
  readonly ratio: number | null;
  readonly note?: string;
}

export interface Target {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

export interface BenchReport {
  readonly title: string;
  readonly measurements: readonly Measurement[];
  readonly targets: readonly Target[];
}

/** mulberry32: tiny, fast, good enough for generating test data deterministically. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Timing {
  /** Median wall-clock ms. */
  readonly ms: number;
  /** Median CPU ms of this process: steadier than wall time when other work shares the machine. */
  readonly cpuMs: number;
}

/**
 * The machine's 1/5/15-minute load averages and core count, e.g. "load 0.42 0.60 0.71 on 2 cores": a
 * 1-minute load at or above the core count means other work shared the CPUs and timings are noisy (the
 * bench itself adds about 1 while it runs).
 */
export function machineLoad(): { readonly text: string; readonly busy: boolean } {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  const cores = availableParallelism();
  return {
    text: `load ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} on ${cores} cores`,
    busy: one >= cores,
  };
}

/** min / median / max of a list of ms, for showing spread next to a median. */
export function spread(xs: readonly number[]): string {
  const sorted = [...xs].sort((a, b) => a - b);
  return `runs ${sorted.length}: min ${sorted[0]?.toFixed(0)} / median ${median(sorted).toFixed(0)} / max ${sorted[sorted.length - 1]?.toFixed(0)} ms`;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Runs `fn` `warmup` times untimed (JIT), then `runs` times; returns the median wall and CPU ms. */
export function timeMedian(
  fn: () => void,
  { warmup = 2, runs = 5 }: { warmup?: number; runs?: number } = {},
): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    fn();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(wall), cpuMs: median(cpu) };
}

/** Median of an array of ms values. */
export const medianOf = median;

/** Results are folded into this so the JIT cannot drop the measured work. */
export const sink = { value: 0 };

export function printReport(report: BenchReport): void {
  const width = Math.max(...report.measurements.map((m) => m.name.length), 10);
  console.log(`\n${report.title}`);
  console.log(
    `${'measurement'.padEnd(width)}  ${'wall ms'.padStart(10)}  ${'cpu ms'.padStart(10)}  ${'× baseline'.padStart(10)}  note`,
  );
  for (const m of report.measurements) {
    const ratio = m.ratio === null ? '' : m.ratio.toFixed(2);
    const cpu = m.cpuMs === undefined ? '' : m.cpuMs.toFixed(2);
    console.log(
      `${m.name.padEnd(width)}  ${m.ms.toFixed(2).padStart(10)}  ${cpu.padStart(10)}  ${ratio.padStart(10)}  ${m.note ?? ''}`,
    );
  }
  for (const t of report.targets) console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.detail}`);
}

/** What a finished child process printed, and how it ended. */
export interface ProcessOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` to its end (stdin closed), collecting what it prints: the cold-start benches' one
 * process, and the scripts the tests run as their readers do (`test/helpers/run-tsx.ts`).
 */
export const runProcess = (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<ProcessOutput> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, ...(cwd ? { cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
