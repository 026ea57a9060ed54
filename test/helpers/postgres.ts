/**
 * A throwaway PostgreSQL server for tests: Debian's binaries, `initdb` into a fresh temporary
 * folder, listening on 127.0.0.1 on a free port with its unix socket inside that folder, trust
 * authentication, one database. The server refuses to run as root, so as root it is initialised
 * and run as the `postgres` user. `stop()` kills it at once and removes the folder; a server a
 * crashed test left running is stopped when the test process exits.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/bench`: the database created with the server. */
  url: string;
  /** A new empty database on the same server; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Drops a database made by `createDatabase` (its connections are ended first). */
  dropDatabase(name: string): Promise<void>;
  /** Stops the server (`pg_ctl stop -m immediate`) and removes its folder; a second call does nothing. */
  stop(): Promise<void>;
}

/** The folder of the newest installed PostgreSQL's binaries (Debian's layout, else `initdb` on PATH), or null. */
function binDir(): string | null {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return null;
}

const isRoot = () => process.getuid?.() === 0;

/** uid and gid of the `postgres` user, or null when there is none. */
function postgresUser(): { uid: number; gid: number } | null {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Why a throwaway server cannot run here, or null when it can: what a test skips with.
 */
export function postgresAvailable(): string | null {
  const bin = binDir();
  if (bin === null) {
    return 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH): apt-get install postgresql';
  }
  if (isRoot()) {
    if (postgresUser() === null) return 'running as root and there is no `postgres` user to run the server as';
    if (spawnSync('runuser', ['--help'], { stdio: 'ignore' }).status !== 0) {
      return 'running as root and `runuser` is missing (the server refuses to run as root)';
    }
  }
  return null;
}

/** The command line that runs `tool` from the binaries' folder as the server's user. */
function asServerUser(bin: string, tool: string, args: string[]): [string, string[]] {
  const path = join(bin, tool);
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Data folders of servers still running, stopped on exit if a test forgot (or crashed before) `stop()`. */
const running = new Map<string, () => void>();
let exitHook = false;

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const reason = postgresAvailable();
  if (reason !== null) throw new Error(`cannot start a throwaway PostgreSQL: ${reason}`);
  const bin = binDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'lo2-bench-pg-'));
  const user = isRoot() ? postgresUser() : null;
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const tool = async (name: string, args: string[]) => {
    const [cmd, argv] = asServerUser(bin, name, args);
    return run(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  };
  const removeDir = () => rmSync(dir, { recursive: true, force: true });

  try {
    await tool('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (err) {
    removeDir();
    throw new Error(`initdb failed in ${dir}: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`);
  }

  const stopNow = () => {
    const [cmd, argv] = asServerUser(bin, 'pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
    spawnSync(cmd, argv, { stdio: 'ignore', timeout: 30_000 });
  };

  // Another process may take the free port between the look and the start: try a few.
  let port = 0;
  let lastError = '';
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    const candidate = await freePort();
    const options = [
      '-c listen_addresses=127.0.0.1',
      `-p ${candidate}`,
      `-c unix_socket_directories=${dir}`,
      // A test server: durability is not the point, speed is.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    try {
      await tool('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options]);
      port = candidate;
    } catch (err) {
      lastError = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : String(err);
      stopNow();
    }
  }
  if (port === 0) {
    removeDir();
    throw new Error(`the throwaway PostgreSQL did not start: ${lastError}`);
  }
  running.set(data, () => {
    stopNow();
    removeDir();
  });
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const stop of running.values()) stop();
      running.clear();
    });
  }

  const base = `postgres://postgres@127.0.0.1:${port}`;
  const admin = async (sql: string) => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const quoted = (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name '${name}': use [a-z0-9_]`);
    return `"${name}"`;
  };
  const createDatabase = async (name: string) => {
    await admin(`CREATE DATABASE ${quoted(name)}`);
    return `${base}/${name}`;
  };
  await createDatabase('bench');

  let stopped = false;
  return {
    url: `${base}/bench`,
    createDatabase,
    dropDatabase: (name) => admin(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      stopNow();
      running.delete(data);
      removeDir();
    },
  };
}
