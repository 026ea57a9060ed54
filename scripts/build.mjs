/**
 * Precompiles the TypeScript sources to JavaScript under `dist/` (one file per source, same layout),
 * so `bench` starts without transpiling at every run; `npm ci` runs it (`prepare`).
 *
 * Each compiled file keeps its source's `import.meta.url`: paths a module builds from it (worker
 * entries, the source folders hashed into cache keys, the project root) stay those of the
 * sources, so compiled and `tsx` runs share caches and code versions.
 * `bin/bench.mjs` uses `dist/` only while it is fresh (`isFresh`), so an edited source is never
 * shadowed by a stale build.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The folders the CLI's code lives in. */
export const SOURCE_DIRS = ['harness', 'models', 'splits', 'reports'];
const STAMP = 'build.json';

/** Every `.ts`/`.tsx` source under SOURCE_DIRS, as paths relative to `root`, sorted. */
export function listSources(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, entry.name);
      // AssemblyScript (compiled to WebAssembly by scripts/build-wasm.ts), not TypeScript for Node.
      if (entry.isDirectory()) entry.name !== 'assembly' && walk(rel);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const d of SOURCE_DIRS) walk(d);
  return out.sort();
}

/** What the stamp records and `isFresh` compares: the source set and its newest change. */
function sourceState(root) {
  const files = listSources(root);
  let newest = 0;
  for (const f of files) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  return { root: resolve(root), count: files.length, newest };
}

/** True when `out` was built from the sources as they are now (same folder, same files, none newer). */
export function isFresh(root, out = join(root, 'dist')) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(out, STAMP), 'utf8'));
  } catch {
    return false;
  }
  const now = sourceState(root);
  return stamp.root === now.root && stamp.count === now.count && now.newest <= stamp.newest;
}

const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']+)\.tsx?\2/g;

/**
 * Compiles every source into `out`; returns the number of files. `out` must sit inside the project
 * (packages resolve from its node_modules).
 */
export async function build(root, out = join(root, 'dist')) {
  const { transform } = await import('esbuild');
  const before = sourceState(root);
  rmSync(out, { recursive: true, force: true });
  const files = listSources(root);
  await Promise.all(
    files.map(async (rel) => {
      const source = join(root, rel);
      const result = await transform(readFileSync(source, 'utf8'), {
        loader: rel.endsWith('.tsx') ? 'tsx' : 'ts',
        format: 'esm',
        target: 'node20',
        jsx: 'automatic',
        sourcefile: source,
        define: { 'import.meta.url': JSON.stringify(pathToFileURL(source).href) },
      });
      const target = join(out, rel.replace(/\.tsx?$/, '.js'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, result.code.replace(RELATIVE_IMPORT, '$1$2$3.js$2'));
    }),
  );
  // The state seen before compiling: a source edited meanwhile makes the build stale, not lost.
  writeFileSync(join(out, STAMP), `${JSON.stringify(before)}\n`);
  return files.length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const n = await build(root);
  process.stdout.write(`compiled ${n} sources into ${relative(process.cwd(), join(root, 'dist')) || 'dist'}/\n`);
}
