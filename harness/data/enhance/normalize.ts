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

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHexChar = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isWordChar = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;

/** `s[a, b)` is a UUID: 8-4-4-4-12 hex digits. */
function isUuid(s: string, a: number, b: number): boolean {
  if (b - a !== 36) return false;
  for (let k = 0; k < 36; k++) {
    const c = s.charCodeAt(a + k);
    if (k === 8 || k === 13 || k === 18 || k === 23 ? c !== 45 : !isHexChar(c)) return false;
  }
  return true;
}

// The three code-like shapes below are recognisers of these regular languages, written as scans
// (the normaliser runs on every message; see docs/PERFORMANCE.md):
//   identifier  ^(?:[A-Z]?[a-z]{2,}\d*)+$   CamelCase of words of ≥ 2 lower-case letters, digits may end
//                                           a word, as in `Oauth2TokenPostHandler`
//   snake/kebab ^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*$
//   constant    ^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$
// Random base64 of length ≥ 16 almost never has one of these shapes (≈0.1 % for a 22-char cId), so
// everything else long is an id.

function isIdentifier(s: string, a: number, b: number): boolean {
  let p = a;
  while (p < b) {
    if (isUpper(s.charCodeAt(p))) p++;
    // A maximal run of lower-case letters: splitting it into several words never helps.
    const from = p;
    while (p < b && isLower(s.charCodeAt(p))) p++;
    if (p - from < 2) return false;
    while (p < b && isDigit(s.charCodeAt(p))) p++;
  }
  return b > a;
}

/** `s[a, b)` is `first` then characters of `rest`, with single `separator`s between non-empty parts. */
function isSeparated(
  s: string,
  a: number,
  b: number,
  first: (c: number) => boolean,
  rest: (c: number) => boolean,
  separator: (c: number) => boolean,
): boolean {
  if (b <= a || !first(s.charCodeAt(a))) return false;
  let afterSeparator = false;
  for (let p = a + 1; p < b; p++) {
    const c = s.charCodeAt(p);
    if (separator(c)) {
      if (afterSeparator) return false;
      afterSeparator = true;
    } else if (rest(c)) afterSeparator = false;
    else return false;
  }
  return !afterSeparator;
}

const isLowerOrDigit = (c: number) => isLower(c) || isDigit(c);
const isUpperOrDigit = (c: number) => isUpper(c) || isDigit(c);
const isSnakeSeparator = (c: number) => c === 45 || c === 95 || c === 46;
const isUnderscore = (c: number) => c === 95;

type TokenKind = 'uuid' | 'base64' | 'hex' | 'num' | 'path' | 'keep';

/** What the token `s[a, b)` is; see `classifyToken`. */
function classifyRange(s: string, a: number, b: number): TokenKind {
  const n = b - a;
  if (n === 0) return 'keep';
  let digits = 0;
  let letters = 0;
  let vowels = 0;
  let hex = 0;
  let slashes = 0;
  for (let p = a; p < b; p++) {
    const c = s.charCodeAt(p);
    if (isDigit(c)) digits++;
    else if (isUpper(c) || isLower(c)) {
      letters++;
      const l = c | 32;
      if (l === 97 || l === 101 || l === 105 || l === 111 || l === 117) vowels++;
    } else if (c === 47) slashes++;
    if (isHexChar(c)) hex++;
  }
  if (n === 36 && isUuid(s, a, b)) return 'uuid';
  if (digits === n) return 'num';
  if (hex === n && digits > 0 && n >= 8) return 'hex';
  if (s.charCodeAt(b - 1) === 61 && n >= 12 && letters > 0) return 'base64';
  if (slashes > 0) return 'path'; // masked segment by segment
  if (n >= 16 && letters > 0) {
    const identifier = isIdentifier(s, a, b);
    if (
      !identifier &&
      !isSeparated(s, a, b, isLower, isLowerOrDigit, isSnakeSeparator) &&
      !isSeparated(s, a, b, isUpper, isUpperOrDigit, isUnderscore)
    )
      return 'base64';
    // Random letters are ≈19 % vowels, identifiers ≈35 %: catches cIds that happen to look CamelCase.
    if (identifier && vowels / letters < 0.25) return 'base64';
  }
  return 'keep';
}

