/**
 * Opening a PostgreSQL bench database: the `pg` driver loaded on first use (the SQLite path and the
 * CLI's start-up never load it), a small connection pool, the schema migrated once under an
 * advisory lock, and the few statement helpers the PostgresStore's modules share. Every message
 * that names the server shows its URL with the password masked.
 */
import type { Pool, PoolClient } from 'pg';
import { BenchError } from '../errors/index.ts';
import { maskUrl } from '../urls/index.ts';
import { MIGRATION_LOCK, PG_MIGRATIONS, PG_SCHEMA_VERSION, TABLES_IN_ORDER, VERSION_TABLE } from './postgres-schema.ts';

/** What runs a statement: the pool (one statement, its own transaction) or a client inside `tx`. */
export interface Conn {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

export { isPostgresUrl, maskUrl, urlWithoutPassword } from '../urls/index.ts';

/** `text` with the URL's password (should a driver message quote it) masked. */
function masked(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // An unparseable URL: pg has already said so without echoing it.
  }
  return password.length > 0 ? text.split(password).join('***') : text;
}

/**
 * Named parameters (`@name`) as PostgreSQL's positional ones (`$n`), the same name the same `$n`:
 * the statements ported from SQLite keep their names. Every `@` in our SQL is a parameter.
 */
export function named(sql: string, params: Record<string, unknown>): { text: string; values: unknown[] } {
  const order: string[] = [];
  const text = sql.replace(/@(\w+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`SQL parameter @${name} has no value`);
    let i = order.indexOf(name);
    if (i < 0) i = order.push(name) - 1;
    return `$${i + 1}`;
  });
  return { text, values: order.map((n) => params[n]) };
}

type Params = readonly unknown[] | Record<string, unknown>;

function statement(sql: string, params: Params): { text: string; values: unknown[] } {
  return Array.isArray(params) ? { text: sql, values: [...params] } : named(sql, params as Record<string, unknown>);
}

export async function all<T>(c: Conn, sql: string, params: Params = []): Promise<T[]> {
  const { text, values } = statement(sql, params);
  return (await c.query(text, values)).rows as T[];
}

export async function one<T>(c: Conn, sql: string, params: Params = []): Promise<T | undefined> {
  return (await all<T>(c, sql, params))[0];
}

/** Runs a statement; returns how many rows it changed. */
export async function run(c: Conn, sql: string, params: Params = []): Promise<number> {
  const { text, values } = statement(sql, params);
  return (await c.query(text, values)).rowCount ?? 0;
}

export interface OpenPgOptions {
  /** Create the bench's tables in a database that has none. Off: such a database is an error. @default true */
  create: boolean;
  /** Every transaction read-only; no migration (an older schema is an error). Implies `create: false`. @default false */
  readonly: boolean;
}

/** The pool's connections and the URL they were opened with (masked in messages). */
export class PgDb {
  readonly #pool: Pool;
  readonly url: string;
  #closed = false;

  constructor(pool: Pool, url: string) {
    this.#pool = pool;
    this.url = url;
  }

  /** The pool, for single statements (each its own transaction). */
  get pool(): Conn {
    return this.#pool;
  }

