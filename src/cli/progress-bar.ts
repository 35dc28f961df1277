// A one-line progress bar on stderr for long runs, redrawn at most ten times a second.
import type { CliIO } from './cli-io.js';

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Clears the line, if anything was drawn. */
  done(): void;
}

export function createProgressBar(io: CliIO, unit: string, clock: () => number = Date.now): ProgressBar {
  const width = 30;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = clock();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const share = total === 0 ? 1 : done / total;
      const filled = Math.round(share * width);
      io.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr.write('\r\u001b[2K');
    },
  };
}
