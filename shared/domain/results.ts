/**
 * Final results: immutable, verifiable versions. Each version records the inputs (levels, framework,
 * settings, where each level came from), what the scoring engine computed from them (indices exact
 * and display, predicate, the improvement plan), a SHA-256 over a canonical encoding of all of it,
 * and the hash of the version before it — a hash chain per agency and cycle. Anyone holding a
 * version and the framework data recomputes the same bytes.
 *
 * Pure: hashing is computation (node:crypto), never I/O.
 */
import { createHash } from 'node:crypto';
import type { Stage } from './assessment.ts';
import { canonicalJson } from './audit.ts';
import type { Framework, Level } from './framework/types.ts';
import { type ImprovementPlan, planImprovement } from './improvement/plan.ts';
import { scoreAssessment } from './scoring/score.ts';
import type { PredicateBasis, ScoreResult } from './scoring/types.ts';

/**
 * The scoring engine's version, recorded in every result: bump it when a change to the engine could
 * change any computed byte (a new rounding rule, a new field), so old results stay explained.
 */
export const scoringEngine = { name: 'spbe-scoring', version: '1.0.0' } as const;

/** Where an indicator's final level came from. */
export type LevelSource =
  | {
      readonly kind: 'review';
      readonly stage: Stage;
      readonly scoreVersion: number;
      readonly reviewVersion: number;
    }
  | { readonly kind: 'appeal'; readonly appealId: string }
  | { readonly kind: 'import'; readonly reference: string };

export interface ResultInputs {
  readonly frameworkId: string;
  /** SHA-256 of the framework data's canonical encoding: which weights and bands, exactly. */
  readonly frameworkSha256: string;
  readonly predicateBasis: PredicateBasis;
  /** Level of indicator n at index n − 1; null = no valid level (worth 0, listed as unanswered). */
  readonly levels: readonly (Level | null)[];
  readonly sources: readonly LevelSource[];
}

export interface ResultComputation {
  readonly score: ScoreResult;
  readonly improvementPlan: ImprovementPlan;
}

