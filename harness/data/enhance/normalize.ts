/**
 * Message normalisation: masks the variable parts of an LO2 message (ids, uuids, base64 cIds and
 * credentials, numbers, hex, IPs) so that messages that differ only in values become one string.
 * Normalised messages repeat enormously, so everything downstream is computed per distinct
 * normalised message (see messages.ts).
 */

export const MASKS = {
  uuid: '<UUID>',
  ip: '<IP>',
  base64: '<B64>',
  hex: '<HEX>',
  num: '<NUM>',
} as const;

function vowelShare(tok: string): number {
  let vowels = 0;
  let letters = 0;
  for (const ch of tok.toLowerCase()) {
    if (ch >= 'a' && ch <= 'z') {
      letters++;
      if ('aeiou'.includes(ch)) vowels++;
    }
  }
  return letters === 0 ? 0 : vowels / letters;
}

function isHexChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

// Code-like words: CONSTANT_CASE, CamelCase made of words of ≥ 2 lower-case letters (digits may end a word,
// as in `Oauth2TokenPostHandler`), or lower-case snake/kebab case. Random base64 of length ≥ 16
// almost never has this shape (≈0.1 % for a 22-char cId), so everything else long is an id.
const IDENTIFIER = /^(?:[A-Z]?[a-z]{2,}\d*)+$/;
const SNAKE_OR_KEBAB = /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*$/;
const CONSTANT_CASE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/**
 * Decides what a long word-like token is. Random ids (cIds, base64 credentials, hex keys) are
 * masked; code and English words are kept, including CamelCase class names with a digit such as
 * `Oauth2TokenPostHandler` and paths such as `/oauth2/refresh_token`.
 */
export function classifyToken(tok: string): 'uuid' | 'base64' | 'hex' | 'num' | 'path' | 'keep' {
  let digits = 0;
  let upper = 0;
  let lower = 0;
  let hex = 0;
  let slashes = 0;
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c === 47) slashes++;
    if (isHexChar(c)) hex++;
  }
  if (tok.length === 0) return 'keep';
  if (tok.length === 36 && UUID.test(tok)) return 'uuid';
  if (digits === tok.length) return 'num';
  if (hex === tok.length && digits > 0 && tok.length >= 8) return 'hex';
  if (tok.endsWith('=') && tok.length >= 12 && upper + lower > 0) return 'base64';
  if (slashes > 0) return 'path'; // masked segment by segment
  if (tok.length >= 16 && upper + lower > 0) {
    if (!IDENTIFIER.test(tok) && !SNAKE_OR_KEBAB.test(tok) && !CONSTANT_CASE.test(tok)) return 'base64';
    // Random letters are ≈19 % vowels, identifiers ≈35 %: catches cIds that happen to look CamelCase.
    if (IDENTIFIER.test(tok) && vowelShare(tok) < 0.25) return 'base64';
  }
  return 'keep';
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const UUID_INSIDE = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const STANDALONE_NUMBER = /(?<![A-Za-z0-9_])\d+(?![A-Za-z_])/g;

function maskToken(token: string): string {
  const kind = classifyToken(token);
  switch (kind) {
    case 'keep':
      return maskShort(token.length >= 36 ? token.replace(UUID_INSIDE, MASKS.uuid) : token);
    case 'path':
      return token.split('/').map(maskToken).join('/');
    default:
      return MASKS[kind];
  }
}

// Characters of a token: letters, digits and the base64url/path symbols + / _ -.
const TOKEN_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  TOKEN_CHAR[c] = /[A-Za-z0-9+/_-]/.test(ch) ? 1 : 0;
}
const isTokenChar = (c: number) => c < 128 && TOKEN_CHAR[c] === 1;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordChar = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** End of an IPv4 address `d{1,3}(.d{1,3}){3}` starting at `i`, or -1. */
function ipEnd(s: string, i: number): number {
  let p = i;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (s.charCodeAt(p) !== 46) return -1;
      p++;
    }
    const from = p;
    while (p < s.length && p - from < 4 && isDigit(s.charCodeAt(p))) p++;
    if (p === from || p - from > 3) return -1;
  }
  const after = s.charCodeAt(p);
  return isWordChar(after) || after === 46 ? -1 : p;
}

