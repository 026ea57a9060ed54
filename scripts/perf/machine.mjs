/**
 * How this machine scales two busy threads, apart from our code: a register-bound integer loop and
 * a loop that allocates and touches fresh 8 MB arrays, each alone, then two at once (two worker
 * threads of one process, then two processes). `node scripts/perf/machine.mjs`; docs/PERFORMANCE.md
 * (Sweeps) quotes it. Prints one line per case: milliseconds per copy.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const LOOPS = {
  integer() {
    let a = 1,
      b = 2,
      c = 3,
      d = 4;
    for (let i = 0; i < 4e8; i++) {
      a = (a + i) | 0;
      b = (b ^ i) | 0;
      c = (c + (i << 1)) | 0;
      d = (d ^ (i >> 1)) | 0;
    }
    return a ^ b ^ c ^ d;
  },
  freshPages() {
    let s = 0;
    for (let r = 0; r < 400; r++) {
      const a = new Float64Array(1 << 20);
      for (let i = 0; i < a.length; i += 16) a[i] = i;
      s += a[r];
    }
    return s;
  },
};

const timed = (name) => {
  const t = performance.now();
  LOOPS[name]();
  return Math.round(performance.now() - t);
};

const self = fileURLToPath(import.meta.url);
if (!isMainThread) parentPort.postMessage(timed(workerData));
else if (process.argv[2] === '--one') console.log(timed(process.argv[3]));
else {
  for (const name of Object.keys(LOOPS)) {
    const alone = execFileSync(process.execPath, [self, '--one', name], { encoding: 'utf8' }).trim();
    const threads = await Promise.all(
      [0, 1].map(() => new Promise((res) => new Worker(self, { workerData: name }).on('message', res))),
    );
    const processes = await Promise.all(
      [0, 1].map(
        () =>
          new Promise((res) => {
            let out = '';
            const c = spawn(process.execPath, [self, '--one', name]);
            c.stdout.on('data', (d) => (out += d));
            c.on('close', () => res(out.trim()));
          }),
      ),
    );
    console.log(
      `${name}: alone ${alone} ms; two threads ${threads.join(' / ')} ms; two processes ${processes.join(' / ')} ms`,
    );
  }
}
