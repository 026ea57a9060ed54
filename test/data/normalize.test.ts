import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { CachedNormalizer, classifyToken, normalizeMessage } from '../../harness/data/enhance/normalize.ts';
import { trigrams, words } from '../../harness/data/enhance/tokens.ts';
import { FIELDS, normalizeAscii, normalizeMessages, STRIDE } from '../../harness/data/wasm/log-file.ts';
import { realSamplePath } from '../helpers/fixtures.ts';

describe('normalizeMessage', () => {
  const cases: [string, string][] = [
    ['refreshToken = 96bce40c-3e1e-41df-ac31-34e16e0a46b8 scope = null', 'refreshToken = <UUID> scope = null'],
    ['Load:66c2c2bd', 'Load:<HEX>'],
    [
      'code = keNUio1dQP-rs6SyE15iUw redirectUri = http://localhost:8080/authorization',
      'code = <B64> redirectUri = http://localhost:<NUM>/authorization',
    ],
    [
      'validate( "Basic YzMzNzhkZGEtMjI0Yi00MmM4LWJhYmMtNTQyNWRiNTUxOWMxOlpTc1hWVm5tUmxtUktMcERvcG83elE=", x)',
      'validate( "Basic <B64>", x)',
    ],
    ['connect to 10.0.0.12:5701 took 35 ms', 'connect to <IP>:<NUM> took <NUM> ms'],
    ['normalised = /oauth2/token', 'normalised = /oauth2/token'],
    ['path =/oauth2/refresh_token/d451faed-b048-4c1e-be9d-1e119d56eb56', 'path =/oauth2/refresh_token/<UUID>'],
    ['key-1e119d56-b048-4c1e-be9d-1e119d56eb56x', 'key-<UUID>x'],
    ['path = /oauth2/refresh_token', 'path = /oauth2/refresh_token'],
    [
      'at Oauth2TokenPostHandler.handleRequest(Oauth2TokenPostHandler.java:123)',
      'at Oauth2TokenPostHandler.handleRequest(Oauth2TokenPostHandler.java:<NUM>)',
    ],
    [
      '{"statusCode":404,"code":"ERR12014","message":"CLIENT_NOT_FOUND"}',
      '{"statusCode":<NUM>,"code":"ERR12014","message":"CLIENT_NOT_FOUND"}',
    ],
    ['Config loaded from default folder for status.yml', 'Config loaded from default folder for status.yml'],
  ];
  for (const [input, expected] of cases) {
    it(`masks ${input.slice(0, 50)}`, () => assert.equal(normalizeMessage(input), expected));
  }

  it('keeps code identifiers and masks random 22-char ids', () => {
    assert.equal(classifyToken('Oauth2TokenPostHandler'), 'keep');
    assert.equal(classifyToken('ServiceEndpointMapStore'), 'keep');
    assert.equal(classifyToken('lqjdlXLvSrqVQqgvkNyY7Q'), 'base64');
    assert.equal(classifyToken('d5jwbdppSkizhmi3msZi4Q'), 'base64');
    assert.equal(classifyToken('wwrAauqqRkyhgLqpNjfOdg'), 'base64');
    assert.equal(classifyToken('handleClientCredentials'), 'keep');
    assert.equal(classifyToken('12345'), 'num');
  });

  it('runs in linear time on long lower-case tokens (a backtracking regex took seconds at 40 letters)', {
    timeout: 5_000,
  }, () => {
    for (const n of [40, 200, 5_000]) {
      const token = `${'a'.repeat(n)}-b`;
      assert.equal(classifyToken(token), 'keep');
      assert.equal(normalizeMessage(`x ${token} 7`), `x ${token} <NUM>`);
    }
  });

  // The scans stand in for regular expressions; the expressions stay here as the definition.
  const STANDALONE_NUMBER = /(?<![A-Za-z0-9_])\d+(?![A-Za-z_])/g;
  const IDENTIFIER = /^(?:[A-Z]?[a-z]{2,}\d*)+$/;
  const SNAKE_OR_KEBAB = /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*$/;
  const CONSTANT_CASE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

  it('masks standalone numbers of short tokens as the regular expression does', () => {
    const rng = seedrandom('short tokens');
    const chars = '0123456789aZ_+/-';
    for (let k = 0; k < 20_000; k++) {
      const token = Array.from(
        { length: 1 + Math.floor(rng() * 7) },
        () => chars[Math.floor(rng() * chars.length)],
      ).join('');
      assert.equal(normalizeMessage(token), token.replace(STANDALONE_NUMBER, '<NUM>'), token);
    }
  });

  it('tells code words from ids as the regular expressions do', () => {
    const rng = seedrandom('long tokens');
    // Runs of at most a few letters keep the backtracking expressions fast.
    const styles = [
      ['Abc', 'xyz', 'ab', 'Kjt', '7', 'aeiou'], // CamelCase, some with too few vowels
      ['xyz', 'ab', '_', '-', '42', 'e'], // snake and kebab, some with doubled separators
      ['QR', '_', 'ZZ_9', 'IO'], // CONSTANT_CASE
      ['ab', 'Abc', 'xyz', 'Q', 'QR', '7', '42', '_', '-', 'e', 'IO', 'aeiou', 'ZZ_9'], // anything
    ];
    const vowelShare = (t: string) => (t.match(/[aeiou]/gi)?.length ?? 0) / (t.match(/[a-z]/gi)?.length ?? 1);
    let ids = 0;
    for (let k = 0; k < 20_000; k++) {
      let token = '';
      const parts = styles[k % styles.length]!;
      while (token.length < 16) token += parts[Math.floor(rng() * parts.length)];
      const expected = /^\d+$/.test(token)
        ? 'num'
        : (/[a-z]/i.test(token) &&
              !IDENTIFIER.test(token) &&
              !SNAKE_OR_KEBAB.test(token) &&
              !CONSTANT_CASE.test(token)) ||
            (IDENTIFIER.test(token) && vowelShare(token) < 0.25)
          ? 'base64'
          : 'keep';
      if (/^[0-9a-fA-F]+$/.test(token) && /\d/.test(token)) continue; // hex: another rule
      if (expected === 'base64') ids++;
      assert.equal(classifyToken(token), expected, token);
    }
    assert.ok(ids > 1_000 && ids < 19_000, `both kinds drawn (${ids} ids)`);
  });

  it('the WebAssembly normaliser writes the same bytes: every real message and seeded fuzz', () => {
    const real = readFileSync(realSamplePath(), 'latin1')
      .split('\n')
      .map((l) => l.slice(l.indexOf(' - ') + 3));
    const rng = seedrandom('wasm normaliser');
    const alphabet = 'aeiouAEIObcdxyzQRS0123456789+/_-=.:, ()"<>@#';
    const pieces = [
      ...cases.map(([input]) => input),
      '10.0.0.12',
      '3.5',
      '1.2.3.4.5',
      '.5',
      '==',
      'ab/12/cd=',
      '12ab',
      '_9x',
    ];
    const fuzz = Array.from({ length: 20_000 }, () => {
      let m = '';
      for (let t = 1 + Math.floor(rng() * 10); t > 0; t--) {
        m +=
          rng() < 0.35
            ? pieces[Math.floor(rng() * pieces.length)]
            : Array.from(
                { length: 1 + Math.floor(rng() * 24) },
                () => alphabet[Math.floor(rng() * alphabet.length)],
              ).join('');
      }
      return m;
    });
    for (const m of [...real, ...fuzz]) assert.equal(normalizeAscii(m), normalizeMessage(m), JSON.stringify(m));
  });

  it("numbers a file's distinct normalised messages in order of first appearance, as a Map would", () => {
    const messages = ['Load:66c2c2bd', 'a 1', 'Load:abcdef12', 'b', 'a 22', '', 'b'];
    const text = messages.join('\n');
    const offsets = new Int32Array(messages.length * STRIDE);
    let at = 0;
    messages.forEach((m, i) => {
      offsets[i * STRIDE + FIELDS.message] = at;
      offsets[i * STRIDE + FIELDS.message + 1] = at + m.length;
      at += m.length + 1;
    });
    const bytes = Buffer.from(text, 'latin1');
    const { localMessageId, normalized } = normalizeMessages(bytes, offsets, FIELDS.message, messages.length);
    assert.deepEqual(normalized, ['Load:<HEX>', 'a <NUM>', 'b', '']);
    assert.deepEqual([...localMessageId], [0, 1, 0, 2, 1, 3, 2]);
  });

  it('CachedNormalizer returns what normalizeMessage returns, also past its capacity', () => {
    const n = new CachedNormalizer(2);
    const inputs = ['Load:66c2c2bd', 'a 1', 'b 2', 'Load:66c2c2bd', 'a 1'];
    for (const m of inputs) assert.equal(n.normalize(m), normalizeMessage(m));
  });
});

describe('tokens', () => {
  it('words split on punctuation but keep dotted names and masks', () => {
    assert.deepEqual(words('Unable to load config from externalized folder for status.yml in /config.'), [
      'Unable',
      'to',
      'load',
      'config',
      'from',
      'externalized',
      'folder',
      'for',
      'status.yml',
      'in',
      'config',
    ]);
    assert.deepEqual(words('refreshToken = <UUID> scope = null'), ['refreshToken', '<UUID>', 'scope', 'null']);
    assert.deepEqual(words(''), []);
  });

  it('trigrams slide over the message with collapsed whitespace', () => {
    assert.deepEqual(trigrams('ab  cd'), ['ab ', 'b c', ' cd']);
    assert.deepEqual(trigrams('ab'), ['ab']);
    assert.deepEqual(trigrams(''), []);
  });
});
