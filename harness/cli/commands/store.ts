/**
 * `bench store pull URL --to FILE.db [--sweep ID]... [--force]`: a PostgreSQL store's sweeps copied
 * into a new local SQLite file, ids kept, so `bench report --db FILE.db`, `show` and `board` work
 * offline on what the server holds.
 */
import { usageError } from '../../errors/index.ts';
import { isPostgresUrl, maskUrl, PostgresStore, pullToSqlite } from '../../store/index.ts';
import { idArg, parseFlags } from '../flags.ts';
import { storeArtifactsDir } from '../paths.ts';
import { idRanges } from './rm.ts';

const USAGE = 'usage: bench store pull <URL> --to FILE.db [--sweep ID]... [--force] [--artifacts DIR] [--json]\n';

export async function storeCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'pull') return pullCommand(rest);
  process.stdout.write(USAGE);
  if (sub === undefined || sub === '--help') {
    if (sub === undefined)
      throw usageError('store: no subcommand given', { hint: 'bench store pull URL --to FILE.db' });
    return 0;
  }
  throw usageError(`store: unknown subcommand '${sub}'`, { hint: 'the one subcommand is pull' });
}

async function pullCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      to: { type: 'string' },
      sweep: { type: 'string', multiple: true },
      force: { type: 'boolean' },
      artifacts: { type: 'string' },
      json: { type: 'boolean' },
    },
    'store pull',
  );
  const url = positionals[0] ?? process.env.BENCH_STORE;
  if (url === undefined || url === '' || positionals.length > 1) {
    throw usageError('store pull: expected one PostgreSQL URL', { hint: 'bench store pull postgres://… --to FILE.db' });
  }
  if (!isPostgresUrl(url)) {
    throw usageError(`store pull: '${maskUrl(url)}' is not a postgres:// or postgresql:// URL`, {
      hint: 'pull copies a PostgreSQL store; a SQLite file is already local (copy it with cp)',
    });
  }
  if (values.to === undefined) {
    throw usageError('store pull: --to FILE.db is missing', { field: 'to', hint: 'name the SQLite file to create' });
  }
  // `--sweep 3 --sweep 5` or `--sweep 3,5`.
  const sweeps = (values.sweep ?? []).flatMap((v) => v.split(',')).map((v) => idArg(v.trim(), 'sweep', 'store pull'));
  const store = await PostgresStore.open(url, {
    create: false,
    artifactsRoot: storeArtifactsDir({ store: url, artifacts: values.artifacts }),
  });
  let result: Awaited<ReturnType<typeof pullToSqlite>>;
  try {
    result = await pullToSqlite(store, values.to, { sweeps, force: values.force === true });
  } finally {
    await store.close();
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ from: maskUrl(url), ...result }, null, 2)}\n`);
    return 0;
  }
  const r = result.rows;
  process.stdout.write(
    `pulled ${maskUrl(url)} into ${result.file}: ${r.sweeps} sweeps${result.sweeps.length > 0 ? ` (${idRanges(result.sweeps)})` : ''}, ` +
      `${r.experiments} experiment rows, ${r.trials} trials, ${r.metrics} metrics, ${r.timings} timings, ` +
      `${r.artifacts} artifacts, ${r.splits} splits, ${r.leakage_audits} audits\n` +
      `  offline: bench ls --db ${result.file}, bench report --db ${result.file}\n`,
  );
  return 0;
}
