import { describe, expect, it } from 'vitest';
import { createProgressBar } from '#local/progress.ts';

/** The progress bar of `npm run rankings` (and the benches), written to a stream that is not a terminal. */

const capture = () => {
  const lines: string[] = [];
  const stream = {
    isTTY: false,
    write: (text: string) => lines.push(text) === 0,
  } as unknown as NodeJS.WriteStream;
  return { lines, bar: createProgressBar(stream) };
};

describe('the progress bar', () => {
  it('ends a run with its message and the time it took', () => {
    const { lines, bar } = capture();
    bar.done('Ranking run run_X of 2025: published');
    expect(lines.at(-1)).toMatch(/^Ranking run run_X of 2025: published \(\d+\.\d s\)\n$/);
  });

  it('ends a message that ends with a command (another run is running) without a time after it', () => {
    const { lines, bar } = capture();
    bar.done('… resume it now: npm run rankings -- --year 2025 --run-id run_X', { timed: false });
    expect(lines.at(-1)).toBe('… resume it now: npm run rankings -- --year 2025 --run-id run_X\n');
  });

  it('names the unit it counts, when given one', () => {
    const { lines, bar } = capture();
    bar.update('ranking', 0, 638, 'agencies');
    bar.update('writing', 692, 692, 'items');
    expect(lines[0]).toMatch(/^ranking\s+0% 0\/638 agencies {2}\d+\.\d s\n$/);
    expect(lines[1]).toMatch(/^writing\s+100% 692\/692 items {2}\d+\.\d s\n$/);
  });
});
