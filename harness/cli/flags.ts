/** Option parsing shared by the commands: usage errors that name the flag and point at --help. */
import { availableParallelism } from 'node:os';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closest, usageError } from '../errors/index.ts';

/**
 * parseArgs with our usage errors instead of Node's: an unknown option names the closest known one,
 * and a value that starts with '-' (`--runs -3`) is taken as the option's value, then validated by
 * the command, instead of "argument is ambiguous".
 */
export function parseFlags<T extends ParseArgsConfig['options']>(argv: readonly string[], options: T, command: string) {
  const args = [...argv];
  for (let i = 0; i < args.length - 1; i++) {
    const name = args[i]!.startsWith('--') ? args[i]!.slice(2) : null;
    const next = args[i + 1]!;
    if (name !== null && options?.[name]?.type === 'string' && /^-\d/.test(next)) {
      args.splice(i, 2, `--${name}=${next}`);
    }
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec((err as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
      const guess = closest(unknown.replace(/^-+/, ''), Object.keys(options ?? {}));
      throw usageError(
        `${command}: unknown option '${unknown}'${guess === null ? '' : ` — did you mean '--${guess}'?`}`,
        {
          hint: `run \`bench ${command} --help\` for the options`,
        },
      );
    }
    throw usageError(`${command}: ${(err as Error).message.split('\n')[0]}`, {
      hint: `run \`bench ${command} --help\` for the options`,
    });
  }
}

/**
 * The options of every command that reads or writes results: `--db FILE` (SQLite), `--store URL`
 * (PostgreSQL; env BENCH_STORE), `--artifacts DIR` (where trial files are). paths.ts resolves them.
 */
export const STORE_FLAGS = {
  db: { type: 'string' },
  store: { type: 'string' },
  artifacts: { type: 'string' },
} as const;

export function intFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usageError(`--${flag} must be an integer ≥ ${min} (got '${value}')`);
  return n;
}

/**
 * `--workers N`: 0 (run on the main thread) up to a bound past which threads only add memory (each
 * worker holds its own copy of the inputs) and, far enough, crash V8.
 */
export function workersFlag(value: string | undefined): number | undefined {
  const n = intFlag(value, 'workers', 0);
  const max = maxWorkers();
  if (n !== undefined && n > max) {
    throw usageError(`--workers ${n} is more than this machine can use (at most ${max})`, {
      field: 'workers',
      hint: `${availableParallelism()} cores here; omit --workers for one per core`,
    });
  }
  return n;
}

export const maxWorkers = (): number => Math.max(8, 2 * availableParallelism());

/** A positive integer id given as a positional argument (trial ids). */
export function idArg(value: string | undefined, what: string, command: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) {
    throw usageError(`${command}: expected a ${what} id (a positive integer), got '${value ?? ''}'`, {
      hint: 'list them with `bench ls`',
    });
  }
  return n;
}
