/** `bench board` (interactive leaderboard, or a static table / JSON) and `bench report <experiment>`. */
import { join } from 'node:path';
import { rankableMetricIds } from '../../../splits/eval/index.ts';
import { closest, ensureDir, usageError } from '../../errors/index.ts';
import { openStore } from '../../store/index.ts';
import { parseFlags, STORE_FLAGS } from '../flags.ts';
import { reportsDir, storeArtifactsDir, storeTarget } from '../paths.ts';

/** `--metric`: a rankable metric of the registry (splits/eval `rankableMetricIds`). */
function metricFlag(value: string | undefined): string {
  const m = value ?? 'f1';
  const known = rankableMetricIds();
  if (!known.includes(m)) {
    const near = closest(m, known);
    throw usageError(`--metric must be one of ${known.join(', ')} (got '${value}')`, {
      ...(near !== null && { hint: `did you mean '${near}'?` }),
    });
  }
  return m;
}

const FORMATS = ['table', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** `--format` (with `--json` its shorthand); undefined: the interactive board on a terminal, a table otherwise. */
function formatFlag(value: string | undefined, json: boolean): Format | undefined {
  if (value !== undefined && !FORMATS.includes(value as Format)) {
    throw usageError(`board: --format must be one of ${FORMATS.join(', ')} (got '${value}')`);
  }
  if (json && value !== undefined && value !== 'json') {
    throw usageError(`board: --json and --format ${value} ask for two formats`, { hint: 'give one of them' });
  }
  return json ? 'json' : (value as Format | undefined);
}

export async function boardCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      ...STORE_FLAGS,
      experiment: { type: 'string' },
      metric: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      width: { type: 'string' },
    },
    'board',
  );
  const primary = metricFlag(values.metric);
  const format = formatFlag(values.format, values.json === true);
  // The board pulls in Ink and React: loaded only by this command.
  const { noRowsText, storeBoard } = await import('../../../reports/index.ts');
  const store = await openStore(storeTarget(values), { create: false, artifactsRoot: storeArtifactsDir(values) });
  try {
    const source = storeBoard(store);
    if (values.experiment !== undefined) {
      const known = await store.experimentNames();
      if (!known.includes(values.experiment)) {
        throw usageError(`board: no experiment named '${values.experiment}' in the database`, {
          hint:
            known.length > 0
              ? `experiments: ${known.join(', ')}`
              : 'run one first: bench run experiments/quickstart.ts',
        });
      }
    }
    const interactive = format === undefined && process.stdout.isTTY === true && process.stdin.isTTY === true;
    if (interactive) {
      const { loadTerminalBoard } = await import('../../../reports/board/index.ts');
      const { runBoard } = await loadTerminalBoard();
      await runBoard(source, { primary, ...(values.experiment !== undefined && { experiment: values.experiment }) });
      return 0;
    }
    const board = await source.leaderboard(primary, values.experiment);
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(board, null, 2)}\n`);
      return 0;
    }
    const { renderCsv, renderStaticTable } = await import('../../../reports/board/index.ts');
    if (format === 'csv') {
      // CSV has no place for them, and a leak on a null dataset must not pass unnoticed in a script's log.
      for (const w of board.warnings) process.stderr.write(`⚠ LEAK ${w}\n`);
      process.stdout.write(renderCsv(board));
      return 0;
    }
    const width = values.width ? Number(values.width) : (process.stdout.columns ?? 120);
    const empty =
      values.experiment === undefined
        ? undefined
        : (({ message, hint }) => `${message} — ${hint}`)(await noRowsText(store, values.experiment));
    process.stdout.write(`${renderStaticTable(board, width, empty)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function reportCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { ...STORE_FLAGS, out: { type: 'string' }, metric: { type: 'string' }, json: { type: 'boolean' } },
    'report',
  );
  const primary = metricFlag(values.metric);
  const { buildReportModel } = await import('../../../reports/index.ts');
  const { writeReport } = await import('../../../reports/page/index.ts');
  const store = await openStore(storeTarget(values), { create: false, artifactsRoot: storeArtifactsDir(values) });
  try {
    const experiment = positionals[0] ?? (await store.latestExperiment());
    if (experiment === null) {
      throw usageError('report: the database has no experiments yet', {
        hint: 'run one first: bench run experiments/quickstart.ts',
      });
    }
    const model = await buildReportModel(store, experiment, { primary });
    const dir = ensureDir(
      values.out ?? join(reportsDir(), reportFolderName(experiment)),
      'report folder',
      'pass a writable folder with --out',
    );
    const written = await writeReport(model, dir);
    // A leak on a null dataset must not go unnoticed in a script's log either.
    for (const w of model.warnings ?? []) process.stderr.write(`⚠ LEAK ${w}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify(written, null, 2)}\n`);
    else {
      process.stdout.write(
        `report of ${experiment}: ${written.html}\n  markdown ${written.markdown}\n  ${written.charts.length} charts (SVG + PNG) in ${join(dir, 'charts')}\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** A folder name for an experiment's report: path characters replaced, never `.` or `..`. */
export function reportFolderName(experiment: string): string {
  const name = experiment.replace(/[^\w.-]+/g, '_');
  return /^\.*$/.test(name) ? `_${name}` : name;
}
