/**
 * The auto-assignment planner (SPEC §6): pure and deterministic, so the plan printed before a
 * confirmation is exactly the plan applied, and the same data always gives the same plan.
 */

export interface PlanMember {
  readonly id: number;
  readonly email: string;
  /** The member's groups of the other kind (practice areas when assigning working groups). */
  readonly otherGroupIds: readonly number[];
}

export interface PlanGroup {
  readonly id: number;
  readonly name: string;
  /** Null: no limit. */
  readonly capacity: number | null;
  /** Open assignments of active members now. */
  readonly fill: number;
}

export interface PlanLink {
  /** A group of the other kind (a practice area when assigning working groups). */
  readonly fromId: number;
  /** A group of the kind being assigned. */
  readonly toId: number;
}

export interface PlanInput {
  /** Members to place: active, in no group of the kind being assigned. */
  readonly members: readonly PlanMember[];
  /** Candidate groups (not archived) of the kind being assigned. */
  readonly groups: readonly PlanGroup[];
  readonly links: readonly PlanLink[];
  /** Names of the other kind's groups, for the reasons. */
  readonly otherNames: ReadonlyMap<number, string>;
}

export type PlacementReason = 'linked' | 'least_filled';

export interface Placement {
  readonly memberId: number;
  readonly email: string;
  readonly groupId: number;
  readonly groupName: string;
  readonly reason: PlacementReason;
  /** For `linked`: the member's group (e.g. practice area) whose link chose this group. */
  readonly via: string | null;
}

export interface GroupFill {
  readonly groupId: number;
  readonly name: string;
  readonly capacity: number | null;
  readonly before: number;
  readonly after: number;
}

export interface AssignmentPlan {
  readonly placements: readonly Placement[];
  /** Members no group had room for, by email. */
  readonly unplaced: readonly { readonly memberId: number; readonly email: string }[];
  /** Every candidate group's fill before and after the plan, by name. */
  readonly fill: readonly GroupFill[];
}

/** Name order that does not depend on the locale: case-insensitive, then exact, then id. */
function byName(a: { name: string; id: number }, b: { name: string; id: number }): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id - b.id;
}

/**
 * Places every member (in email order) in one group: among the groups linked to the member's
 * other-kind groups that still have room, the least filled (ties: by name); else the least
 * filled group with room (ties: by name); else the member is unplaced. Each placement counts
 * towards the fill of the next decisions.
 */
export function planAssignments(input: PlanInput): AssignmentPlan {
  const groups = [...input.groups].sort(byName);
  const fill = new Map(groups.map((g) => [g.id, g.fill]));
  const hasRoom = (g: PlanGroup) => g.capacity === null || (fill.get(g.id) ?? 0) < g.capacity;
  const leastFilled = (candidates: readonly PlanGroup[]): PlanGroup | undefined => {
    let best: PlanGroup | undefined;
    for (const g of candidates) {
      // `groups` is already in name order, so the first of equally filled groups wins.
      if (hasRoom(g) && (best === undefined || (fill.get(g.id) ?? 0) < (fill.get(best.id) ?? 0))) best = g;
    }
    return best;
  };
  const linksFrom = new Map<number, Set<number>>();
  for (const l of input.links) {
    let s = linksFrom.get(l.fromId);
    if (!s) linksFrom.set(l.fromId, (s = new Set()));
    s.add(l.toId);
  }
  const members = [...input.members].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : a.id - b.id));
  const placements: Placement[] = [];
  const unplaced: { memberId: number; email: string }[] = [];
  for (const m of members) {
    const linked = new Set<number>();
    for (const from of m.otherGroupIds) for (const to of linksFrom.get(from) ?? []) linked.add(to);
    let chosen = linked.size > 0 ? leastFilled(groups.filter((g) => linked.has(g.id))) : undefined;
    let reason: PlacementReason = 'linked';
    let via: string | null = null;
    if (chosen) {
      const target = chosen.id;
      const names = m.otherGroupIds
        .filter((from) => linksFrom.get(from)?.has(target))
        .map((from) => input.otherNames.get(from) ?? String(from))
        .sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0));
      via = names[0] ?? null;
    } else {
      chosen = leastFilled(groups);
      reason = 'least_filled';
    }
    if (!chosen) {
      unplaced.push({ memberId: m.id, email: m.email });
      continue;
    }
    fill.set(chosen.id, (fill.get(chosen.id) ?? 0) + 1);
    placements.push({ memberId: m.id, email: m.email, groupId: chosen.id, groupName: chosen.name, reason, via });
  }
  return {
    placements,
    unplaced,
    fill: groups.map((g) => ({ groupId: g.id, name: g.name, capacity: g.capacity, before: g.fill, after: fill.get(g.id) ?? 0 })),
  };
}

/** The reason as the plan table shows it. */
export function describeReason(p: Placement, otherKindLabel = 'practice area'): string {
  return p.reason === 'linked' ? `linked ${otherKindLabel}: ${p.via ?? '?'}` : 'least filled';
}
