/**
 * Worker entry points as plain JavaScript. A worker that loads TypeScript through tsx starts its
 * own loader thread and compiles every module, a CPU cost per worker that ate the gain of parallel
 * reading on a 2-core machine. esbuild bundles the entry once into one ESM file named by its
 * content hash, so concurrent processes share it and never see a partial file.
 * Packages stay external and resolve from the project's node_modules (the bundle lives under
 * node_modules/.cache), so a worker shares piscina with the pool that runs it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const built = new Map<string, Promise<string>>();

/** Bundles a TypeScript worker entry once per process; resolves to a file URL for piscina. */
export function bundledWorker(entry: URL): Promise<string> {
  const key = entry.href;
  let url = built.get(key);
  if (!url) {
    url = bundle(fileURLToPath(entry));
    built.set(key, url);
  }
  return url;
}

async function bundle(entryPath: string): Promise<string> {
  const result = await build({
    entryPoints: [entryPath],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    // Bundled CommonJS dependencies may call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __lo2CreateRequire } from 'node:module'; const require = __lo2CreateRequire(import.meta.url);",
    },
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const dir = fileURLToPath(new URL('../../node_modules/.cache/lo2-bench-workers/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `worker-${hash}.mjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return pathToFileURL(file).href;
}
