/**
 * Where a function's cold start spends its CPU, by what the code belongs to: `BENCH_COLD_PROFILE=N
 * npm run bench -- functions` runs, after the timed rounds, N more fresh processes of each bundle
 * (the SDK floor included) with `node --cpu-prof`, in the same traced environment, and prints each
 * one's sampled CPU (the median per process), split at the import and the invocation, in ranked
 * categories: the parse of the bundle, Node's built-in modules, garbage collection, and each package
 * or project folder (a bundle position mapped back through its source map; the AWS SDK as one).
 *
 * Profiled figures run above unprofiled CPU time (the sampler and the code events it records cost
 * their share): compare categories and functions with each other and with the floor, not with the
 * timed rounds' milliseconds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { medianOf, runProcess } from './lib.ts';

export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

export interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** What `fixtures/invoke-once.mjs` prints: its monotonic marks, in µs of the profile's clock. */
interface Marks {
  readonly status: number | undefined;
  readonly startedUs: number;
  readonly importedUs: number;
  readonly invokedUs: number;
}

export interface ProfiledBundle {
  readonly name: string;
  readonly file: string;
  readonly event: unknown;
}

type Phase = 'import' | 'invoke';
const phases: readonly Phase[] = ['import', 'invoke'];

/** Sampled µs per category, summed over the processes profiled. */
type Breakdown = Record<Phase, Map<string, number>>;

const samplingMicros = 100;

/** The SDK counted as one: @aws-sdk/*, @smithy/* and what only they use (as the bench's contents line). */
const sdkPackages =
  /^(@aws-sdk\/|@smithy\/|@aws-crypto\/|@aws\/lambda-invoke-store|tslib|fast-xml-parser|strnum|bowser|mnemonist|obliterator)/;
/** Powertools Tracer with the X-Ray SDK and what only the X-Ray SDK uses. */
const tracerPackages =
  /^(@aws-lambda-powertools\/tracer|aws-xray-sdk-core|cls-hooked|async-hook-jl|emitter-listener|shimmer|atomic-batcher|stack-chain|semver)$/;

const categoryOfSource = (source: string): string => {
  const owner = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1];
  if (owner === undefined) {
    const folder = /(?:^|\/)(shared\/[^/]+|functions\/[^/]+|bench)\//.exec(source)?.[1];
    return folder ? `project ${folder}` : 'project (other)';
  }
  if (sdkPackages.test(owner)) return 'AWS SDK';
  if (tracerPackages.test(owner)) return 'Powertools Tracer + X-Ray SDK';
  return owner;
};

const bundleParse = 'parse and compile the bundle';
const builtinLoad = 'load Node built-in modules';
/**
 * The bundle's unmapped code: the one function esbuild makes of every ES module's top-level statements
 * (it starts at the banner, which has no source), and esbuild's own helpers. A profile names the
 * function a sample ran in, not its line, so the statements' own time cannot be split by module.
 */
const bundleTopLevel = 'top level of the ES modules';

/**
 * A sample's category: the bundle's parse and Node's built-in module loading by the frame that does
 * them (whatever runs beneath), bundle code by its source, the rest (Node's internals, natives) by
 * the nearest bundle frame that called it, else as Node's own work.
 */
export const categorizer = (profile: CpuProfile, bundleUrl: string, map: SourceMap) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const known = new Map<number, string>();
  const categoryOf = (id: number): string => {
    const cached = known.get(id);
    if (cached !== undefined) return cached;
    const frame = byId.get(id)?.callFrame;
    const parent = parentOf.get(id);
    const inherited = parent === undefined ? undefined : categoryOf(parent);
    let category: string;
    if (inherited === bundleParse || inherited === builtinLoad) category = inherited;
    else if (frame === undefined) category = 'Node (runtime, event loop)';
    else if (frame.functionName === 'compileSourceTextModule') category = bundleParse;
    else if (/^compileFor(Internal|Public)Loader$/.test(frame.functionName)) category = builtinLoad;
    else if (frame.functionName === '(garbage collector)') category = 'garbage collection';
    else if (frame.url === bundleUrl) {
      const entry = map.findEntry(frame.lineNumber, frame.columnNumber);
      category = 'originalSource' in entry ? categoryOfSource(entry.originalSource) : bundleTopLevel;
    } else category = inherited ?? 'Node (runtime, event loop)';
    known.set(id, category);
    return category;
  };
  return categoryOf;
};