export interface ResultVersion {
  readonly year: number;
  readonly agencyId: string;
  readonly version: number;
  readonly inputs: ResultInputs;
  readonly computed: ResultComputation;
  readonly engine: typeof scoringEngine;
  readonly finalizedAt: string;
  readonly finalizedBy: string;
  /** Why this version exists: the first finalization, an upheld appeal, an import of past results. */
  readonly reason: string;
  readonly previousSha256: string | null;
  /** SHA-256 of the canonical encoding of every field above. */
  readonly sha256: string;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The same digest as `sha256Hex(lines.join('\n'))`, fed line by line: a ranking of 100,000 agencies
 * never holds its whole encoding as one string.
 */
export const sha256HexOfLines = (lines: Iterable<string>): string => {
  const hash = createHash('sha256');
  let first = true;
  for (const line of lines) {
    if (!first) hash.update('\n', 'utf8');
    hash.update(line, 'utf8');
    first = false;
  }
  return hash.digest('hex');
};

const frameworkDigests = new WeakMap<Framework, string>();

/** SHA-256 of a framework's canonical encoding (cached per framework object). */
export const frameworkSha256 = (framework: Framework): string => {
  let digest = frameworkDigests.get(framework);
  if (digest === undefined) {
    digest = sha256Hex(canonicalJson(framework));
    frameworkDigests.set(framework, digest);
  }
  return digest;
};

/** What the engine computes from the inputs: the score and the plan to the next predicate. */
export const computeResult = (framework: Framework, inputs: ResultInputs): ResultComputation => {
  const levels = new Map<number, Level | null>(inputs.levels.map((level, index) => [index + 1, level]));
  const options = { predicateBasis: inputs.predicateBasis };
  return {
    score: scoreAssessment(framework, levels, options),
    improvementPlan: planImprovement(framework, levels, 'next-predicate', options),
  };
};

type Unsealed = Omit<ResultVersion, 'sha256'>;

/** The hash of a version: every field but the hash itself, canonically encoded. */
export const sealOf = (version: Unsealed): string => {
  const { sha256: _ignored, ...content } = version as ResultVersion;
  return sha256Hex(canonicalJson(content));
};

/** A new result version chained to `previous` (undefined for the first). */
export const buildResultVersion = (
  framework: Framework,
  fields: {
    readonly year: number;
    readonly agencyId: string;
    readonly levels: readonly (Level | null)[];
    readonly sources: readonly LevelSource[];
    readonly predicateBasis: PredicateBasis;
    readonly finalizedAt: string;
    readonly finalizedBy: string;
    readonly reason: string;
  },
  previous: ResultVersion | undefined,
): ResultVersion => {
  const inputs: ResultInputs = {
    frameworkId: framework.id,
    frameworkSha256: frameworkSha256(framework),
    predicateBasis: fields.predicateBasis,
    levels: [...fields.levels],
    sources: [...fields.sources],
  };
  const unsealed: Unsealed = {
    year: fields.year,
    agencyId: fields.agencyId,
    version: (previous?.version ?? 0) + 1,
    inputs,
    computed: computeResult(framework, inputs),
    engine: scoringEngine,
    finalizedAt: fields.finalizedAt,
    finalizedBy: fields.finalizedBy,
    reason: fields.reason,
    previousSha256: previous?.sha256 ?? null,
  };
  return { ...unsealed, sha256: sealOf(unsealed) };
};

/**
 * What rankings and listings need of a result, small enough to read for every agency of a cycle:
 * exact index and domain indices, predicate, completeness. Kept beside the full version.
 */
export interface ResultSummary {
  readonly index: string;
  readonly domains: Readonly<Record<number, string>>;
  readonly predicateId: string;
  readonly complete: boolean;
}

export const resultSummary = (version: ResultVersion): ResultSummary => ({
  index: version.computed.score.index.exact,
  domains: Object.fromEntries(
    version.computed.score.domains.map((domain) => [domain.no, domain.index.exact]),
  ),
  predicateId: version.computed.score.predicate.id,
  complete: version.computed.score.complete,
});

export interface ChainVerification {
  readonly valid: boolean;
  /** One line per problem found, naming the version. */
  readonly problems: readonly string[];
}

/**
 * Verifies a chain of versions (oldest first): numbering, each version's links, that its stored
 * computation is what the engine computes from its stored inputs and framework, and its hash.
 * Tampering with any stored input, number or link shows here.
 */
export const verifyResultChain = (
  versions: readonly ResultVersion[],
  frameworkOf: (id: string) => Framework | undefined,
): ChainVerification => {
  const problems: string[] = [];
  versions.forEach((version, index) => {
    const name = `version ${version.version}`;
    if (version.version !== index + 1) problems.push(`${name} is at position ${index + 1} of the chain`);
    const previous = versions[index - 1];
    if ((previous?.sha256 ?? null) !== version.previousSha256) {
      problems.push(`${name} does not link to the hash of the version before it`);
    }
    const framework = frameworkOf(version.inputs.frameworkId);
    if (!framework) {
      problems.push(`${name} names an unknown framework ${version.inputs.frameworkId}`);
    } else {
      if (frameworkSha256(framework) !== version.inputs.frameworkSha256) {
        problems.push(`${name} was computed with other framework data than ${framework.id} holds now`);
      }
      if (canonicalJson(computeResult(framework, version.inputs)) !== canonicalJson(version.computed)) {
        problems.push(`${name}: its stored indices are not what its stored inputs give`);
      }
    }
    if (sealOf(version) !== version.sha256) problems.push(`${name}: its hash does not match its content`);
  });
  return { valid: problems.length === 0, problems };
};

/** One indicator whose level in an imported row is not the stored result's. */
export interface LevelDifference {
  readonly indicatorNo: number;
  readonly stored: Level | null;
  readonly imported: Level | null;
}

/** How a row of an import differs from the result its agency already has. */
export interface ImportDifference {
  /** Indicators whose level differs, in order; empty when only the reference does. */
  readonly levels: readonly LevelDifference[];
  /** The stored result's import reference and the row's, when they differ. */
  readonly reference?: { readonly stored: string; readonly imported: string } | undefined;
}

/**
 * Whether a row of an import holds the result its agency already has, so that skipping it loses
 * nothing. "The same" is what the import would write that is not about the write itself: every
 * indicator's level (null, no valid level, equal only to null) and, when the stored levels came
 * from an import, its reference (the stored result cites it). When, who and why differ on every
 * write and are not compared; the framework and predicate basis are the cycle's, not the row's.
 * Levels finalized from a review or decided on appeal cite no reference: their levels alone decide.
 * Undefined when the row is the same.
 */
export const importDifference = (
  stored: Pick<ResultVersion, 'inputs'>,
  row: { readonly levels: readonly (Level | null)[]; readonly reference: string },
): ImportDifference | undefined => {
  const count = Math.max(stored.inputs.levels.length, row.levels.length);
  const levels: LevelDifference[] = [];
  for (let index = 0; index < count; index++) {
    const before = stored.inputs.levels[index] ?? null;
    const after = row.levels[index] ?? null;
    if (before !== after) levels.push({ indicatorNo: index + 1, stored: before, imported: after });
  }
  const cited = stored.inputs.sources.flatMap((source) =>
    source.kind === 'import' && source.reference !== row.reference ? [source.reference] : [],
  );
  const reference = cited[0] === undefined ? undefined : { stored: cited[0], imported: row.reference };
  return levels.length === 0 && !reference ? undefined : { levels, ...(reference ? { reference } : {}) };
};
