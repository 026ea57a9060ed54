/**
 * README.md and docs/*.md point only at files of this repository, so a clone reads them whole:
 * every relative Markdown link resolves inside the repository, every repository path they name
 * (`harness/sweep/scope.ts`, `test/fixtures/lo2-real/`) exists, every Markdown document they name
 * (`docs/PROTOCOL.md`, `PARITY.md`) exists, and no path climbs out of the repository (`../shared/…`).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');

/** The documents checked, as paths relative to the repository root. */
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Files that bench writes, named in the docs as outputs, not as documents of the repository. */
const WRITTEN_FILES = new Set(['report.md']);

/** The repository's top-level folders: a path in the text that starts with one is a repository path. */
const TOP_FOLDERS = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
  .map((d) => d.name);

const MARKDOWN_LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_LINK = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm;
// Stops at a placeholder or glob (`<key>`, `*.ts`): what comes before it must still exist.
const repositoryPath = (folders: readonly string[]) =>
  new RegExp(`(?<![\\w.@/-])(?:${folders.join('|')})/[\\w.@/-]*`, 'g');
const MARKDOWN_NAME = /(?<![\w./-])[\w.-]+\.md\b/g;
const CLIMBING_PATH = /(?<![\w./-])\.\.\/[\w.@/-]*/g;

interface BrokenReference {
  line: number;
  reference: string;
  problem: string;
}

/** 1-based line of character `index` of `text`. */
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#');

/**
 * What in `text` (the document at `doc`, relative to `root`) points at no file of the repository.
 * Pure but for the existence checks on disk.
 */
function brokenReferences(text: string, doc: string, root = ROOT, folders = TOP_FOLDERS): BrokenReference[] {
  const broken: BrokenReference[] = [];
  const here = dirname(join(root, doc));
  const inside = (abs: string) => !relative(root, abs).startsWith('..');
  const linkTargets = new Set<number>();

  for (const pattern of [MARKDOWN_LINK, REFERENCE_LINK]) {
    for (const m of text.matchAll(pattern)) {
      const target = m[1]!;
      linkTargets.add(m.index! + m[0].indexOf(target));
      if (isExternal(target)) continue;
      const abs = resolve(here, decodeURI(target.split('#')[0]!));
      const problem = !inside(abs) ? 'leaves the repository' : existsSync(abs) ? null : 'link to a missing file';
      if (problem) broken.push({ line: lineOf(text, m.index!), reference: target, problem });
    }
  }
  for (const m of text.matchAll(CLIMBING_PATH)) {
    if (linkTargets.has(m.index!)) continue; // a link target, resolved above
    const path = m[0].replace(/\.+$/, '');
    broken.push({ line: lineOf(text, m.index!), reference: path, problem: 'a path outside the repository' });
  }
  for (const m of text.matchAll(repositoryPath(folders))) {
    const path = m[0].replace(/\.+$/, '');
    if (!existsSync(join(root, path)))
      broken.push({ line: lineOf(text, m.index!), reference: path, problem: 'no such repository path' });
  }
  for (const m of text.matchAll(MARKDOWN_NAME)) {
    const name = m[0];
    if (WRITTEN_FILES.has(name)) continue;
    if (![join(here, name), join(root, name), join(root, 'docs', name)].some((p) => existsSync(p)))
      broken.push({ line: lineOf(text, m.index!), reference: name, problem: 'no such document in the repository' });
  }
  return broken.sort((a, b) => a.line - b.line);
}

describe('documentation links', () => {
  for (const doc of DOCS) {
    it(`${doc} points only at files of the repository`, async () => {
      const text = await readFile(join(ROOT, doc), 'utf8');
      assert.deepEqual(brokenReferences(text, doc), []);
    });
  }

  it('catches a missing link target, a missing path, an unknown document and a path outside', () => {
    const text = [
      'See [the protocol](PROTOCOL.md), [its section](PROTOCOL.md#seeds) and [the site](https://example.org).',
      'Broken: [gone](NOPE.md), [up](../../etc/passwd), `harness/no-such-file.ts`, DESIGN.md,',
      'and ../shared/lo2/FORMAT.md; fine: `harness/sweep/scope.ts`, `test/fixtures/lo2-real/`, report.md.',
      '[ref]: ../README.md',
    ].join('\n');
    assert.deepEqual(
      brokenReferences(text, 'docs/EXAMPLE.md').map((b) => [b.line, b.reference, b.problem]),
      [
        [2, 'NOPE.md', 'link to a missing file'],
        [2, '../../etc/passwd', 'leaves the repository'],
        [2, 'harness/no-such-file.ts', 'no such repository path'],
        [2, 'NOPE.md', 'no such document in the repository'],
        [2, 'DESIGN.md', 'no such document in the repository'],
        [3, '../shared/lo2/FORMAT.md', 'a path outside the repository'],
      ],
    );
  });
});
