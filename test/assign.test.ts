import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planAssignments, type PlanInput } from '../src/core/assign.js';
import { closestName, levenshtein } from '../src/core/suggest.js';

// Working groups 1-4, practice areas 11-13 (names only matter for reasons).
const WG = [
  { id: 1, name: 'Event Planning', capacity: null, fill: 2 },
  { id: 2, name: 'Community Outreach', capacity: 3, fill: 2 },
  { id: 3, name: 'External Collaborations', capacity: null, fill: 1 },
  { id: 4, name: 'Tools and Resources', capacity: 2, fill: 0 },
];
const PA_NAMES = new Map([
  [11, 'Generative AI'],
  [12, 'AI Security'],
  [13, 'Computer Vision'],
]);

function input(members: PlanInput['members'], links: PlanInput['links'] = [], groups: PlanInput['groups'] = WG): PlanInput {
  return { members, groups, links, otherNames: PA_NAMES };
}

describe('planAssignments', () => {
  it('prefers a linked group, else the least filled, and counts each placement for the next', () => {
    const plan = planAssignments(
      input(
        [
          { id: 5, email: 'erin@nasa.gov', otherGroupIds: [] },
          { id: 1, email: 'ann@nih.gov', otherGroupIds: [11] },
          { id: 2, email: 'bob@army.mil', otherGroupIds: [12, 11] },
          { id: 3, email: 'cat@gsa.gov', otherGroupIds: [11] },
          { id: 4, email: 'dan@gsa.gov', otherGroupIds: [13] },
          { id: 6, email: 'fay@nasa.gov', otherGroupIds: [] },
        ],
        [
          { fromId: 11, toId: 4 },
          { fromId: 12, toId: 2 },
          { fromId: 12, toId: 4 },
        ],
      ),
    );
    expect(plan.placements.map((p) => [p.email, p.groupName, p.reason, p.via])).toEqual([
      ['ann@nih.gov', 'Tools and Resources', 'linked', 'Generative AI'],
      // Linked to Community Outreach (2 of 3) and Tools and Resources (1 of 2): the less filled wins;
      // both of bob's practice areas link there, the alphabetically first is named.
      ['bob@army.mil', 'Tools and Resources', 'linked', 'AI Security'],
      // Tools and Resources is now full (2 of 2): the least filled of all with room.
      ['cat@gsa.gov', 'External Collaborations', 'least_filled', null],
      // No link for Computer Vision. Fills now: EP 2, CO 2, EC 2 → ties go to the name.
      ['dan@gsa.gov', 'Community Outreach', 'least_filled', null],
      // CO is full (3 of 3); EP and EC tie at 2: "event" < "external".
      ['erin@nasa.gov', 'Event Planning', 'least_filled', null],
      ['fay@nasa.gov', 'External Collaborations', 'least_filled', null],
    ]);
    expect(plan.unplaced).toEqual([]);
    expect(plan.fill).toEqual([
      { groupId: 2, name: 'Community Outreach', capacity: 3, before: 2, after: 3 },
      { groupId: 1, name: 'Event Planning', capacity: null, before: 2, after: 3 },
      { groupId: 3, name: 'External Collaborations', capacity: null, before: 1, after: 3 },
      { groupId: 4, name: 'Tools and Resources', capacity: 2, before: 0, after: 2 },
    ]);
  });

  it('never exceeds a capacity and lists who fits nowhere', () => {
    const groups = [
      { id: 1, name: 'A', capacity: 1, fill: 0 },
      { id: 2, name: 'B', capacity: 2, fill: 1 },
    ];
    const members = ['d@x.gov', 'c@x.gov', 'b@x.gov', 'a@x.gov'].map((email, i) => ({ id: i + 1, email, otherGroupIds: [] }));
    const plan = planAssignments(input(members, [], groups));
    expect(plan.placements.map((p) => [p.email, p.groupName])).toEqual([
      ['a@x.gov', 'A'],
      ['b@x.gov', 'B'],
    ]);
    expect(plan.unplaced).toEqual([
      { memberId: 2, email: 'c@x.gov' },
      { memberId: 1, email: 'd@x.gov' },
    ]);
  });

  it('places nobody when there is no group', () => {
    const plan = planAssignments(input([{ id: 1, email: 'a@x.gov', otherGroupIds: [] }], [], []));
    expect(plan).toEqual({ placements: [], unplaced: [{ memberId: 1, email: 'a@x.gov' }], fill: [] });
  });

  it('gives the same plan whatever the order of its input, and respects every capacity', () => {
    const arb = fc.record({
      groups: fc.uniqueArray(
        fc.record({ id: fc.integer({ min: 1, max: 8 }), name: fc.constantFrom('Alpha', 'beta', 'Gamma', 'delta', 'Eps'), capacity: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }), fill: fc.integer({ min: 0, max: 3 }) }),
        { selector: (g) => g.id, maxLength: 6 },
      ),
      members: fc.uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 1000 }), email: fc.emailAddress(), otherGroupIds: fc.uniqueArray(fc.integer({ min: 11, max: 13 }), { maxLength: 3 }) }), {
        selector: (m) => m.email,
        maxLength: 30,
      }),
      links: fc.uniqueArray(fc.record({ fromId: fc.integer({ min: 11, max: 13 }), toId: fc.integer({ min: 1, max: 8 }) }), { selector: (l) => `${l.fromId}-${l.toId}`, maxLength: 8 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(arb, ({ groups, members, links, seed }) => {
        const shuffle = <T>(xs: readonly T[]): T[] => {
          const out = [...xs];
          let s = seed >>> 0;
          for (let i = out.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) >>> 0;
            const j = s % (i + 1);
            [out[i], out[j]] = [out[j] as T, out[i] as T];
          }
          return out;
        };
        const a = planAssignments({ groups, members, links, otherNames: PA_NAMES });
        const b = planAssignments({ groups: shuffle(groups), members: shuffle(members), links: shuffle(links), otherNames: PA_NAMES });
        expect(b).toEqual(a);
        for (const f of a.fill) if (f.capacity !== null) expect(f.after).toBeLessThanOrEqual(Math.max(f.capacity, f.before));
        expect(a.placements.length + a.unplaced.length).toBe(members.length);
      }),
      { numRuns: 200, seed: 42 },
    );
  });
});

describe('closestName', () => {
  const names = ['Event Planning', 'Community Outreach', 'External Collaborations', 'Tools and Resources', 'Generative AI', 'AI Security'];
  it.each([
    ['event planing', 'Event Planning'],
    ['EVENT PLANNING', 'Event Planning'],
    ['comunity outreach', 'Community Outreach'],
    ['Tools', 'Tools and Resources'],
    ['generative', 'Generative AI'],
    ['ai securty', 'AI Security'],
    ['Quantum Computing', undefined],
    ['', undefined],
  ])('%s → %s', (input, expected) => {
    expect(closestName(input, names)).toBe(expected);
  });

  it('computes edit distances', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
});
