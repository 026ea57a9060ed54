/** Trial owners: which process runs a trial, and whether it still lives. */
import { hostname } from 'node:os';

/** This process as a trial owner: `host:pid`. */
export const THIS_OWNER = `${hostname()}:${process.pid}`;

/**
 * Whether the owner of a claimed trial still lives, seen from owner `self`. Only decidable on this
 * host: a trial owned by another machine counts as live (its process may be running there). A
 * recycled pid counts as live too, so at worst a dead process's trial waits for a later rerun, it is
 * never run twice. `self`'s own trials are not live to itself: it left them behind.
 */
export function ownerAlive(owner: string | null, self: string = THIS_OWNER): boolean {
  if (!owner || owner === self) return false;
  const at = owner.lastIndexOf(':');
  if (owner.slice(0, at) !== hostname()) return true;
  try {
    process.kill(Number(owner.slice(at + 1)), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
