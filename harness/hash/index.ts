/**
 * Content keys: stable JSON (object keys sorted) and its sha256, so equal inputs get equal keys
 * whatever order they were built in. At the ground: the cache, split manifests, trial keys and
 * the store all name things by these keys, and none should load more than this to do it.
 */
import { createHash } from 'node:crypto';

/** Stable JSON: object keys sorted, so equal inputs hash equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function hashKey(inputs: unknown): string {
  return createHash('sha256').update(stableStringify(inputs)).digest('hex').slice(0, 32);
}
