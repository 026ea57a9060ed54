/**
 * Token features of one normalised message: words and character trigrams. Pure functions,
 * computed once per distinct normalised message (see messages.ts).
 */

// Separators between words: whitespace and punctuation that never carries meaning on its own.
// Dots, dashes and underscores stay inside words (`status.yml`, `refresh_token`), and masks like
// `<NUM>` stay whole.
const WORD_SEPARATORS = /[\s,;:=()[\]{}"'`|/\\!?*&#@$%^~+]+/;

/** Words of a normalised message, in order, with duplicates. Trailing sentence dots are dropped. */
/** Distinct token ids (ascending) with their number of occurrences (in a message, or a sequence). */
export interface TokenBag {
  ids: Int32Array;
  counts: Int32Array;
}

export function words(normalized: string): string[] {
  const out: string[] = [];
  for (const raw of normalized.split(WORD_SEPARATORS)) {
    let w = raw;
    while (w.length > 0 && w.charCodeAt(w.length - 1) === 46 /* . */) w = w.slice(0, -1);
    while (w.length > 0 && (w.charCodeAt(0) === 46 || w.charCodeAt(0) === 45) /* . - */) w = w.slice(1);
    if (w.length > 0) out.push(w);
  }
  return out;
}

/**
 * Character trigrams of a normalised message, in order, with duplicates. Runs of whitespace count
 * as one space so that padding does not create features; messages shorter than 3 characters yield
 * the message itself.
 */
export function trigrams(normalized: string): string[] {
  const s = trigramText(normalized);
  if (s.length < 3) return s.length === 0 ? [] : [s];
  const out = new Array<string>(s.length - 2);
  for (let i = 0; i + 3 <= s.length; i++) out[i] = s.slice(i, i + 3);
  return out;
}

/** The text `trigrams` slides over: runs of whitespace as one space, trimmed. */
export function trigramText(normalized: string): string {
  return normalized.replace(/\s+/g, ' ').trim();
}
