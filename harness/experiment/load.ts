/** Loading a user's experiment file (TypeScript) and validating its default export. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configError } from '../errors/index.ts';
import { type Experiment, parseExperiment } from './schema.ts';

export async function loadExperiment(file: string): Promise<Experiment> {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw configError(`experiment file not found: ${file}`, {
      file,
      hint: 'pass a path like experiments/quickstart.ts',
    });
  }
  let mod: { default?: unknown };
  try {
    // tsx only when an experiment file is loaded: the CLI's own code may be precompiled.
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
  } catch (err) {
    throw configError(loadFailure((err as Error).message, file), {
      file,
      hint: 'check the file compiles: it must `export default defineExperiment({...})`',
    });
  }
  if (mod.default === undefined) {
    throw configError(`${file}: no default export`, {
      file,
      hint: 'end the file with `export default defineExperiment({...})`',
    });
  }
  return parseExperiment(unwrapCommonJs(mod.default), file);
}

/**
 * What is wrong, in one line: for a syntax error, esbuild's `path:line:column: ERROR: text` (its first
 * line is only "Transform failed with 1 error:") as `file:line:column: syntax error: text`.
 */
function loadFailure(message: string, file: string): string {
  const located = /^.*?:(\d+):(\d+): ERROR: (.*)$/m.exec(message);
  if (located) return `${file}:${located[1]}:${located[2]}: syntax error: ${located[3]}`;
  return `${file}: cannot be loaded: ${message.split('\n')[0]}`;
}

/**
 * An experiment file outside an ES-module package (no `"type": "module"` above it, e.g. in /tmp) is
 * compiled as CommonJS, and importing it gives `{ default: { default: config } }`: take the config.
 */
function unwrapCommonJs(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'default' in value && !('name' in value)) {
    return (value as { default: unknown }).default;
  }
  return value;
}
