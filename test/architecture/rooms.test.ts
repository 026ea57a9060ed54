/**
 * The floor plan (docs/ARCHITECTURE.md) as a test: code is split into rooms along the data flow;
 * a module may import another room only through that room's `index.ts`, and only a room below it
 * (nearer the ground). Tests and scripts may reach anywhere.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');

/** Rooms from the ground up: a room may import only rooms listed before it. */
export const ROOMS = [
  'harness/errors',
  'harness/hash',
  'harness/urls',
  'harness/workers',
  'harness/charts',
  'harness/data',
  'splits/eval',
  'splits',
  'models',
  'harness/experiment',
  'harness/store',
  'harness/artifacts',
  'harness/sweep',
  'harness/queue',
  'reports',
  'reports/page',
  'reports/board',
  'harness/cli',
] as const;

/** The room a file belongs to: the longest room path it lies under. */
function roomOf(file: string): string | null {
  let best: string | null = null;
  for (const r of ROOMS)
    if ((file === r || file.startsWith(`${r}/`)) && (best === null || r.length > best.length)) best = r;
  return best;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'assembly') out.push(...sources(rel));
    } else if (/\.tsx?$/.test(e.name)) out.push(rel);
  }
  return out;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

interface Crossing {
  file: string;
  target: string;
  from: string;
  to: string;
}

function crossings(): Crossing[] {
  const out: Crossing[] = [];
  for (const file of ['harness', 'models', 'splits', 'reports'].flatMap(sources)) {
    const from = roomOf(file);
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(SPECIFIER)) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), m[1]!));
      const to = roomOf(target);
      if (from !== null && to !== null && from !== to) out.push({ file, target, from, to });
    }
  }
  return out;
}

describe('rooms and doors', () => {
  const all = crossings();

  test('every source file lies in a room', () => {
    const homeless = ['harness', 'models', 'splits', 'reports'].flatMap(sources).filter((f) => roomOf(f) === null);
    assert.deepEqual(homeless, []);
  });

  test('another room is entered only through its index.ts', () => {
    const deep = all
      .filter((c) => !/^index\.tsx?$/.test(relative(c.to, c.target)))
      .map((c) => `${c.file} → ${c.target} (use ${c.to}/index.ts)`);
    assert.deepEqual(deep, []);
  });

  test('imports go down the flow, never up', () => {
    const rank = (r: string) => ROOMS.indexOf(r as (typeof ROOMS)[number]);
    const up = all.filter((c) => rank(c.to) > rank(c.from)).map((c) => `${c.file} (${c.from}) → ${c.target} (${c.to})`);
    assert.deepEqual(up, []);
  });

  test('the check sees crossings at all', () => {
    assert.ok(all.length > 20, `only ${all.length} crossings found: is the import pattern still right?`);
  });
});
