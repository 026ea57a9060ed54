/**
 * `bench` command line: parses the command, runs it, turns BenchErrors into one-line messages
 * with a hint and the documented exit codes (0 ok, 1 failure, 2 usage).
 */
import { BenchError, diskFullError, usageError } from '../errors/index.ts';

// Spelt out rather than imported: loading the splits room would cost `bench --help` most of its
// start-up. test/cli/help.test.ts checks the list equals SPLIT_STRATEGIES.
export const HELP_SPLIT_STRATEGIES = ['random-runs', 'temporal', 'unseen-errors', 'group-k-fold'] as const;

/** Where the results are: said once for every command that reads or writes them. */
const STORE_HELP = `results: run, ls, show, compare, export, score, board, report and rm take --db FILE
         (SQLite, default BENCH_HOME/bench.db) or --store URL (PostgreSQL, postgres://…; env
         BENCH_STORE), and --artifacts DIR for the trials' files (see docs/SCALE-OUT.md)`;

const HELP = `bench — benchmark log anomaly detectors on LO2

usage: bench <command> [options]

commands:
  run          <experiment.ts...> [--db FILE] [--workers N] [--retry-failed] [--fresh]
               [--note TEXT] [--tag KEY=VALUE]... [--json]
               run an experiment's trials (split seeds × variants × feature sets); resumes done
               work; Ctrl-C stops cleanly (rerun to resume); --note and --tag annotate the sweep
  ls           [--experiment NAME] [--status S] [--variant V] [--tag KEY=VALUE]... [--db FILE] [--json]
               trials with their test F1, AUC-PR, AUC-ROC and their sweep's tags; --tag keeps
               the trials computed by a sweep with those tags
  show         <trial> [--json]            one trial: metrics per part, recall per error case,
                                           timings, throughput, artifacts, error
  compare      <trial> <trial> | <variant[:features]> <variant[:features]> [--experiment NAME] [--json]
               test-metric deltas (b − a): over every shared split seed, the corrected resampled
               t-test (+ Wilcoxon as a side note); two trials of one split, a paired bootstrap
               over its test runs
  export       <trial> [--format svmlight|arrow|parquet|csv|bundle] [--out DIR] [--json]
               svmlight: the matrices the model saw (+ features.txt, meta.json);
               arrow/parquet/csv: its predictions; bundle: model, feature space, threshold and
               bundle.json, to score new logs with (default DIR: BENCH_HOME/exports/)
  score        <trial | bundle-dir> <DIR> [--out FILE.parquet|FILE.csv] [--top K] [--db FILE] [--json]
               score the LO2 tree at DIR with a trained trial (its ingest settings, scope, feature
               space, model and threshold): the flagged sequences with their top features
  board        [--experiment NAME] [--metric M] [--format table|csv|json] [--json]
               leaderboard over seeds (mean ± corrected t-interval, ties, flags: leak, degenerate,
               trivial, not-converged); interactive on a terminal (? for keys), a plain table otherwise;
               M: the metric that ranks (f1 by default; a wrong name lists the rankable ones)
  report       [experiment] [--out DIR] [--metric M] [--json]
               HTML page + markdown + SVG/PNG charts under BENCH_HOME/reports/<experiment>/
  rm           --experiment NAME | --sweep ID [--dry-run] [--db FILE] [--json]
               remove sweeps, the trials they computed (results and folders under artifacts/);
               trials another experiment plans stay; says what it removes, --dry-run only that
  store pull   <URL> --to FILE.db [--sweep ID]... [--force] [--json]
               copy a PostgreSQL store's sweeps (all, or those named with what their plans hold)
               into a new SQLite file: bench report / show / board --db FILE.db work offline
  worker       --store URL [--concurrency N] [--exit-when-idle] [--artifacts DIR]
               run trial jobs of a PostgreSQL store's queue (\`bench run E --store URL
               --enqueue-only\` submits them) on this machine; see docs/SCALE-OUT.md
  queue        ls|retry|cancel --store URL [--sweep ID] [--json]
               the queue's jobs by state; failed ones back in the queue; waiting ones cancelled
  data synth   [--out DIR] [--preset tiny|standard|large] [--runs N] [--errors-per-run N]
               [--services a,b] [--seed N] [--order shuffled|v1] [--faults injected|none]
               [--workers N] [--json]
               write a synthetic LO2 tree with its ground truth (default: into the cache)
  data ingest  [DIR] [--runs N] [--errors-per-run N] [--error-case NAME] [--services a,b]
               [--seed N] [--trim N] [--continuation merge|drop|keep] [--workers N] [--parquet]
               [--force] [--json]
               load + enhance an LO2 tree into Arrow files (no DIR: the synthetic default)

  split        [DIR] [--strategy ${HELP_SPLIT_STRATEGIES.join('|')}] [--seed N]
               [--fractions a,b,c] [--folds K --fold I] [--feature-sets words,trigrams,drain] [--json]
               seeded split over runs, stored in SQLite, with its leakage audit

global options: --help, BENCH_HOME (default .bench) holds cache/, artifacts/, reports/, bench.db
${STORE_HELP}
`;

