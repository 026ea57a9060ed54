/**
 * What the store asks of the splits room — a manifest checked before it is stored and after it is
 * read back — with the room loaded on first use: commands that only list trials (`bench ls`,
 * `bench show`) never load the split strategies and the evaluation code behind that door.
 */
import type { Part, SplitManifest } from '../../splits/index.ts';

type SplitsRoom = typeof import('../../splits/index.ts');
let room: SplitsRoom | undefined;

async function splitsRoom(): Promise<SplitsRoom> {
  room ??= await import('../../splits/index.ts');
  return room;
}

/** One row of `split_members`. */
export interface SplitMember {
  run: string;
  part: Part;
}

/** The members of a manifest about to be stored, in part order, after checking the manifest itself. */
export async function manifestMembers(m: SplitManifest): Promise<SplitMember[]> {
  const { PARTS, verifyManifest } = await splitsRoom();
  verifyManifest(m);
  return PARTS.flatMap((part) => m.parts[part].map((run) => ({ run, part })));
}

/**
 * A stored manifest (its JSON) checked against its `split_members` rows and against itself: a
 * database edited by hand or half-migrated must not hand a sweep a split whose parts disagree.
 */
export async function checkedManifest(
  splitId: number,
  json: string,
  members: readonly { run: string; part: string }[],
): Promise<SplitManifest> {
  const { PARTS, verifyManifest } = await splitsRoom();
  const m = JSON.parse(json) as SplitManifest;
  const fromManifest = PARTS.flatMap((p) => m.parts[p].map((run) => `${run}:${p}`)).sort();
  const fromRows = members.map((r) => `${r.run}:${r.part}`).sort();
  if (fromManifest.join('\n') !== fromRows.join('\n')) {
    throw new Error(`split ${splitId}: split_members disagree with the stored manifest`);
  }
  verifyManifest(m);
  return m;
}
