#!/usr/bin/env node
// Entry point of the `bench` command: the precompiled JavaScript in dist/ while it matches the
// sources (`npm run build`, run by `npm ci`), otherwise the TypeScript sources through tsx, so an
// edited source is never shadowed by a stale build. BENCH_TSX=1 forces the sources.
import { fileURLToPath } from 'node:url';
import { isFresh } from '../scripts/build.mjs';

// `bench ls | head`: the reader went away; stop quietly like other Unix tools instead of a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const root = fileURLToPath(new URL('..', import.meta.url));
const { main } =
  process.env.BENCH_TSX !== '1' && isFresh(root)
    ? await import('../dist/harness/cli/main.js')
    : await (await import('tsx/esm/api')).tsImport('../harness/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
