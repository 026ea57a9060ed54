/**
 * `runBoard` as `bench board` runs it on a terminal: loaded through `loadTerminalBoard`, with fake
 * TTY streams. CI is set on purpose: Ink then draws nothing until exit unless the loader keeps it
 * out of CI mode (this file must not import Ink before the loader does).
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { fixtureData, type RawRow } from '../helpers/board-fixture.ts';

process.env.CI = 'true';
const { loadTerminalBoard } = await import('../../reports/board/terminal.ts');
const { runBoard } = await loadTerminalBoard();

const delay = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** Just enough of a TTY stdin for Ink (what ink-testing-library's does). */
class FakeStdin extends EventEmitter {
  isTTY = true;
  #data: string | null = null;
  write(data: string) {
    this.#data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read() {
    const d = this.#data;
    this.#data = null;
    return d;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

class FakeStdout extends EventEmitter {
  columns = 80;
  rows = 24;
  output = '';
  write(s: string) {
    this.output += s;
    return true;
  }
}

describe('runBoard', () => {
  for (const [name, key, raw] of [
    ['q', 'q', undefined],
    ['Ctrl-C', '\u0003', undefined],
    ['q on an empty database', 'q', [] as RawRow[]],
  ] as const) {
    it(`resolves when the user presses ${name}`, async () => {
      const { data } = fixtureData(raw ? [...raw] : undefined);
      const stdin = new FakeStdin();
      const stdout = new FakeStdout();
      let quit = false;
      const done = runBoard(data, {
        stdin: stdin as unknown as NodeJS.ReadStream,
        stdout: stdout as unknown as NodeJS.WriteStream,
      }).then(() => {
        quit = true;
      });
      // The first frame says what is being computed; the table follows on the next tick.
      const expected = raw ? /no finished trials yet/ : /event_lr_words/;
      const start = Date.now();
      while (!expected.test(stripVTControlCharacters(stdout.output)) && Date.now() - start < 3_000) await delay(10);
      const output = stripVTControlCharacters(stdout.output);
      assert.match(output, /ranking by F1…/);
      assert.match(output, expected);
      stdin.write('j');
      await delay();
      assert.equal(quit, false, 'still running after j');
      stdin.write(key);
      await Promise.race([done, delay(2000)]);
      assert.equal(quit, true, `${name} quits`);
    });
  }
});
