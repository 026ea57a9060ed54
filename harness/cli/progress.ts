/**
 * Progress reporting for long work: a redrawn line with rate and ETA on a TTY, a plain line every
 * few seconds otherwise (CI logs), nothing when off (the null object).
 */

export interface Progress {
  update(done: number, total: number, detail?: string): void;
  finish(): void;
}

export const noProgress: Progress = { update() {}, finish() {} };

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/** @param label what is being done, e.g. `ingest`. @param stream where to write. @default process.stderr */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const start = performance.now();
  const tty = stream.isTTY === true;
  let lastPrint = Number.NEGATIVE_INFINITY; // the first update always prints
  let drawn = false;
  return {
    update(done, total, detail = '') {
      const now = performance.now();
      if (now - lastPrint < (tty ? 100 : 5000) && done < total) return;
      lastPrint = now;
      const elapsed = (now - start) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : Number.NaN;
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      const text = `${label} ${done}/${total} (${pct}%) ${detail} elapsed ${formatSeconds(elapsed)} eta ${formatSeconds(eta)}`;
      if (tty) {
        const width = 20;
        const filled = total > 0 ? Math.round((width * done) / total) : width;
        const bar = `[${'█'.repeat(filled)}${'·'.repeat(width - filled)}]`;
        // Cut to the terminal so the line never wraps (a wrapped line cannot be redrawn with \r).
        const line = `${bar} ${text}`.slice(0, Math.max(20, (stream.columns ?? 100) - 1));
        stream.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else stream.write(`${text}\n`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