  /**
   * Runs `body` in one transaction on one connection: committed when it returns, rolled back when
   * it throws (the error goes on to the caller) or when `rollback` is set (a dry run). `read`: a
   * read-only snapshot (repeatable read).
   */
  async tx<T>(body: (c: PoolClient) => Promise<T>, options: { rollback?: boolean; read?: boolean } = {}): Promise<T> {
    const client = await this.#connect();
    let broken = false;
    try {
      await client.query(options.read ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
      try {
        const out = await body(client);
        await client.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  /** Runs the statements of one read in one snapshot: a write committing meanwhile is seen whole or not at all. */
  read<T>(body: (c: PoolClient) => Promise<T>): Promise<T> {
    return this.tx(body, { read: true });
  }

  async #connect(): Promise<PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (err) {
      throw cannotConnect(this.url, err);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}

function cannotConnect(url: string, err: unknown): BenchError {
  const e = err as Error & { code?: string };
  const why = e.code === '3D000' ? 'the database does not exist' : masked(e.message || String(e.code ?? err), url);
  return new BenchError('io', `cannot connect to PostgreSQL at ${maskUrl(url)}: ${why}`, {
    field: 'store',
    hint:
      e.code === '3D000'
        ? 'create it first (createdb NAME, or CREATE DATABASE NAME), or fix the database in --store / BENCH_STORE'
        : 'check that the server runs and the URL in --store / BENCH_STORE (host, port, user, database); a password goes in the URL or PGPASSWORD',
  });
}

/**
 * Connects to the database at `url` and brings its schema to this bench's version (once, under
 * an advisory lock, however many processes open it at once). A database with tables of the
 * bench's names but no version table is someone else's: refused, untouched.
 */
export async function openPg(url: string, options: Partial<OpenPgOptions> = {}): Promise<PgDb> {
  const readonly = options.readonly ?? false;
  const create = !readonly && (options.create ?? true);
  let pg: typeof import('pg').default;
  try {
    pg = (await import('pg')).default;
  } catch (err) {
    throw new BenchError('internal', `the PostgreSQL driver (pg) cannot be loaded: ${(err as Error).message}`, {
      hint: 'reinstall the dependencies (npm ci)',
    });
  }
  let pool: Pool;
  try {
    pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: 15_000,
      application_name: 'lo2-bench',
      ...(readonly && { options: '-c default_transaction_read_only=on' }),
    });
  } catch (err) {
    throw cannotConnect(url, err);
  }
  // A server restart closes idle connections: the pool drops them and opens new ones on demand;
  // unheard, the error would end the process.
  pool.on('error', () => {});
  const db = new PgDb(pool, url);
  try {
    await migrate(db, { readonly, create });
  } catch (err) {
    await db.close().catch(() => {});
    if (err instanceof BenchError) throw err;
    throw new BenchError(
      'io',
      `cannot prepare the bench tables in ${maskUrl(url)}: ${masked((err as Error).message, url)}`,
      {
        field: 'store',
        hint: 'the user in the URL needs the right to create tables in the database (or a database already set up by one that has)',
      },
    );
  }
  return db;
}

async function migrate(db: PgDb, o: { readonly: boolean; create: boolean }): Promise<void> {
  const where = maskUrl(db.url);
  const body = async (c: PoolClient) => {
    if (!o.readonly) await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const hasVersion = await one<{ t: string | null }>(c, 'SELECT to_regclass($1)::text AS t', [VERSION_TABLE]);
    let version = 0;
    if (hasVersion?.t == null) {
      const clash = await all<{ table_name: string }>(
        c,
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_name = ANY($1::text[]) ORDER BY table_name`,
        [[...TABLES_IN_ORDER]],
      );
      if (clash.length > 0) {
        throw new BenchError(
          'io',
          `${where} is not a bench database: it has tables ${clash.map((r) => r.table_name).join(', ')} but no ${VERSION_TABLE}`,
          { field: 'store', hint: 'nothing was changed; point --store at an empty database or a bench one' },
        );
      }
      if (!o.create) {
        throw new BenchError('io', `no bench database at ${where} (it has no bench tables)`, {
          field: 'store',
          hint: 'run `bench run <experiment.ts> --store URL` first (it creates the tables), or check the URL',
        });
      }
      await c.query(`CREATE TABLE ${VERSION_TABLE} (version integer NOT NULL)`);
      await c.query(`INSERT INTO ${VERSION_TABLE} (version) VALUES (0)`);
    } else {
      version = (await one<{ version: number }>(c, `SELECT version FROM ${VERSION_TABLE}`))?.version ?? 0;
    }
    if (version > PG_SCHEMA_VERSION) {
      throw new BenchError(
        'config',
        `database ${where} has schema version ${version}, newer than this bench (${PG_SCHEMA_VERSION})`,
        {
          field: 'store',
          hint: 'update lo2-bench, or use another database with --store',
        },
      );
    }
    if (version < PG_SCHEMA_VERSION && o.readonly) {
      throw new BenchError(
        'config',
        `database ${where} has schema version ${version}, older than this bench (${PG_SCHEMA_VERSION}): read-only, it cannot be migrated`,
        { field: 'store', hint: 'open it once without readonly to migrate it (e.g. `bench ls --store URL`)' },
      );
    }
    for (let v = version; v < PG_SCHEMA_VERSION; v++) await c.query(PG_MIGRATIONS[v]!);
    if (version < PG_SCHEMA_VERSION) await c.query(`UPDATE ${VERSION_TABLE} SET version = $1`, [PG_SCHEMA_VERSION]);
  };
  await db.tx(body);
}