/**
 * Decides what a long word-like token is. Random ids (cIds, base64 credentials, hex keys) are
 * masked; code and English words are kept, including CamelCase class names with a digit such as
 * `Oauth2TokenPostHandler` and paths such as `/oauth2/refresh_token`.
 */
export function classifyToken(tok: string): TokenKind {
  return classifyRange(tok, 0, tok.length);
}

const UUID_INSIDE = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const STANDALONE_NUMBER = /(?<![A-Za-z0-9_])\d+(?![A-Za-z_])/g;

/** The masked token `s[a, b)`, or null when masking leaves it as it is. */
function maskToken(s: string, a: number, b: number): string | null {
  const kind = classifyRange(s, a, b);
  switch (kind) {
    case 'keep':
      if (b - a >= 36) {
        // Rare (a long token with a UUID inside): the regular expressions are the definition.
        const token = s.slice(a, b);
        const masked = token.replace(UUID_INSIDE, MASKS.uuid).replace(STANDALONE_NUMBER, MASKS.num);
        return masked === token ? null : masked;
      }
      return maskShort(s, a, b);
    case 'path': {
      let out = '';
      let changed = false;
      let from = a;
      for (let p = a; p <= b; p++) {
        if (p < b && s.charCodeAt(p) !== 47) continue;
        const m = maskToken(s, from, p);
        if (m !== null) changed = true;
        out += (from > a ? '/' : '') + (m ?? s.slice(from, p));
        from = p + 1;
      }
      return changed ? out : null;
    }
    default:
      return MASKS[kind];
  }
}

/**
 * Masks the standalone numbers of a short token (never an id), or returns null when there are
 * none: what `token.replace(/(?<![A-Za-z0-9_])\d+(?![A-Za-z_])/g, '<NUM>')` does, without the
 * regular expression. A digit run right after a letter or `_` stays; one followed by a letter or
 * `_` loses all but its last digit (the backtracking match stops before a digit); others are masked.
 */
function maskShort(s: string, a: number, b: number): string | null {
  let out = '';
  let copied = a;
  let p = a;
  while (p < b) {
    if (!isDigit(s.charCodeAt(p))) {
      p++;
      continue;
    }
    const from = p;
    while (p < b && isDigit(s.charCodeAt(p))) p++;
    const before = from > a ? s.charCodeAt(from - 1) : 32;
    if (isUpper(before) || isLower(before) || before === 95) continue;
    const after = p < b ? s.charCodeAt(p) : 32;
    const end = isUpper(after) || isLower(after) || after === 95 ? p - 1 : p;
    if (end === from) continue;
    out += s.slice(copied, from) + MASKS.num;
    copied = end;
  }
  return copied === a ? null : out + s.slice(copied, b);
}

// Characters of a token: letters, digits and the base64url/path symbols + / _ -.
const TOKEN_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  TOKEN_CHAR[c] = /[A-Za-z0-9+/_-]/.test(ch) ? 1 : 0;
}
const isTokenChar = (c: number) => c < 128 && TOKEN_CHAR[c] === 1;

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
      masked = j - i >= 8 ? maskToken(s, i, end) : maskShort(s, i, end);
    }
    if (masked !== null) {
      out += s.slice(copied, i) + masked;
      copied = end;
    }
    i = end;
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/**
 * `normalizeMessage` behind a bounded exact-match cache. Most raw LO2 messages repeat verbatim
 * (`normalised = /oauth2/token` is ≈30 % of a token log), and a Map lookup is far cheaper than
 * masking the message again. The cache is cleared when full, so memory stays bounded on any input.
 */
export class CachedNormalizer {
  readonly #cache = new Map<string, string>();
  readonly #capacity: number;

  /**
   * @param capacity distinct raw messages kept. @default 4096: the messages that repeat verbatim are
   * few; a larger table mostly holds one-off messages with ids, and its lookups then miss the
   * processor's caches, which made parsing slower per event (docs/PERFORMANCE.md).
   */
  constructor(capacity = 4096) {
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
