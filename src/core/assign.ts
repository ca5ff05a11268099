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

/** One member's outcome: placed in a group, or unplaced (no group had room). */
export type PlanEntry = { readonly placed: true; readonly placement: Placement } | { readonly placed: false; readonly memberId: number; readonly email: string };

/**
 * Places members one at a time, in the order given (callers give email order): among the groups
 * linked to the member's other-kind groups that still have room, the least filled (ties: by name);
 * else the least filled group with room (ties: by name); else the member is unplaced. Each
 * placement counts towards the fill of the next decisions. Holds only the groups and links, so a
 * plan over a million members can be streamed (`groups assign --auto`).
 */
export class AssignmentPlanner {
  private readonly groups: readonly PlanGroup[];
  private readonly fillNow: Map<number, number>;
  private readonly linksFrom = new Map<number, Set<number>>();

  constructor(
    groups: readonly PlanGroup[],
    links: readonly PlanLink[],
    private readonly otherNames: ReadonlyMap<number, string>,
  ) {
    this.groups = [...groups].sort(byName);
    this.fillNow = new Map(this.groups.map((g) => [g.id, g.fill]));
    for (const l of links) {
      let s = this.linksFrom.get(l.fromId);
      if (!s) this.linksFrom.set(l.fromId, (s = new Set()));
      s.add(l.toId);
    }
  }

  private hasRoom(g: PlanGroup): boolean {
    return g.capacity === null || (this.fillNow.get(g.id) ?? 0) < g.capacity;
  }

  private leastFilled(candidates: readonly PlanGroup[]): PlanGroup | undefined {
    let best: PlanGroup | undefined;
    for (const g of candidates) {
      // `groups` is already in name order, so the first of equally filled groups wins.
      if (this.hasRoom(g) && (best === undefined || (this.fillNow.get(g.id) ?? 0) < (this.fillNow.get(best.id) ?? 0))) best = g;
    }
    return best;
  }

  place(m: PlanMember): PlanEntry {
    const linked = new Set<number>();
    for (const from of m.otherGroupIds) for (const to of this.linksFrom.get(from) ?? []) linked.add(to);
    let chosen = linked.size > 0 ? this.leastFilled(this.groups.filter((g) => linked.has(g.id))) : undefined;
    let reason: PlacementReason = 'linked';
    let via: string | null = null;
    if (chosen) {
      const target = chosen.id;
      const names = m.otherGroupIds
        .filter((from) => this.linksFrom.get(from)?.has(target))
        .map((from) => this.otherNames.get(from) ?? String(from))
        .sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0));
      via = names[0] ?? null;
    } else {
      chosen = this.leastFilled(this.groups);
      reason = 'least_filled';
    }
    if (!chosen) return { placed: false, memberId: m.id, email: m.email };
    this.fillNow.set(chosen.id, (this.fillNow.get(chosen.id) ?? 0) + 1);
    return { placed: true, placement: { memberId: m.id, email: m.email, groupId: chosen.id, groupName: chosen.name, reason, via } };
  }

  /** Every candidate group's fill before the first placement and now, by name. */
  fill(): GroupFill[] {
    return this.groups.map((g) => ({ groupId: g.id, name: g.name, capacity: g.capacity, before: g.fill, after: this.fillNow.get(g.id) ?? 0 }));
  }
}

/** The order members are placed in: by email, then id. */
export function byEmail(a: { email: string; id: number }, b: { email: string; id: number }): number {
  return a.email < b.email ? -1 : a.email > b.email ? 1 : a.id - b.id;
}

/** The whole plan at once (AssignmentPlanner over the members in email order). */
export function planAssignments(input: PlanInput): AssignmentPlan {
  const planner = new AssignmentPlanner(input.groups, input.links, input.otherNames);
  const placements: Placement[] = [];
  const unplaced: { memberId: number; email: string }[] = [];
  for (const m of [...input.members].sort(byEmail)) {
    const e = planner.place(m);
    if (e.placed) placements.push(e.placement);
    else unplaced.push({ memberId: e.memberId, email: e.email });
  }
  return { placements, unplaced, fill: planner.fill() };
}

/** The reason as the plan table shows it. */
export function describeReason(p: Placement, otherKindLabel = 'practice area'): string {
  return p.reason === 'linked' ? `linked ${otherKindLabel}: ${p.via ?? '?'}` : 'least filled';
}
