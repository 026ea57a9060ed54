/**
 * `bench board`: the interactive terminal leaderboard (Ink) and its plain-text fallback.
 * The CLI picks `runBoard` on a TTY (loaded through `loadTerminalBoard` in terminal.ts, which
 * keeps a `CI` variable from blanking the screen) and `renderStaticTable` otherwise.
 */
import { render } from 'ink';
import { createElement } from 'react';
import type { BoardSource, PrimaryMetric } from '../index.ts';
import { Board } from './app.tsx';

export { Board, type BoardProps, EMPTY_MESSAGE } from './app.tsx';
export { KEY_HELP } from './keys.ts';
export { type BoardState, initialState, update, visibleRows } from './state.ts';
export { renderStaticTable } from './static.ts';

export interface RunBoardOptions {
  /** Metric that ranks the rows at start. @default 'f1' */
  primary?: PrimaryMetric;
  /** Experiment filter at start. @default undefined (all experiments) */
  experiment?: string;
  /** @default process.stdin */
  stdin?: NodeJS.ReadStream;
  /** @default process.stdout */
  stdout?: NodeJS.WriteStream;
  /**
   * Draw on the terminal's alternate screen, so quitting restores what was there before.
   * @default stdout.isTTY
   */
  alternateScreen?: boolean;
}

// xterm's alternate screen buffer (with the cursor at home) and back.
const ENTER_ALT = '\u001B[?1049h\u001B[H';
const LEAVE_ALT = '\u001B[?1049l';

/** Renders the board and resolves when the user quits (q or Ctrl-C). */
export async function runBoard(source: BoardSource, options: RunBoardOptions = {}): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const alternate = options.alternateScreen ?? stdout.isTTY === true;
  if (alternate) stdout.write(ENTER_ALT);
  try {
    const app = render(
      createElement(Board, {
        data: source,
        ...(options.primary && { primary: options.primary }),
        ...(options.experiment !== undefined && { experiment: options.experiment }),
      }),
      // Ctrl-C goes through the board's own quit, so it leaves the terminal the same way q does.
      { stdout, stdin, exitOnCtrlC: false },
    );
    await app.waitUntilExit();
  } finally {
    if (alternate) stdout.write(LEAVE_ALT);
  }
}