const profileOnce = async (
  nodeBinary: string,
  invokeOnce: string,
  bundle: ProfiledBundle,
  environment: NodeJS.ProcessEnv,
): Promise<{ profile: CpuProfile; marks: Marks }> => {
  const folder = mkdtempSync(join(tmpdir(), 'spbe-cold-profile-'));
  try {
    const { code, stdout, stderr } = await runProcess(
      nodeBinary,
      [
        '--cpu-prof',
        '--cpu-prof-dir',
        folder,
        '--cpu-prof-interval',
        String(samplingMicros),
        invokeOnce,
        bundle.file,
        JSON.stringify(bundle.event),
      ],
      { ...environment, NODE_OPTIONS: '' },
    );
    const last = stdout.trim().split('\n').at(-1) ?? '';
    const profileFile = readdirSync(folder).find((name) => name.endsWith('.cpuprofile'));
    if (code !== 0 || !last.startsWith('{') || profileFile === undefined) {
      throw new Error(`${bundle.name}: exit ${code}\n${stderr.slice(-2000)}`);
    }
    return {
      profile: JSON.parse(readFileSync(join(folder, profileFile), 'utf8')) as CpuProfile,
      marks: JSON.parse(last) as Marks,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

const add = (map: Map<string, number>, key: string, micros: number) =>
  map.set(key, (map.get(key) ?? 0) + micros);

/**
 * Profiles `runs` fresh processes of each bundle, interleaved like the timed rounds, and prints each
 * category's median per process: one process meeting a stall (a GC, a slow answer) moves a mean.
 */
export const profileColdStarts = async (options: {
  readonly bundles: readonly ProfiledBundle[];
  readonly environment: NodeJS.ProcessEnv;
  readonly runs: number;
  readonly nodeBinary: string;
  readonly invokeOnce: string;
}): Promise<void> => {
  /** Per bundle, one breakdown per profiled process. */
  const breakdowns = new Map<string, Breakdown[]>(options.bundles.map((bundle) => [bundle.name, []]));
  const statuses = new Map<string, Set<number | undefined>>(
    options.bundles.map((bundle) => [bundle.name, new Set()]),
  );
  for (let run = 0; run < options.runs; run++) {
    for (const bundle of options.bundles) {
      const { profile, marks } = await profileOnce(
        options.nodeBinary,
        options.invokeOnce,
        bundle,
        options.environment,
      );
      statuses.get(bundle.name)?.add(marks.status);
      const map = new SourceMap(JSON.parse(readFileSync(`${bundle.file}.map`, 'utf8')));
      const categoryOf = categorizer(profile, new URL(`file://${bundle.file}`).href, map);
      const breakdown: Breakdown = { import: new Map(), invoke: new Map() };
      breakdowns.get(bundle.name)?.push(breakdown);
      const idle = profile.nodes.find((node) => node.callFrame.functionName === '(idle)')?.id;
      let at = profile.startTime;
      profile.samples.forEach((id, index) => {
        const micros = profile.timeDeltas[index] ?? 0;
        at += micros;
        if (id === idle || at < marks.startedUs || at >= marks.invokedUs) return;
        add(breakdown[at < marks.importedUs ? 'import' : 'invoke'], categoryOf(id), micros);
      });
    }
  }

  const names = options.bundles.map((bundle) => bundle.name);
  const median = (name: string, figure: (breakdown: Breakdown) => number) =>
    medianOf((breakdowns.get(name) ?? []).map(figure)) / 1000;
  const total = (phase: Phase) => (breakdown: Breakdown) =>
    [...breakdown[phase].values()].reduce((sum, micros) => sum + micros, 0);
  const cell = (value: number) => value.toFixed(1).padStart(12);
  console.log(
    `\nWhere each cold start's CPU goes (node --cpu-prof, a sample every ${samplingMicros} µs): ms per ` +
      `process, the median of ${options.runs} profiled processes each (so the rows do not add up to ` +
      'the totals); import = the bundle loaded and evaluated, invoke = the one invocation:',
  );
  console.log(`${''.padEnd(36)}${names.map((name) => name.slice(0, 11).padStart(12)).join('')}`);
  console.log(
    `${'HTTP status'.padEnd(36)}${names.map((name) => [...(statuses.get(name) ?? [])].join('/').padStart(12)).join('')}`,
  );
  for (const phase of phases) {
    console.log(
      `${`${phase}, all`.padEnd(36)}${names.map((name) => cell(median(name, total(phase)))).join('')}`,
    );
  }
  const categories = new Map<string, number>();
  for (const breakdown of [...breakdowns.values()].flat()) {
    for (const phase of phases) {
      for (const [category, micros] of breakdown[phase]) add(categories, category, micros);
    }
  }
  for (const phase of phases) {
    console.log(`-- ${phase}`);
    for (const [category] of [...categories].sort((a, b) => b[1] - a[1])) {
      const row = names.map((name) => median(name, (breakdown) => breakdown[phase].get(category) ?? 0));
      if (Math.max(...row) < 0.5) continue;
      console.log(`${category.slice(0, 35).padEnd(36)}${row.map(cell).join('')}`);
    }
  }
};
