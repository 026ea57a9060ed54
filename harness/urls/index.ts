/**
 * Database URLs as the CLI and the stores read them: whether a store target is PostgreSQL, and the
 * URL without its password (what names its artifacts folder) or with it masked (what every message
 * shows). A room of its own, with no imports, so that `harness/cli/paths.ts` can decide where
 * results live without loading the store.
 */

/** Whether a store target is a PostgreSQL URL (anything else is a SQLite file). */
export const isPostgresUrl = (target: string): boolean => /^postgres(ql)?:\/\//i.test(target);

/** The URL with its password (if any) replaced by `***`: what every message shows. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = '***';
    return u.toString();
  } catch {
    // Not parseable: mask whatever sits between `user:` and `@` in the authority.
    return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
  }
}

/** The URL without its password: what names the store (its artifacts folder) whatever the password. */
export function urlWithoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1@');
  }
}
