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

// One alternation, one pass. Order matters: uuid before hex/num, ip before num.
// Group 1 = uuid, 2 = ip, 3 = long id-like token (decided in code), 4 = plain number.
const PATTERN =
  /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])|([A-Za-z0-9+/_-]{8,}={0,2})|(?<![A-Za-z0-9_])(\d+(?:\.\d+)?)(?![A-Za-z_])/g;

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
export function classifyToken(tok: string): 'base64' | 'hex' | 'num' | 'path' | 'keep' {
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
  if (digits === tok.length) return 'num';
  if (hex === tok.length && digits > 0 && tok.length >= 8) return 'hex';
  if (tok.endsWith('=') && tok.length >= 12 && upper + lower > 0) return 'base64';
  if (slashes > 0) return 'path'; // masked segment by segment
  if (
    tok.length >= 16 &&
    upper + lower > 0 &&
    !IDENTIFIER.test(tok) &&
    !SNAKE_OR_KEBAB.test(tok) &&
    !CONSTANT_CASE.test(tok)
  ) {
    return 'base64';
  }
  return 'keep';
}

const STANDALONE_NUMBER = /(?<![A-Za-z0-9_])\d+(?![A-Za-z_])/g;

function maskToken(token: string): string {
  const kind = classifyToken(token);
  switch (kind) {
    case 'keep':
      return token.replace(STANDALONE_NUMBER, MASKS.num);
    case 'path':
      return token.split('/').map(maskToken).join('/');
    default:
      return MASKS[kind];
  }
}

function replace(_match: string, uuid?: string, ip?: string, token?: string): string {
  if (uuid !== undefined) return MASKS.uuid;
  if (ip !== undefined) return MASKS.ip;
  if (token !== undefined) return maskToken(token);
  return MASKS.num;
}

/** Masks ids and values in a message. Pure; same input → same output. */
export function normalizeMessage(message: string): string {
  return message.replace(PATTERN, replace);
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
