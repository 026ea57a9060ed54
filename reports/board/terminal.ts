/**
 * Loads the interactive board for a real terminal.
 *
 * Ink decides once, when it is first imported, whether it runs in CI (the `CI` or
 * `CONTINUOUS_INTEGRATION` variable, through is-in-ci). There it draws nothing until exit and
 * ignores resizes: a blank screen for anyone who keeps `CI=1` exported in their shell. Callers
 * use this only once they know stdin and stdout are a TTY, so Ink is loaded as for one. It must
 * run before anything else in the process imports Ink; this module itself does not.
 */
export async function loadTerminalBoard(): Promise<typeof import('./run-board.ts')> {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  return import('./run-board.ts');
}
