/**
 * A one-line progress bar for the local CLIs (`npm run rankings`, the benches). On a terminal it
 * redraws in place; piped (CI logs) it prints a line per phase and per tenth of the work, so logs stay
 * short. Hand-written: about thirty lines, where a progress-bar package would bring its own rendering
 * rules and dependencies for the same.
 */
export interface ProgressBar {
  /** `unit` names what is counted (`0/638 agencies`), so that counts of different things are not compared. */
  update(phase: string, done: number, total: number, unit?: string): void;
  /**
   * Ends the bar with a line. `timed: false` leaves out the elapsed time: a message that ends with a
   * command to copy (or reports that nothing was done) would otherwise end with a stray "(0.1 s)".
   */
  done(message: string, options?: { readonly timed?: boolean }): void;
}

const width = 30;

export const createProgressBar = (stream: NodeJS.WriteStream = process.stderr): ProgressBar => {
  const interactive = stream.isTTY === true;
  const started = performance.now();
  let lastPhase = '';
  let lastTenth = -1;
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  return {
    update(phase, done, total, unit) {
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const counts =
        total > 0
          ? ` ${done.toLocaleString('en')}/${total.toLocaleString('en')}${unit === undefined ? '' : ` ${unit}`}`
          : '';
      if (interactive) {
        const filled = Math.round(fraction * width);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
        stream.write(
          `\r\x1b[2K${phase.padEnd(10)} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}%${counts}  ${seconds()} s`,
        );
        return;
      }
      const tenth = Math.floor(fraction * 10);
      if (phase === lastPhase && tenth === lastTenth) return;
      lastPhase = phase;
      lastTenth = tenth;
      stream.write(
        `${phase.padEnd(10)} ${(fraction * 100).toFixed(0).padStart(3)}%${counts}  ${seconds()} s\n`,
      );
    },
    done(message, { timed = true } = {}) {
      stream.write(`${interactive ? '\r\x1b[2K' : ''}${message}${timed ? ` (${seconds()} s)` : ''}\n`);
    },
  };
};
