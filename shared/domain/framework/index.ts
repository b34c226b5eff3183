export type { CompiledBand, CompiledFramework } from './compile.ts';
export { compileFramework, validateFramework } from './compile.ts';
export { currentFrameworkId, findFramework, frameworks, getFramework } from './registry.ts';
export { spbe2020 } from './spbe-2020.ts';
export type {
  Framework,
  FrameworkAspect,
  FrameworkDomain,
  FrameworkIndicator,
  Level,
  MaturityLevel,
  MaturityScale,
  PredicateBand,
} from './types.ts';
export { levels } from './types.ts';
