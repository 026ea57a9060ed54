import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isContinuation, LEVELS, parseLine, parseTimeOfDay } from '../../harness/data/lo2/parse.ts';
import { realSamplePath } from '../helpers/fixtures.ts';

const REAL = realSamplePath();

describe('parseLine on the real LO2 sample', () => {
  const lines = readFileSync(REAL, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);

  it('parses all 22,660 real lines with every field extracted', () => {
    assert.equal(lines.length, 22_660);
    const levels = new Map<string, number>();
    for (const [i, line] of lines.entries()) {
      const p = parseLine(line);
      assert.ok(p.ok, `line ${i + 1} did not parse: ${line}`);
      const { thread, cId, logger, method, message, timeOfDayMs } = p.line;
      assert.ok(
        thread.startsWith('XNIO-1 task-') || thread.startsWith('hz._hzInstance_1_dev'),
        `thread of line ${i + 1}`,
      );
      if (thread.startsWith('XNIO')) assert.match(cId, /^[A-Za-z0-9_-]{22}$/, `cId of line ${i + 1}`);
      else assert.equal(cId, '', `hazelcast line ${i + 1} has no cId`);
      assert.ok(logger.length > 0 && method.length > 0 && message.length > 0, `fields of line ${i + 1}`);
      assert.ok(timeOfDayMs >= 16 * 3_600_000, `time of line ${i + 1}`);
      levels.set(LEVELS[p.line.level]!, (levels.get(LEVELS[p.line.level]!) ?? 0) + 1);
    }
    // FORMAT.md: 61 ERROR lines in this normal file.
    assert.equal(levels.get('ERROR'), 61);
  });

  it('extracts the documented fields of a request line', () => {
    const p = parseLine(
      '16:29:40.209 [XNIO-1 task-2]  lqjdlXLvSrqVQqgvkNyY7Q DEBUG c.n.o.t.h.Oauth2TokenPostHandler handleRefreshToken - refreshToken = 96bce40c-3e1e-41df-ac31-34e16e0a46b8 scope = null',
    );
    assert.deepEqual(p, {
      ok: true,
      line: {
        timeOfDayMs: ((16 * 60 + 29) * 60 + 40) * 1000 + 209,
        thread: 'XNIO-1 task-2',
        cId: 'lqjdlXLvSrqVQqgvkNyY7Q',
        level: LEVELS.indexOf('DEBUG'),
        logger: 'c.n.o.t.h.Oauth2TokenPostHandler',
        method: 'handleRefreshToken',
        message: 'refreshToken = 96bce40c-3e1e-41df-ac31-34e16e0a46b8 scope = null',
      },
    });
  });

  it('reads padded INFO and an empty cId on a Hazelcast thread', () => {
    const p = parseLine(
      '16:29:44.278 [hz._hzInstance_1_dev.partition-operation.thread-5]   ERROR c.n.oauth.cache.ClientMapStore delete - Exception:',
    );
    assert.ok(p.ok);
    assert.equal(p.line.cId, '');
    assert.equal(LEVELS[p.line.level], 'ERROR');
    assert.equal(p.line.message, 'Exception:');
    const info = parseLine(
      '16:29:40.153 [XNIO-1 task-4]  f3ZRcnoES_G80IVuBDezBA INFO  com.networknt.config.Config getConfigStream - Config loaded',
    );
    assert.ok(info.ok);
    assert.equal(LEVELS[info.line.level], 'INFO');
    assert.equal(info.line.logger, 'com.networknt.config.Config');
  });
});

describe('parseLine rejects malformed lines with a reason', () => {
  const cases: [string, string][] = [
    ['no-timestamp', 'hello world'],
    ['no-timestamp', '25:00:00.000 [main]  x DEBUG a b - c'],
    ['bad-thread', '16:29:40.209 XNIO-1 task-2 x DEBUG a b - c'],
    ['bad-thread', '16:29:40.209 [XNIO-1 task-2 x DEBUG a b - c'],
    ['bad-level', '16:29:40.209 [XNIO-1 task-2]  abc LOUD a b - c'],
    ['no-message-separator', '16:29:40.209 [XNIO-1 task-2]  abc DEBUG logger method message'],
  ];
  for (const [reason, line] of cases) {
    it(`${reason}: ${line.slice(0, 40)}`, () => {
      assert.deepEqual(parseLine(line), { ok: false, reason });
    });
  }
});

describe('helpers', () => {
  it('parseTimeOfDay accepts HH:mm:ss.SSS only', () => {
    assert.equal(parseTimeOfDay('00:00:00.000'), 0);
    assert.equal(parseTimeOfDay('23:59:59.999 x'), 86_399_999);
    assert.equal(parseTimeOfDay('23:60:00.000'), -1);
    assert.equal(parseTimeOfDay('1:00:00.000'), -1);
  });

  it('isContinuation recognises stack frames and exception headers only', () => {
    assert.equal(isContinuation('\tat com.networknt.Foo.bar(Foo.java:12)'), true);
    assert.equal(isContinuation('\t... 12 more'), true);
    assert.equal(isContinuation('com.networknt.exception.ApiException: {"statusCode":404}'), true);
    assert.equal(isContinuation('java.lang.NullPointerException'), true);
    assert.equal(isContinuation('Caused by: java.io.IOException: boom'), true);
    assert.equal(isContinuation('16:29:40.209 [XNIO-1 task-2]  x DEBUG a b - c'), false);
    assert.equal(isContinuation('garbage line: nothing'), false);
  });
});
