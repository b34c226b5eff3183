/**
 * Rank stability: how far each agency's national rank moves when the four domain weights each vary
 * by ±10 % (renormalised to sum to 100), so the press can tell robust ranks from lucky ones. No index
 * programme we know publishes this; the OECD discusses weight sensitivity only in prose.
 *
 * Method (stated with every published ranking): the framework's own weights, the 2^d corners of the
 * weight box, then seeded pseudo-random weight vectors drawn uniformly from the box, `samples` in all
 * (≥ 1,000). The own weights come first, so a range always holds the published rank. For each,
 * every agency's index is recomputed from its exact domain indices and all are ranked (standard
 * competition ranking: equal values share a rank); an agency's range is its best and worst rank
 * over all samples. The published rank itself always comes from the exact arithmetic of the
 * framework's own weights; this analysis uses floating point, with weighted indices compared at
 * about 10^-9 of an index point (an estimate of spread, not a rank).
 */
import type { Framework } from '../framework/types.ts';
import { parseRational } from '../scoring/rational.ts';

export interface RankRange {
  readonly best: number;
  readonly worst: number;
}

export interface StabilityOptions {
  /** Weight vectors to try, corners included; at least 1,000. */
  readonly samples: number;
  /** Relative variation of each weight, e.g. 0.1 for ±10 %. */
  readonly spread: number;
  /** Seed of the pseudo-random draws: the same seed gives the same ranges. */
  readonly seed: number;
}

export const defaultStability: StabilityOptions = { samples: 1000, spread: 0.1, seed: 20_200_059 };

/** mulberry32: a small, well-distributed 32-bit generator; enough for drawing weights reproducibly. */
const generator = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** The weight vectors tried: the box's corners, then seeded draws, each renormalised to 100. */
export const weightSamples = (
  framework: Framework,
  options: StabilityOptions = defaultStability,
): number[][] => {
  if (options.samples < 1000) throw new Error('Rank stability needs at least 1,000 weight samples');
  const base = framework.domains.map((domain) => domain.weight);
  const normalise = (weights: number[]) => {
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return weights.map((weight) => (weight * 100) / total);
  };
  const corners = Array.from({ length: 2 ** base.length }, (_, mask) =>
    normalise(base.map((weight, d) => weight * (1 + ((mask >> d) & 1 ? options.spread : -options.spread)))),
  );
  const random = generator(options.seed);
  const draws = Array.from({ length: Math.max(0, options.samples - corners.length - 1) }, () =>
    normalise(base.map((weight) => weight * (1 + (random() * 2 - 1) * options.spread))),
  );
  return [normalise(base), ...corners, ...draws];
};

/** An exact value ("3.4985" or "37/11") as the nearest double, for the sensitivity analysis. */
export const approximate = (exact: string): number => {
  const { num, den } = parseRational(exact);
  return Number(num) / Number(den);
};

/**
 * Scores (weights summing to 100 × domain indices of at most 5: at most 500) become 32-bit keys at a
 * resolution of 2^-23 (about 10^-9 of an index point): floating-point noise never splits agencies whose
 * weighted indices are equal, and the keys sort in linear time.
 */
const keyScale = 2 ** 23;
const maxKey = 0xffffffff;

/** Radix digits: three passes of 11 bits cover a 32-bit key (2,048 buckets: cheap at 600 agencies too). */
const digitBits = 11;
const digitMask = (1 << digitBits) - 1;

/**
 * Each agency's best and worst national rank over the weight samples. Per sample: the scores, a
 * least-significant-digit radix sort of the agencies by key (linear, where a comparison sort would
 * make 100,000 agencies × 1,000 samples the run's longest step), then one pass giving equal keys
 * the same competition rank.
 * @param domainIndices per agency, its domain indices (see {@link approximate}) in domain order.
 */
export const rankRanges = (
  framework: Framework,
  agencies: readonly { readonly agencyId: string; readonly domainIndices: readonly number[] }[],
  options: StabilityOptions = defaultStability,
): Map<string, RankRange> => {
  const n = agencies.length;
  const dimensions = framework.domains.length;
  const x = new Float64Array(n * dimensions);
  agencies.forEach((agency, i) => {
    for (let d = 0; d < dimensions; d++) x[i * dimensions + d] = agency.domainIndices[d] ?? 0;
  });
  const best = new Uint32Array(n).fill(0xffffffff);
  const worst = new Uint32Array(n);
  const keys = new Uint32Array(n);
  let order = new Uint32Array(n);
  let buffer = new Uint32Array(n);
  const counts = new Uint32Array(1 << digitBits);
  for (const weights of weightSamples(framework, options)) {
    for (let i = 0; i < n; i++) {
      let score = 0;
      for (let d = 0; d < dimensions; d++)
        score += (weights[d] as number) * (x[i * dimensions + d] as number);
      keys[i] = Math.min(maxKey, Math.max(0, Math.round(score * keyScale)));
      order[i] = i;
    }
    for (let shift = 0; shift < 32; shift += digitBits) {
      counts.fill(0);
      for (let i = 0; i < n; i++) {
        const digit = ((keys[order[i] as number] as number) >>> shift) & digitMask;
        counts[digit] = (counts[digit] as number) + 1;
      }
      let position = 0;
      for (let digit = 0; digit <= digitMask; digit++) {
        const count = counts[digit] as number;
        counts[digit] = position;
        position += count;
      }
      for (let i = 0; i < n; i++) {
        const agency = order[i] as number;
        const digit = ((keys[agency] as number) >>> shift) & digitMask;
        buffer[counts[digit] as number] = agency;
        counts[digit] = (counts[digit] as number) + 1;
      }
      [order, buffer] = [buffer, order];
    }
    // Ascending keys: from the top, a run of equal keys shares rank 1 + (how many keys are greater).
    let top = n - 1;
    while (top >= 0) {
      const key = keys[order[top] as number] as number;
      let bottom = top;
      while (bottom > 0 && keys[order[bottom - 1] as number] === key) bottom--;
      const rank = n - top;
      for (let p = bottom; p <= top; p++) {
        const i = order[p] as number;
        if (rank < (best[i] as number)) best[i] = rank;
        if (rank > (worst[i] as number)) worst[i] = rank;
      }
      top = bottom - 1;
    }
  }
  return new Map(
    agencies.map((agency, i) => [agency.agencyId, { best: best[i] as number, worst: worst[i] as number }]),
  );
};