/** End of a decimal `d+.d+` starting at `i` (i is at a digit), or -1. */
function decimalEnd(s: string, i: number): number {
  let p = i;
  while (isDigit(s.charCodeAt(p))) p++;
  if (s.charCodeAt(p) !== 46 || !isDigit(s.charCodeAt(p + 1))) return -1;
  p++;
  while (isDigit(s.charCodeAt(p))) p++;
  const after = s.charCodeAt(p);
  return isWordChar(after) && !isDigit(after) ? -1 : p;
}

/**
 * Masks ids and values in a message. Pure; same input → same output. One left-to-right scan over
 * token runs (letters, digits, + / _ -, with up to two `=` of base64 padding), each classified by
 * `classifyToken`; IPv4 addresses and decimals are recognised at digit runs.
 */
export function normalizeMessage(message: string): string {
  const s = message;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (!isTokenChar(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    let hasDigit = isDigit(c);
    while (j < s.length) {
      const d = s.charCodeAt(j);
      if (!isTokenChar(d)) break;
      if (isDigit(d)) hasDigit = true;
      j++;
    }
    // Fast path, most words: without a digit, padding or 16+ characters no rule can mask a token.
    if (!hasDigit && j - i < 16 && s.charCodeAt(j) !== 61) {
      i = j;
      continue;
    }
    let masked: string | null = null;
    let end = j;
    const before = i > 0 ? s.charCodeAt(i - 1) : 32;
    if (isDigit(c) && s.charCodeAt(j) === 46 && !isWordChar(before)) {
      // 10.0.0.12 or 3.5: the token run stopped at a dot.
      const ip = before === 46 ? -1 : ipEnd(s, i);
      if (ip > 0) {
        masked = MASKS.ip;
        end = ip;
      } else {
        const dec = decimalEnd(s, i);
        if (dec > 0 && dec >= j) {
          masked = MASKS.num;
          end = dec;
        }
      }
    }
    if (masked === null) {
      if (j - i >= 8) {
        // base64 padding belongs to the token
        while (end < s.length && end - j < 2 && s.charCodeAt(end) === 61) end++;
      }
      const token = s.slice(i, end);
      const m = j - i >= 8 ? maskToken(token) : maskShort(token);
      if (m !== token) masked = m;
    }
    if (masked !== null) {
      out += s.slice(copied, i) + masked;
      copied = end;
    }
    i = end;
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/** Tokens under 8 characters are never ids: only their standalone numbers are masked. */
function maskShort(token: string): string {
  for (let k = 0; k < token.length; k++) {
    if (isDigit(token.charCodeAt(k))) return token.replace(STANDALONE_NUMBER, MASKS.num);
  }
  return token;
}

/**
 * `normalizeMessage` behind a bounded exact-match cache. Most raw LO2 messages repeat verbatim
 * (`normalised = /oauth2/token` is ≈30 % of a token log), and a Map lookup is ≈10× cheaper than
 * the masking regex. The cache is cleared when full, so memory stays bounded on any input.
 */
export class CachedNormalizer {
  readonly #cache = new Map<string, string>();
  readonly #capacity: number;

  /** @param capacity distinct raw messages kept. @default 65536 */
  constructor(capacity = 65_536) {
    this.#capacity = capacity;
  }

  normalize(message: string): string {
    let normalized = this.#cache.get(message);
    if (normalized === undefined) {
      normalized = normalizeMessage(message);
      if (this.#cache.size >= this.#capacity) this.#cache.clear();
      this.#cache.set(message, normalized);
    }
    return normalized;
  }
}
