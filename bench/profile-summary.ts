/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof` or `BENCH_LOAD_PROFILE`, see `api-load.ts`)
 * in text: where the sampled CPU time went, by package or project folder (self time), the busiest
 * functions (self time), and the inclusive time of the frames whose name contains one of the
 * `--frames` strings (everything they called included). Chrome DevTools shows the same profile as a
 * flame chart; this is the part of it that fits in a terminal or a commit message.
 *
 * `--requests N` (the requests served while profiling) adds each figure's share per request, in µs.
 *
 * `npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 25] [--requests N] [--frames verify,dispatch]`
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a frame's code lives: an npm package, a project folder, Node's internals or V8's own. */
export const placeOf = (frame: CallFrame): string => {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch?.[1]) return packageMatch[1];
  if (url.startsWith('node:')) return 'node internals';
  const projectMatch = /\/(shared\/[^/]+|functions\/[^/]+|local|bench|infra)\//.exec(url);
  return projectMatch?.[1] ?? url;
};

const label = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(shared|functions|local|bench)\//, '$1/')}:${frame.lineNumber + 1}`;

export const summarize = (
  profile: CpuProfile,
  options: { top: number; frames: readonly string[]; requests?: number },
) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
  const idle = [...selfMicros.entries()]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((sum, [, micros]) => sum + micros, 0);
  const busy = total - idle;

  const add = (map: Map<string, number>, key: string, micros: number) =>
    map.set(key, (map.get(key) ?? 0) + micros);
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  const frames = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    add(places, placeOf(node.callFrame), micros);
    add(functions, label(node.callFrame), micros);
    // Inclusive: each named frame on the stack once, however often it recurs.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      for (const wanted of options.frames) {
        if (frame.functionName.includes(wanted)) {
          const key = `${wanted} ⊇ ${label(frame)}`;
          if (!seen.has(key)) add(frames, key, micros);
          seen.add(key);
        }
      }
    }
  }
  const perRequest = (micros: number) =>
    options.requests ? ` ${(micros / options.requests).toFixed(0).padStart(6)} µs/req` : '';
  const share = (micros: number) =>
    `${(micros / 1000).toFixed(0).padStart(7)} ms ${((100 * micros) / busy).toFixed(1).padStart(5)}%${perRequest(micros)}`;
  const table = (map: Map<string, number>, limit: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, micros]) => `${share(micros)}  ${key}`)
      .join('\n');
  return [
    `busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled${perRequest(busy)}`,
    '\nself time by place:',
    table(places, options.top),
    '\nself time by function:',
    table(functions, options.top),
    ...(options.frames.length > 0 ? ['\ninclusive time of frames:', table(frames, 200)] : []),
  ].join('\n');
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file)
    throw new Error('Usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top N] [--frames a,b]');
  const option = (name: string) => {
    const index = rest.indexOf(name);
    return index >= 0 ? rest[index + 1] : undefined;
  };
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(
    summarize(profile, {
      top: Number(option('--top') ?? 25),
      frames: option('--frames')?.split(',').filter(Boolean) ?? [],
      ...(option('--requests') ? { requests: Number(option('--requests')) } : {}),
    }),
  );
}
