import { hash } from 'node:crypto';
import { refsText, type LookupRefKey } from './lookupRefs.js';
import type { Db } from './openState.js';

/** The lane-0 row of a group: what passing over its findings needs. */
export interface GroupRow {
  digest: string;
  refs: string;
  members: string;
}

/** What a lane records of a group: its digest there, the lookups its findings name and their digest rows. */
export interface GroupRecord {
  gkey: string;
  /** One per lane, in the order of the lanes' jobs. */
  digests: readonly string[];
  refs: readonly LookupRefKey[];
  /** The lane-0 finding_digests row id of each of its findings. */
  members: readonly number[];
}

/**
 * Digests of a parent's findings taken together (migration 18): with a group's row in every
 * lane, a cycle passes over all of its findings at once, from one digest of their text,
 * without reading a finding's head or digest row. The row is kept only while every member's
 * own row is unchanged (the migration's triggers drop it).
 *
 * A lane's digest of a group is `source digest . versions . lane part`: the source's digest
 * of the findings' text, a digest of the versions of the lookups they name (in `refs`'
 * order), and the lane's part (pipeline/findingDigest.ts).
 */
export class GroupDigests {
  private readonly first;
  private readonly other;
  private readonly upsert;

  constructor(
    db: Db,
    private readonly laneJobs: readonly string[],
  ) {
    this.first = db.prepare<[string, string], GroupRow>(`SELECT digest, refs, members FROM group_digests WHERE job = ? AND gkey = ?`);
    this.other = db.prepare<[string, string], string>(`SELECT digest FROM group_digests WHERE job = ? AND gkey = ?`).pluck();
    this.upsert = db.prepare(
      `INSERT INTO group_digests (job, gkey, digest, refs, members, at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(job, gkey) DO UPDATE SET digest = excluded.digest, refs = excluded.refs, members = excluded.members, at = excluded.at`,
    );
  }

  /** The group's lane-0 row, if every lane holds one; `others` gets the other lanes' digests. */
  read(gkey: string, others: string[]): GroupRow | undefined {
    const row = this.first.get(this.laneJobs[0] as string, gkey);
    if (!row) return undefined;
    others.length = 0;
    for (let n = 1; n < this.laneJobs.length; n++) {
      const digest = this.other.get(this.laneJobs[n] as string, gkey) as string | undefined;
      if (digest === undefined) return undefined;
      others.push(digest);
    }
    return row;
  }

  /** Record groups in every lane (call within a transaction). */
  record(groups: readonly GroupRecord[]): void {
    const at = new Date().toISOString();
    for (const g of groups) {
      const refs = refsText(g.refs);
      const members = g.members.join(',');
      for (const [n, job] of this.laneJobs.entries()) this.upsert.run(job, g.gkey, g.digests[n] as string, refs, members, at);
    }
  }
}

/** The finding_digests rows a group row names. */
export function groupMembers(members: string): number[] {
  return members === '' ? [] : members.split(',').map(Number);
}

/** A digest of the versions of a group's lookups, in order. */
export function versionsDigest(refs: readonly LookupRefKey[], version: (ns: string, id: string) => string): string {
  let all = '';
  for (const r of refs) all += `${version(r.ns, r.id)}.`;
  return hash('sha1', all, 'base64');
}
