import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgress } from '../../harness/cli/progress.ts';

/** A write stream as far as createProgress uses one: what it was sent, a TTY flag, a width. */
function sink(isTTY: boolean, columns = 60) {
  const writes: string[] = [];
  const stream = { isTTY, columns, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('progress', () => {
  it('redraws one line with a bar, counts and ETA on a terminal, cut to its width', () => {
    const { stream, writes } = sink(true, 60);
    const p = createProgress('trials of a-rather-long-experiment-name', stream);
    p.update(5, 20, 'last: event_lr_words F1 0.875');
    p.update(20, 20, 'last: event_oov_words F1 0.667');
    assert.ok(writes.length >= 2);
    for (const w of writes) {
      assert.ok(w.startsWith('\r\x1b[2K['), JSON.stringify(w));
      assert.ok(w.length - '\r\x1b[2K'.length <= 59, `fits 60 columns: ${w.length}`);
    }
    assert.match(writes[0]!, /\[█████···············\] trials of/);
    assert.match(writes.at(-1)!, /\[████████████████████\]/);
    p.finish();
    assert.equal(writes.at(-1), '\r\x1b[2K');
  });

  it('prints plain lines without a terminal, and at most one per few seconds until the end', () => {
    const { stream, writes } = sink(false);
    const p = createProgress('ingest', stream);
    for (let i = 1; i <= 50; i++) p.update(i, 100);
    p.update(100, 100);
    assert.equal(writes.length, 2, writes.join(''));
    assert.match(writes[0]!, /^ingest 1\/100 \(1%\) .*eta .*\n$/);
    assert.match(writes[1]!, /^ingest 100\/100 \(100%\)/);
    assert.ok(writes.every((w) => !w.includes('\r')));
  });
});
