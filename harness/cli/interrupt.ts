/**
 * Ctrl-C for commands that stop cleanly: the first SIGINT (or SIGTERM) aborts the controller's
 * signal, which the command's work checks and stops on; a second one quits at once. Exit code 130
 * either way.
 */
export function interruptible(message: string): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\ninterrupt: ${message} (Ctrl-C again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    controller,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