/** Commands whose `--help` is their entry of HELP (the others print their own usage). */
const HELP_FROM_LIST = new Set(['ls', 'show', 'compare', 'export', 'score', 'board', 'report', 'rm', 'store']);

/** The entries of HELP whose name starts with `name` (`data` gives `data synth` and `data ingest`). */
export function commandHelp(name: string): string {
  const lines = HELP.split('\n');
  const out: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (/^ {2}\S/.test(line)) inside = line.slice(2).startsWith(`${name} `);
    else if (!/^ {3,}\S/.test(line)) inside = false;
    if (inside) out.push(line);
  }
  const store = name === 'data' || name === 'store' ? '' : `${STORE_HELP}\n`;
  return `usage: bench ${name} …\n\n${out.join('\n')}\n\n${store}global options: BENCH_HOME (default .bench); \`bench --help\` lists every command\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    // `-h` is `--help` everywhere (each command's own parser knows only the long form).
    const [command, ...rest] = argv.map((a) => (a === '-h' ? '--help' : a));
    const asksHelp = rest.includes('--help');
    if (
      command !== undefined &&
      asksHelp &&
      (HELP_FROM_LIST.has(command) || (command === 'data' && rest[0] === '--help'))
    ) {
      process.stdout.write(commandHelp(command));
      return 0;
    }
    // Each command loads its own modules: `bench --help` and `bench ls` do not pay for the models or the board.
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      case 'data':
        return await (await import('./commands/data.ts')).dataCommand(rest);
      case 'split':
        return await (await import('./commands/split.ts')).splitCommand(rest);
      case 'run':
        return await (await import('./commands/run.ts')).runCommand(rest);
      case 'ls':
        return await (await import('./commands/run.ts')).lsCommand(rest);
      case 'show':
        return await (await import('./commands/trials.ts')).showCommand(rest);
      case 'compare':
        return await (await import('./commands/trials.ts')).compareCommand(rest);
      case 'export':
        return await (await import('./commands/trials.ts')).exportCommand(rest);
      case 'score':
        return await (await import('./commands/score.ts')).scoreCommand(rest);
      case 'board':
        return await (await import('./commands/reports.ts')).boardCommand(rest);
      case 'report':
        return await (await import('./commands/reports.ts')).reportCommand(rest);
      case 'rm':
        return await (await import('./commands/rm.ts')).rmCommand(rest);
      case 'store':
        return await (await import('./commands/store.ts')).storeCommand(rest);
      case 'worker':
        return await (await import('./commands/worker.ts')).workerCommand(rest);
      case 'queue':
        return await (await import('./commands/queue.ts')).queueCommand(rest);
      default:
        throw usageError(`unknown command '${command}'`, { hint: 'run `bench --help` for the list of commands' });
    }
  } catch (err) {
    if (err instanceof BenchError) {
      process.stderr.write(`error: ${err.format()}\n`);
      return err.exitCode;
    }
    // A full disk wherever no closer code named the write (a cache entry, the store): still one line.
    const full = diskFullError(err);
    if (full) {
      process.stderr.write(`error: ${full.format()}\n`);
      return full.exitCode;
    }
    if (err instanceof TypeError && /must be|unknown|expected/.test(err.message)) {
      // Option validation inside the libraries' typed surfaces: a usage error, not a crash.
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
