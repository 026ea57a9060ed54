/**
 * The environment of a sweep, stored with it so a number can be traced to the code and machine that
 * produced it: git commit and whether the tree had uncommitted changes, Node, OS, CPU, the lockfile's
 * hash (the exact dependency versions) and the dataset's hash.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json and package-lock.json live). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Fingerprint {
  gitSha: string | null;
  /** Uncommitted changes to tracked files when the sweep started; null outside a git checkout. */
  dirty: boolean | null;
  node: string;
  os: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  /** sha256 of package-lock.json; null when the package has none. */
  lockfileHash: string | null;
  datasetHash: string;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null; // not a git checkout, or no git: recorded as unknown
  }
}

function lockfileHash(): string | null {
  try {
    return createHash('sha256')
      .update(readFileSync(`${ROOT}package-lock.json`))
      .digest('hex');
  } catch {
    return null;
  }
}

export function fingerprint(datasetHash: string): Fingerprint {
  const sha = git(['rev-parse', 'HEAD'])?.trim() ?? null;
  const status = sha === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  return {
    gitSha: sha,
    dirty: status === null ? null : status.trim().length > 0,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    lockfileHash: lockfileHash(),
    datasetHash,
  };
}
