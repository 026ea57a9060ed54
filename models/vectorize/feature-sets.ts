/** Feature-set names: `words`, `trigrams`, `drain`, `numeric`, and combinations joined with `+`. */

/** The parts a feature set is made of, in the order the error message lists them. */
export const FEATURE_PARTS = ['words', 'trigrams', 'drain', 'numeric'] as const;
export type FeaturePart = (typeof FEATURE_PARTS)[number];
export type TokenPart = Exclude<FeaturePart, 'numeric'>;

const isPart = (s: string): s is FeaturePart => (FEATURE_PARTS as readonly string[]).includes(s);

/** True for the parts read from token bags. */
export const isTokenPart = (p: FeaturePart): p is TokenPart => p !== 'numeric';

/**
 * The parts of a feature-set name, in the order written (which is the column order). Throws a
 * TypeError naming the set and the bad part for unknown, empty or repeated parts.
 */
export function parseFeatureSet(name: string): readonly FeaturePart[] {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(
      `feature set '${String(name)}': empty name (expected parts ${FEATURE_PARTS.join(', ')} joined with +)`,
    );
  }
  const parts: FeaturePart[] = [];
  for (const raw of name.split('+')) {
    if (raw === '') throw new TypeError(`feature set '${name}': empty part (expected parts joined with a single +)`);
    if (!isPart(raw)) {
      throw new TypeError(`feature set '${name}': unknown part '${raw}' (expected ${FEATURE_PARTS.join(', ')})`);
    }
    if (parts.includes(raw)) throw new TypeError(`feature set '${name}': part '${raw}' appears twice`);
    parts.push(raw);
  }
  return Object.freeze(parts);
}
