import { SourceMap } from 'node:module';
import { describe, expect, it } from 'vitest';
import { type CallFrame, type CpuProfile, categorizer } from '../../../bench/cold-start-profile.ts';

const bundleUrl = 'file:///tmp/bench/public/index.mjs';

/** One generated line: column 0 unmapped (as the banner is), 1–5 from zod, 6–10 from the SDK, 11 on from our code. */
const map = new SourceMap({
  version: 3,
  file: 'index.mjs',
  sourceRoot: '',
  sourcesContent: [],
  sources: [
    '../node_modules/zod/v4/core/core.js',
    '../node_modules/@smithy/core/dist-es/client.js',
    '../shared/http/lambda-handler.ts',
  ],
  names: [],
  // Segments: column 1 → source 0, column 6 → source 1, column 11 → source 2 (each at line 0, column 0).
  mappings: 'CAAA,KCAA,KCAA',
});

const frame = (functionName: string, url = '', columnNumber = 0): CallFrame => ({
  functionName,
  url,
  lineNumber: 0,
  columnNumber,
});

/** (root) → [children], ids in order of the list. */
const profileOf = (frames: readonly { frame: CallFrame; parent?: number }[]): CpuProfile => ({
  nodes: frames.map(({ frame: callFrame }, index) => ({
    id: index + 1,
    callFrame,
    children: frames.flatMap((candidate, child) => (candidate.parent === index + 1 ? [child + 1] : [])),
  })),
  startTime: 0,
  samples: [],
  timeDeltas: [],
});

describe('the cold-start profile’s categories', () => {
  const profile = profileOf([
    { frame: frame('(root)') },
    { frame: frame('compileSourceTextModule', 'node:internal/modules/esm/utils'), parent: 1 },
    { frame: frame('(garbage collector)'), parent: 2 },
    { frame: frame('init', bundleUrl, 2), parent: 1 },
    { frame: frame('send', bundleUrl, 7), parent: 1 },
    { frame: frame('request', 'node:http'), parent: 5 },
    { frame: frame('dispatch', bundleUrl, 12), parent: 1 },
    { frame: frame('compileForInternalLoader', 'node:internal/bootstrap/realm'), parent: 7 },
    { frame: frame('(anonymous)', 'node:internal/streams/readable'), parent: 8 },
    { frame: frame('', bundleUrl, 0), parent: 1 },
    { frame: frame('processTicksAndRejections', 'node:internal/process/task_queues'), parent: 1 },
    { frame: frame('(garbage collector)'), parent: 1 },
  ]);
  const categoryOf = categorizer(profile, bundleUrl, map);

  it('counts whatever runs under the bundle’s compilation as parsing it', () => {
    expect(categoryOf(2)).toBe('parse and compile the bundle');
    expect(categoryOf(3)).toBe('parse and compile the bundle');
  });

  it('names bundle code by its package through the source map, the SDK as one', () => {
    expect(categoryOf(4)).toBe('zod');
    expect(categoryOf(5)).toBe('AWS SDK');
    expect(categoryOf(7)).toBe('project shared/http');
  });

  it('gives Node’s own code the category of the bundle code that called it', () => {
    expect(categoryOf(6)).toBe('AWS SDK');
  });

  it('counts built-in modules loaded on demand apart, with everything they run', () => {
    expect(categoryOf(8)).toBe('load Node built-in modules');
    expect(categoryOf(9)).toBe('load Node built-in modules');
  });

  it('keeps the unmapped top level, Node’s event loop and garbage collection apart', () => {
    expect(categoryOf(10)).toBe('top level of the ES modules');
    expect(categoryOf(11)).toBe('Node (runtime, event loop)');
    expect(categoryOf(12)).toBe('garbage collection');
  });
});
