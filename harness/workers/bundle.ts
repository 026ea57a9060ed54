/**
 * Worker entry points as plain JavaScript. A worker that loads TypeScript through tsx starts its
 * own loader thread and compiles every module, a CPU cost per worker that ate the gain of parallel
 * reading on a 2-core machine. esbuild bundles the entry once into one CommonJS file named by its
 * content hash, so concurrent processes share it and never see a partial file. CommonJS, because
 * piscina loads its task file with require(): on Node 20 an ES module loaded that way goes through
 * require(esm), and a worker terminated during that load (a sweep stopped while its workers start)
 * aborts the whole process in V8 (`Module::IsGraphAsync must be used on an instantiated module`).
 * Packages stay external and resolve from the project's node_modules (the bundle lives under
 * node_modules/.cache), so a worker shares piscina with the pool that runs it; ES-module-only
 * packages are the exception, bundled in, since requiring them would be require(esm) again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

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
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages],
    write: false,
    logLevel: 'silent',
    // A module's import.meta.url is the bundle's own URL, as it was in an ES module bundle.
    define: { 'import.meta.url': '__lo2ImportMetaUrl' },
    banner: { js: "var __lo2ImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const dir = fileURLToPath(new URL('../../node_modules/.cache/lo2-bench-workers/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `worker-${hash}.cjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return pathToFileURL(file).href;
}

/** Bare imports stay external unless the package is an ES module only (see the file's comment). */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.kind !== 'entry-point' && !args.path.startsWith('.') && !isAbsolute(args.path);
      if (!bare || args.path.startsWith('node:')) return undefined;
      return esmOnly(args.path, args.importer || args.resolveDir) ? undefined : { external: true };
    });
  },
};

/** True when `specifier`, required from `from`, has no CommonJS entry. */
function esmOnly(specifier: string, from: string): boolean {
  let file: string;
  try {
    file = createRequire(from.endsWith('/') ? from : `${from}/`).resolve(specifier);
  } catch (err) {
    // Exported for import only; a package that is not installed stays external and fails as before.
    return (err as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
  if (!isAbsolute(file)) return false; // a Node built-in
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest))
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module';
  }
  return false;
}
