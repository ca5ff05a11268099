/**
 * A member's import print (migration 023): a 53-bit hash of the values a roster row can set on
 * an existing member — first and last name, agency as reported, member type, job title, role
 * track — and the ids of the groups the member is open in. The join date is stored beside it,
 * not hashed, so that a row without one still matches. Pure.
 *
 * What it buys: an import computes the print of each incoming row as if every value it names
 * were already the member's; when that equals the member's stored print (and the join date
 * agrees), applying the row would change nothing, so the row is 'unchanged' without reading the
 * member. The converse need not hold: a row that leaves a value out (null: "keep it") hashes a
 * stand-in for it — the value a new member would have been given — and when the member's value is
 * another, the prints differ and the row takes the full comparison, which also finds it
 * unchanged. Only equal prints skip work, and two different sets of values share a print with
 * a probability of about 2⁻⁵³ per row.
 */
export interface PrintFields {
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly reported_agency: string | null;
  readonly member_type: string;
  readonly job_title: string | null;
  readonly role_track: string | null;
}

/** The print of these values and open groups (any order, repeats ignored). */
export function memberPrint(f: PrintFields, groupIds: readonly number[]): number {
  return printOf(f.first_name, f.last_name, f.reported_agency, f.member_type, f.job_title, f.role_track, groupIds);
}

/** memberPrint with the values one by one (an import computes one per row: no object or text to build). */
export function printOf(
  firstName: string | null,
  lastName: string | null,
  reportedAgency: string | null,
  memberType: string,
  jobTitle: string | null,
  roleTrack: string | null,
  groupIds: readonly number[],
): number {
  // cyrb53's two lanes (public domain, bryc) fed a sequence of numbers that no two different sets
  // of values share: each value's length + 1 (0 for null) before its UTF-16 code units, then the
  // number of groups and their ids in ascending order, repeats dropped.
  const h: [number, number] = [0xdeadbeef, 0x41c6ce57];
  feedText(h, firstName);
  feedText(h, lastName);
  feedText(h, reportedAgency);
  feedText(h, memberType);
  feedText(h, jobTitle);
  feedText(h, roleTrack);
  const ids = groupIds.length > 1 ? [...new Set(groupIds)].sort((a, b) => a - b) : groupIds;
  feed(h, ids.length);
  for (const id of ids) feed(h, id);
  let h1 = h[0];
  let h2 = h[1];
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function feed(h: [number, number], c: number): void {
  h[0] = Math.imul(h[0] ^ c, 2654435761);
  h[1] = Math.imul(h[1] ^ c, 1597334677);
}

function feedText(h: [number, number], v: string | null): void {
  if (v === null) {
    feed(h, 0);
    return;
  }
  feed(h, v.length + 1);
  let h1 = h[0];
  let h2 = h[1];
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h[0] = h1;
  h[1] = h2;
}
