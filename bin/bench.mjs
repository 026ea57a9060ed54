#!/usr/bin/env node
// Entry point of the `bench` command. Node 20 cannot run TypeScript by itself, so the CLI is
// loaded through tsx's ESM API.
import { tsImport } from 'tsx/esm/api';

// `bench ls | head`: the reader went away; stop quietly like other Unix tools instead of a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const { main } = await tsImport('../harness/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
