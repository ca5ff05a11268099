import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { CliContext } from '../src/cli/context.js';
import { main } from '../src/cli/main.js';
import { scriptedPrompter } from '../src/cli/prompter.js';
import { assignOptionsFrom } from '../src/cli/commands/groups/assign.js';
import { AUTO_ASSIGN_PAGE, closeAssignment, loadAutoAssignGroups, loadGroups, openAssignment } from '../src/db/groups-repo.js';
import { planAssignments } from '../src/core/assign.js';
import { DEFAULT_NOW, ROOT, dumpTables, openDb, spawnAicop, tempDb } from './helpers.js';

interface FixtureMember {
  readonly email: string;
  readonly joined?: string;
  readonly left?: string;
  /** Group names the member is in now (source import, since joined). */
  readonly groups?: readonly string[];
}

/** Members are imported by another part of aicop: tests insert them directly. */
function addMembers(dbPath: string, members: readonly FixtureMember[]): void {
  const db = openDb(dbPath);
  try {
    const insert = db.prepare(
      `INSERT INTO members (email, domain, member_type, joined_on, left_on, created_at, updated_at)
       VALUES (?, ?, 'employee', ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
    );
    const assign = db.prepare(
      `INSERT INTO assignments (member_id, group_id, assigned_on, source)
       VALUES (?, (SELECT id FROM groups WHERE name = ? COLLATE NOCASE), ?, 'import')`,
    );
    db.transaction(() => {
      for (const m of members) {
        const joined = m.joined ?? '2025-01-15';
        const id = Number(insert.run(m.email, m.email.split('@')[1], joined, m.left ?? null).lastInsertRowid);
        for (const g of m.groups ?? []) assign.run(id, g, joined);
      }
    })();
  } finally {
    db.close();
  }
}

function assignments(dbPath: string): unknown[] {
  const db = openDb(dbPath);
  try {
    return db
      .prepare(
        `SELECT m.email, g.name AS grp, a.assigned_on, a.removed_on, a.source FROM assignments a
         JOIN members m ON m.id = a.member_id JOIN groups g ON g.id = a.group_id ORDER BY a.id`,
      )
      .all();
  } finally {
    db.close();
  }
}

async function fresh(members: readonly FixtureMember[] = []) {
  const t = tempDb();
  expect((await t.run(['init'])).code).toBe(0);
  addMembers(t.dbPath, members);
  return t;
}

const WRITE_TABLES = ['groups', 'group_links', 'assignments', 'members'];

describe('the repository API the roster importer uses', () => {
  it('loads groups, opens one assignment per member and group, closes it keeping history', async () => {
    const t = await fresh([{ email: 'ann@nih.gov' }]);
    const db = openDb(t.dbPath);
    try {
      db.prepare("UPDATE groups SET archived_on = '2026-01-01' WHERE name = 'Computer Vision'").run();
      const groups = loadGroups(db);
      expect(groups.map((g) => `${g.kind}:${g.name}`)).toEqual([
        'working_group:Community Outreach',
        'working_group:Event Planning',
        'working_group:External Collaborations',
        'working_group:Tools and Resources',
        'practice_area:AI Security',
        'practice_area:Generative AI',
        'practice_area:Natural Language Processing',
        'practice_area:Reinforcement Learning',
      ]);
      const ep = groups[1]!;
      expect(ep).toEqual({ id: ep.id, name: 'Event Planning', kind: 'working_group', capacity: null });
      const first = openAssignment(db, { memberId: 1, groupId: ep.id, on: '2026-02-01', source: 'import' });
      expect(first).toBe(1);
      expect(openAssignment(db, { memberId: 1, groupId: ep.id, on: '2026-03-01', source: 'manual' })).toBeNull();
      // Closing before the opening day clamps to the opening day (removed_on >= assigned_on).
      expect(closeAssignment(db, { memberId: 1, groupId: ep.id, on: '2026-01-15' })).toBe(true);
      expect(closeAssignment(db, { memberId: 1, groupId: ep.id, on: '2026-04-01' })).toBe(false);
      expect(openAssignment(db, { memberId: 1, groupId: ep.id, on: '2026-05-01', source: 'auto', batchId: null })).toBe(2);
      expect(db.prepare('SELECT id, assigned_on, removed_on, source FROM assignments ORDER BY id').raw().all()).toEqual([
        [1, '2026-02-01', '2026-02-01', 'import'],
        [2, '2026-05-01', null, 'auto'],
      ]);
    } finally {
      db.close();
    }
  });
});

describe('groups list and add', () => {
  it('lists the nine built-in groups with their current members, as CSV when piped', async () => {
    const t = await fresh([
      { email: 'ann@nih.gov', groups: ['Generative AI', 'Event Planning'] },
      { email: 'bob@nasa.gov', groups: ['generative ai'] },
      { email: 'old@nasa.gov', left: '2026-06-30', groups: ['Event Planning'] },
      { email: 'soon@nasa.gov', left: '2026-12-31', groups: ['Event Planning'] },
    ]);
    const r = await t.run(['groups', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'kind,name,members,capacity,description',
        'working_group,Community Outreach,0,,',
        'working_group,Event Planning,2,,',
        'working_group,External Collaborations,0,,',
        'working_group,Tools and Resources,0,,',
        'practice_area,AI Security,0,,',
        'practice_area,Computer Vision,0,,',
        'practice_area,Generative AI,2,,',
        'practice_area,Natural Language Processing,0,,',
        'practice_area,Reinforcement Learning,0,,',
        '',
      ].join('\n'),
    );
  });

  it('adds a group with capacity and description and lists it with --kind as JSON', async () => {
    const t = await fresh();
    const r = await t.run(['groups', 'add', '  Data  Governance ', '--kind', 'working_group', '--capacity', '2', '--description', 'policy and stewardship']);
    expect(r).toMatchObject({ code: 0, stdout: 'Data Governance\n', stderr: "added working group 'Data Governance' with capacity 2\n" });
    const l = await t.run(['--format', 'json', 'groups', 'list', '--kind', 'working_group']);
    expect(JSON.parse(l.stdout)[1]).toEqual({ kind: 'working_group', name: 'Data Governance', members: 0, capacity: 2, description: 'policy and stewardship' });
    expect(JSON.parse(l.stdout)).toHaveLength(5);
  });

  it('refuses a name in use (any case), a bad capacity and a missing --kind without a terminal, changing nothing', async () => {
    const t = await fresh();
    const before = dumpTables(t.dbPath, WRITE_TABLES);
    const dup = await t.run(['groups', 'add', 'event planning', '--kind', 'working_group']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toBe("aicop: error: a group named 'Event Planning' already exists (working group)\n  choose another name; see them with: aicop groups list\n");
    const cap = await t.run(['groups', 'add', 'X', '--kind', 'working_group', '--capacity', '0']);
    expect(cap.code).toBe(2);
    expect(cap.stderr).toContain("error: option '--capacity <n>' argument '0' is invalid. expected a whole number of members, 1 or more");
    const kind = await t.run(['groups', 'add', 'Robotics']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toBe(
      "aicop: error: which kind of group 'Robotics' is: pass --kind working_group|practice_area (no prompt without a terminal, with --yes or when CI is set)\n",
    );
    expect(dumpTables(t.dbPath, WRITE_TABLES)).toBe(before);
  });

  it('asks for the kind on a terminal', async () => {
    const t = await fresh();
    const r = await t.run(['groups', 'add', 'Robotics'], { tty: true, answers: ['practice area'] });
    expect(r.code).toBe(0);
    expect(r.asked).toEqual([{ kind: 'select', message: "Kind of group 'Robotics'", choices: ['working group', 'practice area'] }]);
    const db = openDb(t.dbPath);
    expect(db.prepare("SELECT kind, capacity, builtin, archived_on FROM groups WHERE name = 'Robotics'").get()).toEqual({ kind: 'practice_area', capacity: null, builtin: 0, archived_on: null });
    db.close();
  });
});

describe('groups remove', () => {
  it('refuses a built-in group', async () => {
    const t = await fresh();
    const r = await t.run(['--yes', 'groups', 'remove', 'Event Planning']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("aicop: error: 'Event Planning' is a built-in working group of the CoP and cannot be removed\n  only groups added with aicop groups add can be removed\n");
  });

  it('needs --yes for a group with members, then archives it and ends its assignments, keeping history', async () => {
    const t = await fresh([{ email: 'ann@nih.gov' }]);
    await t.run(['groups', 'add', 'Data Governance', '--kind', 'working_group']);
    expect((await t.run(['groups', 'assign', '--member', 'ann@nih.gov', '--group', 'data governance'])).code).toBe(0);
    const before = dumpTables(t.dbPath, WRITE_TABLES);
    const refused = await t.run(['groups', 'remove', 'Data Governance']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "aicop: error: 'Data Governance' has 1 active member; removing it ends their assignments: pass --yes (no prompt without a terminal, with --yes or when CI is set)\n",
    );
    const declined = await t.run(['groups', 'remove', 'Data Governance'], { tty: true, answers: [false] });
    expect(declined.code).toBe(2);
    expect(declined.stderr).toBe('aicop: cancelled; nothing was changed\n');
    expect(dumpTables(t.dbPath, WRITE_TABLES)).toBe(before);

    const r = await t.run(['groups', 'remove', 'data governance', '--yes'], { now: '2026-12-01T09:00:00Z' });
    expect(r).toMatchObject({ code: 0, stdout: 'Data Governance\n', stderr: "removed working group 'Data Governance' on 2026-12-01; ended 1 assignment (history kept)\n" });
    expect(assignments(t.dbPath)).toEqual([{ email: 'ann@nih.gov', grp: 'Data Governance', assigned_on: '2026-11-23', removed_on: '2026-12-01', source: 'manual' }]);
    expect((await t.run(['groups', 'list'])).stdout).not.toContain('Data Governance');
    expect((await t.run(['groups', 'list', '--all'])).stdout).toContain('working_group,Data Governance,0,,,2026-12-01\n');
    const again = await t.run(['groups', 'assign', '--member', 'ann@nih.gov', '--group', 'Data Governance']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe("aicop: error: group 'Data Governance' was removed (archived) on 2026-12-01\n  see the current groups with: aicop groups list\n");
    const history = await t.run(['groups', 'members', 'Data Governance', '--history']);
    expect(history.stdout).toBe('email,first_name,last_name,assigned_on,source,removed_on\nann@nih.gov,,,2026-11-23,manual,2026-12-01\n');
  });
});

describe('groups assign (manual) and unassign', () => {
  it('assigns, says so when already assigned, ends with unassign and opens a new row on re-assign', async () => {
    const t = await fresh([{ email: 'ann@nih.gov' }]);
    const a = await t.run(['groups', 'assign', '--member', ' Ann@NIH.gov. ', '--group', 'event planning', '--group', 'AI Security']);
    expect(a).toMatchObject({ code: 0, stdout: '', stderr: "assigned ann@nih.gov to 'Event Planning' on 2026-11-23\nassigned ann@nih.gov to 'AI Security' on 2026-11-23\n" });
    const again = await t.run(['groups', 'assign', '--member', 'ann@nih.gov', '--group', 'Event Planning'], { now: '2026-11-30T12:00:00Z' });
    expect(again).toMatchObject({ code: 0, stderr: "ann@nih.gov is already in 'Event Planning' (since 2026-11-23); nothing changed\n" });
    const u = await t.run(['groups', 'unassign', '--member', 'ann@nih.gov', '--group', 'Event Planning'], { now: '2026-12-05T12:00:00Z' });
    expect(u).toMatchObject({ code: 0, stderr: "unassigned ann@nih.gov from 'Event Planning' on 2026-12-05 (history kept)\n" });
    const u2 = await t.run(['groups', 'unassign', '--member', 'ann@nih.gov', '--group', 'Event Planning'], { now: '2026-12-05T12:00:00Z' });
    expect(u2).toMatchObject({ code: 0, stderr: "ann@nih.gov is not in 'Event Planning'; nothing changed\n" });
    await t.run(['groups', 'assign', '--member', 'ann@nih.gov', '--group', 'Event Planning'], { now: '2027-01-10T12:00:00Z' });
    expect(assignments(t.dbPath)).toEqual([
      { email: 'ann@nih.gov', grp: 'Event Planning', assigned_on: '2026-11-23', removed_on: '2026-12-05', source: 'manual' },
      { email: 'ann@nih.gov', grp: 'AI Security', assigned_on: '2026-11-23', removed_on: null, source: 'manual' },
      { email: 'ann@nih.gov', grp: 'Event Planning', assigned_on: '2027-01-10', removed_on: null, source: 'manual' },
    ]);
    const h = await t.run(['groups', 'members', 'Event Planning', '--history']);
    expect(h.stdout).toBe(
      'email,first_name,last_name,assigned_on,source,removed_on\nann@nih.gov,,,2026-11-23,manual,2026-12-05\nann@nih.gov,,,2027-01-10,manual,\n',
    );
  });

  it('suggests the closest group or member name for unknown ones (exit 2, nothing changed)', async () => {
    const t = await fresh([{ email: 'jane.doe@nih.gov' }, { email: 'ann@nih.gov' }]);
    const before = dumpTables(t.dbPath, WRITE_TABLES);
    const g = await t.run(['groups', 'assign', '--member', 'jane.doe@nih.gov', '--group', 'Event Planing']);
    expect(g.code).toBe(2);
    expect(g.stderr).toBe("aicop: error: no group named 'Event Planing' (did you mean 'Event Planning'?)\n  see them all with: aicop groups list\n");
    const m = await t.run(['groups', 'assign', '--member', 'jane.deo@nih.gov', '--group', 'Event Planning']);
    expect(m.code).toBe(2);
    expect(m.stderr).toBe("aicop: error: no member with email 'jane.deo@nih.gov' (did you mean 'jane.doe@nih.gov'?)\n  see them with: aicop members list --search <text>\n");
    const d = await t.run(['groups', 'unassign', '--member', 'jane.doe@nhi.gov', '--group', 'Event Planning']);
    expect(d.stderr).toBe("aicop: error: no member with email 'jane.doe@nhi.gov' (did you mean 'jane.doe@nih.gov'?)\n  see them with: aicop members list --search <text>\n");
    const far = await t.run(['groups', 'members', 'Quantum']);
    expect(far.stderr).toBe("aicop: error: no group named 'Quantum'\n  see them all with: aicop groups list\n");
    expect(dumpTables(t.dbPath, WRITE_TABLES)).toBe(before);
  });

  it('refuses a full group naming its capacity, and an inactive member, changing nothing', async () => {
    const t = await fresh([{ email: 'ann@nih.gov' }, { email: 'bob@nih.gov' }, { email: 'gone@nih.gov', left: '2026-03-01' }]);
    await t.run(['groups', 'add', 'Data Governance', '--kind', 'working_group', '--capacity', '1']);
    expect((await t.run(['groups', 'assign', '--member', 'ann@nih.gov', '--group', 'Data Governance'])).code).toBe(0);
    const before = dumpTables(t.dbPath, WRITE_TABLES);
    // Two groups in one command: the first would fit, the second is full, so neither is applied.
    const full = await t.run(['groups', 'assign', '--member', 'bob@nih.gov', '--group', 'Event Planning', '--group', 'Data Governance']);
    expect(full.code).toBe(2);
    expect(full.stderr).toBe(
      "aicop: error: group 'Data Governance' is full: 1 active members, capacity 1; nothing was changed\n  unassign someone first (aicop groups unassign --member <email> --group 'Data Governance') or choose another group\n",
    );
    const gone = await t.run(['groups', 'assign', '--member', 'gone@nih.gov', '--group', 'Event Planning']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toBe(
      'aicop: error: member gone@nih.gov left on 2026-03-01; only active members join groups\n  reactivate them first, e.g. re-import them or run: aicop members update gone@nih.gov\n',
    );
    expect(dumpTables(t.dbPath, WRITE_TABLES)).toBe(before);
  });

  it('names the missing flags without a terminal', async () => {
    const t = await fresh([{ email: 'ann@nih.gov' }]);
    expect((await t.run(['groups', 'assign'])).stderr).toBe(
      'aicop: error: which member goes in which group: pass --member <email> --group <name> (no prompt without a terminal, with --yes or when CI is set)\n',
    );
    expect((await t.run(['groups', 'assign', '--member', 'ann@nih.gov'])).stderr).toBe(
      'aicop: error: which member goes in which group: pass --group <name> (no prompt without a terminal, with --yes or when CI is set)\n',
    );
    const combo = await t.run(['groups', 'assign', '--auto', '--member', 'ann@nih.gov']);
    expect(combo.code).toBe(2);
    expect(combo.stderr).toBe('aicop: error: --auto places every member without a group; it cannot be combined with --member, --group or --interactive\n');
    const kind = await t.run(['groups', 'assign', '--auto', '--kind', 'teams']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain("argument 'teams' is invalid. expected working_group or practice_area");
  });
});

describe('groups assign --interactive', () => {
  it('pre-ticks the current groups and applies the difference', async () => {
    const t = await fresh([{ email: 'ann@nih.gov', groups: ['Event Planning', 'Generative AI'] }]);
    const r = await t.run(['groups', 'assign', '--interactive', '--member', 'ann@nih.gov'], {
      tty: true,
      answers: [['Generative AI', 'Tools and Resources', 'AI Security']],
    });
    expect(r.code).toBe(0);
    expect(r.asked).toEqual([
      {
        kind: 'checkbox',
        message: 'Groups of ann@nih.gov (space toggles, enter applies)',
        choices: ['Community Outreach', 'Event Planning', 'External Collaborations', 'Tools and Resources', 'AI Security', 'Computer Vision', 'Generative AI', 'Natural Language Processing', 'Reinforcement Learning'],
      },
    ]);
    expect(r.stderr).toBe(
      [
        "unassigned ann@nih.gov from 'Event Planning' on 2026-11-23 (history kept)",
        "assigned ann@nih.gov to 'Tools and Resources' on 2026-11-23",
        "assigned ann@nih.gov to 'AI Security' on 2026-11-23",
        '',
      ].join('\n'),
    );
    expect(assignments(t.dbPath)).toEqual([
      { email: 'ann@nih.gov', grp: 'Event Planning', assigned_on: '2025-01-15', removed_on: '2026-11-23', source: 'import' },
      { email: 'ann@nih.gov', grp: 'Generative AI', assigned_on: '2025-01-15', removed_on: null, source: 'import' },
      { email: 'ann@nih.gov', grp: 'Tools and Resources', assigned_on: '2026-11-23', removed_on: null, source: 'manual' },
      { email: 'ann@nih.gov', grp: 'AI Security', assigned_on: '2026-11-23', removed_on: null, source: 'manual' },
    ]);
  });

  it('asks for the member when --member is absent, and changes nothing when nothing is toggled', async () => {
    const t = await fresh([{ email: 'ann@nih.gov', groups: ['Event Planning'] }]);
    const before = dumpTables(t.dbPath, WRITE_TABLES);
    const r = await t.run(['groups', 'assign'], { tty: true, answers: ['ann@nih.gov', ['Event Planning']] });
    expect(r.code).toBe(0);
    expect(r.asked.map((a) => a.kind)).toEqual(['input', 'checkbox']);
    expect(r.stderr).toBe('no change for ann@nih.gov\n');
    expect(dumpTables(t.dbPath, WRITE_TABLES)).toBe(before);
  });

  it('is a usage error naming --member and --group without a terminal', async () => {
    const t = await fresh([{ email: 'ann@nih.gov' }]);
    const r = await t.run(['groups', 'assign', '--interactive']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'aicop: error: groups assign --interactive needs a terminal; to assign without one: pass --member <email> --group <name> (no prompt without a terminal, with --yes or when CI is set)\n',
    );
    const ci = await t.run(['groups', 'assign', '--interactive', '--member', 'ann@nih.gov'], { tty: true, env: { CI: 'true' } });
    expect(ci.code).toBe(2);
    expect(ci.stderr).toContain('pass --group <name>');
  });
});

/** Fixture for --auto: four members without a working group, one already placed, one inactive. */
const AUTO_MEMBERS: readonly FixtureMember[] = [
  { email: 'dan@gsa.gov', groups: ['Computer Vision'] },
  { email: 'ann@nih.gov', groups: ['Generative AI'] },
  { email: 'cat@gsa.gov', groups: ['Generative AI'] },
  { email: 'bob@army.mil', groups: ['AI Security', 'Generative AI'] },
  { email: 'eve@nasa.gov', groups: ['Event Planning', 'Computer Vision'] },
  { email: 'erin@nasa.gov' },
  { email: 'left@nasa.gov', left: '2026-01-31' },
];

async function autoFixture() {
  const t = await fresh(AUTO_MEMBERS);
  await t.run(['groups', 'link', 'Generative AI', 'Tools and Resources']);
  await t.run(['groups', 'link', 'ai security', 'community outreach']);
  const db = openDb(t.dbPath);
  db.prepare("UPDATE groups SET capacity = 2 WHERE name = 'Tools and Resources'").run();
  db.close();
  return t;
}

const AUTO_PLAN = [
  'member,group,reason',
  'ann@nih.gov,Tools and Resources,linked practice area: Generative AI',
  // Linked to Community Outreach (0) and Tools and Resources (1): the less filled wins.
  'bob@army.mil,Community Outreach,linked practice area: AI Security',
  'cat@gsa.gov,Tools and Resources,linked practice area: Generative AI',
  // Tools and Resources is full; External Collaborations has 0 (eve is in Event Planning).
  'dan@gsa.gov,External Collaborations,least filled',
  // Community Outreach, Event Planning and External Collaborations tie at 1: the name decides.
  'erin@nasa.gov,Community Outreach,least filled',
  '',
].join('\n');

describe('groups assign --auto', () => {
  it('shows the plan with --dry-run and changes nothing', async () => {
    const t = await autoFixture();
    const before = dumpTables(t.dbPath);
    const r = await t.run(['groups', 'assign', '--auto', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(AUTO_PLAN);
    expect(r.stderr).toBe(
      [
        'Community Outreach: 0 → 2',
        'External Collaborations: 0 → 1',
        'Tools and Resources: 0 → 2 (capacity 2)',
        'dry run: 5 assignments planned; nothing was changed',
        '',
      ].join('\n'),
    );
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('prints the plan and exits 2 naming --yes without a terminal', async () => {
    const t = await autoFixture();
    const before = dumpTables(t.dbPath);
    const r = await t.run(['groups', 'assign', '--auto']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(AUTO_PLAN);
    expect(r.stderr.split('\n').at(-2)).toBe(
      'aicop: error: applying this plan of 5 assignments needs a confirmation (--dry-run only shows it): pass --yes (no prompt without a terminal, with --yes or when CI is set)',
    );
    expect(dumpTables(t.dbPath)).toBe(before);
  });

  it('applies with --yes, and a second run finds nothing to do', async () => {
    const t = await autoFixture();
    const r = await t.run(['--yes', 'groups', 'assign', '--auto']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(AUTO_PLAN);
    expect(r.stderr.split('\n').at(-2)).toBe('assigned 5 members to working groups on 2026-11-23');
    const db = openDb(t.dbPath);
    const rows = db
      .prepare(
        `SELECT m.email, g.name AS grp FROM assignments a JOIN members m ON m.id = a.member_id JOIN groups g ON g.id = a.group_id
         WHERE a.source = 'auto' AND a.removed_on IS NULL AND a.assigned_on = '2026-11-23' ORDER BY m.email`,
      )
      .raw()
      .all();
    expect(db.prepare("SELECT count(*) FROM assignments WHERE source = 'auto'").pluck().get()).toBe(5);
    db.close();
    expect(rows).toEqual([
      ['ann@nih.gov', 'Tools and Resources'],
      ['bob@army.mil', 'Community Outreach'],
      ['cat@gsa.gov', 'Tools and Resources'],
      ['dan@gsa.gov', 'External Collaborations'],
      ['erin@nasa.gov', 'Community Outreach'],
    ]);
    const after = dumpTables(t.dbPath);
    const again = await t.run(['--yes', 'groups', 'assign', '--auto']);
    expect(again).toMatchObject({ code: 0, stdout: '', stderr: 'every active member is already in a working group; nothing to do\n' });
    expect(dumpTables(t.dbPath)).toBe(after);
    const list = await t.run(['groups', 'list', '--kind', 'working_group']);
    expect(list.stdout).toBe(
      'kind,name,members,capacity,description\nworking_group,Community Outreach,2,,\nworking_group,Event Planning,1,,\nworking_group,External Collaborations,1,,\nworking_group,Tools and Resources,2,2,\n',
    );
  });

  it('applies after a confirmation on a terminal, and a declined one changes nothing', async () => {
    const t = await autoFixture();
    const before = dumpTables(t.dbPath);
    const no = await t.run(['groups', 'assign', '--auto'], { tty: true, answers: [false] });
    expect(no.code).toBe(2);
    expect(no.asked).toEqual([{ kind: 'confirm', message: 'Apply this plan: 5 members to working groups?' }]);
    expect(dumpTables(t.dbPath)).toBe(before);
    const yes = await t.run(['groups', 'assign', '--auto'], { tty: true, answers: [true] });
    expect(yes.code).toBe(0);
    const db = openDb(t.dbPath);
    expect(db.prepare("SELECT count(*) FROM assignments WHERE source = 'auto'").pluck().get()).toBe(5);
    db.close();
  });

  it('respects capacities and warns about members that fit nowhere', async () => {
    const t = await fresh([{ email: 'a@nih.gov' }, { email: 'b@nih.gov' }, { email: 'c@nih.gov' }, { email: 'd@nih.gov', groups: ['Event Planning'] }]);
    const db = openDb(t.dbPath);
    db.prepare("UPDATE groups SET capacity = 1 WHERE kind = 'working_group'").run();
    db.close();
    const r = await t.run(['--yes', 'groups', 'assign', '--auto']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'member,group,reason\na@nih.gov,Community Outreach,least filled\nb@nih.gov,External Collaborations,least filled\nc@nih.gov,Tools and Resources,least filled\n',
    );
    const t2 = await fresh([{ email: 'a@nih.gov' }, { email: 'b@nih.gov' }]);
    const db2 = openDb(t2.dbPath);
    db2.prepare("UPDATE groups SET capacity = 1 WHERE kind = 'working_group'").run();
    db2.prepare("UPDATE groups SET archived_on = '2026-01-01' WHERE name IN ('Event Planning', 'Community Outreach', 'External Collaborations')").run();
    db2.close();
    const r2 = await t2.run(['--yes', 'groups', 'assign', '--auto']);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toBe('member,group,reason\na@nih.gov,Tools and Resources,least filled\nb@nih.gov,,unplaced: no working group has room\n');
    expect(r2.stderr).toContain('warning: 1 member fit in no working group: every one is full\n');
    const fill = openDb(t2.dbPath);
    expect(fill.prepare('SELECT count(*) FROM assignments').pluck().get()).toBe(1);
    fill.close();
  });

  it('assigns practice areas with --kind practice_area, using links the other way', async () => {
    const t = await fresh([{ email: 'a@nih.gov', groups: ['Tools and Resources'] }, { email: 'b@nih.gov', groups: ['AI Security'] }]);
    await t.run(['groups', 'link', 'Generative AI', 'Tools and Resources']);
    const r = await t.run(['--yes', 'groups', 'assign', '--auto', '--kind', 'practice_area']);
    expect(r.stdout).toBe('member,group,reason\na@nih.gov,Generative AI,linked working group: Tools and Resources\n');
  });
});

describe('groups assign --auto on more members than one page of its reader', () => {
  // Members in several pages (AUTO_ASSIGN_PAGE per query), some already placed, some in practice
  // areas linked to working groups, some gone, with capacities that fill up part-way.
  const N = AUTO_ASSIGN_PAGE * 3 + 123;
  const PAS = ['AI Security', 'Generative AI', 'Computer Vision'];
  const WGS = ['Community Outreach', 'Event Planning', 'External Collaborations', 'Tools and Resources'];
  const roster = (): FixtureMember[] =>
    Array.from({ length: N }, (_, i) => ({
      // Emails not in id order, so the email order really is the reader's.
      email: `m${String((i * 7919) % N).padStart(5, '0')}@agency${i % 13}.gov`,
      groups: i % 5 === 0 ? [WGS[i % 4] as string] : i % 3 === 0 ? [PAS[i % 3] as string] : [],
      left: i % 17 === 0 ? '2025-06-30' : undefined,
    }));

  /** The plan the whole-input planner makes from every member read at once (what --auto did before it streamed). */
  function wholePlan(dbPath: string): string[][] {
    const db = openDb(dbPath);
    try {
      const today = '2026-11-23';
      const g = loadAutoAssignGroups(db, 'working_group', today);
      const ofKind = new Set(g.groups.map((x) => x.id));
      const open = db.prepare('SELECT member_id, group_id FROM assignments WHERE removed_on IS NULL').raw().all() as [number, number][];
      const placed = new Set(open.filter(([, gid]) => ofKind.has(gid)).map(([mid]) => mid));
      const others = new Map<number, number[]>();
      for (const [mid, gid] of open) if (g.otherNames.has(gid)) others.set(mid, [...(others.get(mid) ?? []), gid]);
      const active = db.prepare('SELECT id, email FROM members WHERE left_on IS NULL OR left_on > ?').raw().all(today) as [number, string][];
      const members = active.filter(([id]) => !placed.has(id)).map(([id, email]) => ({ id, email, otherGroupIds: others.get(id) ?? [] }));
      const plan = planAssignments({ members, groups: g.groups, links: g.links, otherNames: g.otherNames });
      return [
        ...plan.placements.map((x) => [x.email, x.groupName, x.reason === 'linked' ? `linked practice area: ${x.via}` : 'least filled']),
        ...plan.unplaced.map((x) => [x.email, '', 'unplaced: no working group has room']),
      ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
    } finally {
      db.close();
    }
  }

  it('prints and applies the same plan as placing every member at once', async () => {
    const t = await fresh(roster());
    await t.run(['groups', 'link', 'Generative AI', 'Tools and Resources']);
    await t.run(['groups', 'link', 'AI Security', 'Community Outreach']);
    const db = openDb(t.dbPath);
    db.prepare("UPDATE groups SET capacity = 2500 WHERE name IN ('Tools and Resources', 'Community Outreach')").run();
    db.prepare("UPDATE groups SET capacity = 1000 WHERE name IN ('Event Planning', 'External Collaborations')").run();
    db.close();
    const expected = wholePlan(t.dbPath);
    expect(expected.length).toBeGreaterThan(AUTO_ASSIGN_PAGE * 2);
    expect(expected.filter((r) => r[1] === '').length).toBeGreaterThan(0);
    const r = await t.run(['--yes', 'groups', 'assign', '--auto', '--format', 'json']);
    expect(r.code).toBe(0);
    const printed = (JSON.parse(r.stdout) as { member: string; group: string | null; reason: string }[]).map((x) => [x.member, x.group ?? '', x.reason]);
    expect(printed).toEqual(expected);
    const placed = expected.filter((x) => x[1] !== '');
    expect(r.stderr).toContain(`assigned ${placed.length} members to working groups on 2026-11-23\n`);
    const after = openDb(t.dbPath);
    const rows = after
      .prepare(
        `SELECT m.email, g.name FROM assignments a JOIN members m ON m.id = a.member_id JOIN groups g ON g.id = a.group_id
         WHERE a.source = 'auto' ORDER BY m.email`,
      )
      .raw()
      .all();
    after.close();
    expect(rows).toEqual(placed.map((x) => [x[0], x[1]]));
    // Everyone with room is placed: nothing left to do but the unplaced.
    const again = await t.run(['groups', 'assign', '--auto', '--dry-run', '--format', 'csv']);
    expect(again.stdout.split('\n').filter((l) => l.endsWith(',,unplaced: no working group has room')).length).toBe(expected.length - placed.length);
  });

  it('shows the first 100 rows of a long plan on a terminal and says how many there are', async () => {
    const t = await fresh(Array.from({ length: 150 }, (_, i) => ({ email: `p${String(i).padStart(3, '0')}@nih.gov` })));
    const r = await t.run(['groups', 'assign', '--auto', '--dry-run'], { tty: true });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(101);
    expect(lines[1]).toMatch(/^p000@nih\.gov +Community Outreach +least filled$/);
    expect(lines[100]).toMatch(/^p099@nih\.gov /);
    expect(r.stderr).toContain('showing 100 of 150 plan rows; --format csv or -o plan.csv writes them all\n');
    expect(r.stderr).toContain('dry run: 150 assignments planned; nothing was changed\n');
  });
});

/** A terminal context whose confirm prompt runs `during` before answering yes. */
function contextWithConfirmHook(during: () => void): { ctx: CliContext; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (c: Buffer) => o.push(c));
  stderr.on('data', (c: Buffer) => e.push(c));
  const scripted = scriptedPrompter([]);
  const prompter = {
    ...scripted,
    async confirm() {
      during();
      return true;
    },
  };
  const ctx = new CliContext({
    stdin: Readable.from([]), stdout, stderr, stdinIsTTY: true, stdoutIsTTY: true, stderrIsTTY: true,
    env: { NO_COLOR: '1' }, cwd: process.cwd(), home: process.cwd(), user: 'tester', now: () => new Date(DEFAULT_NOW), prompter,
    signal: new AbortController().signal,
  });
  return { ctx, out: () => Buffer.concat(o).toString('utf8'), err: () => Buffer.concat(e).toString('utf8') };
}

describe('groups assign --auto while another command writes', () => {
  it('refuses to apply a plan that changed during the confirmation, changing nothing', async () => {
    const t = await autoFixture();
    const h = contextWithConfirmHook(() => addMembers(t.dbPath, [{ email: 'aaron@nih.gov' }]));
    const code = await main(['--db', t.dbPath, 'groups', 'assign', '--auto'], h.ctx);
    expect(code).toBe(2);
    expect(h.err()).toContain('aicop: error: the groups or members changed while the plan was shown; nothing was changed\n  run the command again to see the new plan\n');
    const db = openDb(t.dbPath);
    expect(db.prepare("SELECT count(*) FROM assignments WHERE source = 'auto'").pluck().get()).toBe(0);
    db.close();
  });
});

describe('assign flags → options', () => {
  const flags = { group: [] as string[], interactive: false, auto: false, dryRun: false };
  const noTty = { canPrompt: () => false, requireFlag: (f: string) => { throw new Error(`need ${f}`); } } as unknown as CliContext;
  const tty = { canPrompt: () => true } as unknown as CliContext;
  it.each([
    [{ ...flags, member: 'a@x.gov', group: ['A', 'B'] }, noTty, { mode: 'manual', member: 'a@x.gov', groups: ['A', 'B'] }],
    [{ ...flags, auto: true }, noTty, { mode: 'auto', kind: 'working_group', dryRun: false }],
    [{ ...flags, auto: true, kind: 'practice_area' as const, dryRun: true }, noTty, { mode: 'auto', kind: 'practice_area', dryRun: true }],
    [{ ...flags, interactive: true, member: 'a@x.gov' }, noTty, { mode: 'interactive', member: 'a@x.gov' }],
    [{ ...flags }, tty, { mode: 'interactive' }],
    [{ ...flags, member: 'a@x.gov' }, tty, { mode: 'interactive', member: 'a@x.gov' }],
  ])('%o', (input, ctx, expected) => {
    expect(assignOptionsFrom(input, ctx)).toEqual(expected);
  });
  it.each([
    [{ ...flags, group: ['A'] }, 'need --member <email>'],
    [{ ...flags, dryRun: true, member: 'a@x.gov', group: ['A'] }, '--dry-run goes with --auto'],
    [{ ...flags, kind: 'working_group' as const, member: 'a@x.gov', group: ['A'] }, '--kind goes with --auto'],
    [{ ...flags, interactive: true, group: ['A'] }, '--interactive asks for the groups; drop --group, or drop --interactive'],
  ])('%o is refused', (input, message) => {
    expect(() => assignOptionsFrom(input, noTty)).toThrow(message);
  });
});

describe('groups link, unlink, links', () => {
  it('manages the practice area → working group preferences', async () => {
    const t = await fresh();
    expect((await t.run(['groups', 'links'])).stdout).toBe('practice_area,working_group\n');
    const l = await t.run(['groups', 'link', 'generative ai', 'tools and resources']);
    expect(l).toMatchObject({ code: 0, stderr: "linked 'Generative AI' → 'Tools and Resources'\n" });
    const dup = await t.run(['groups', 'link', 'Generative AI', 'Tools and Resources']);
    expect(dup).toMatchObject({ code: 0, stderr: "'Generative AI' → 'Tools and Resources' are already linked; nothing changed\n" });
    expect((await t.run(['groups', 'links'])).stdout).toBe('practice_area,working_group\nGenerative AI,Tools and Resources\n');
    const wrong = await t.run(['groups', 'link', 'Tools and Resources', 'Generative AI']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(
      "aicop: error: 'Tools and Resources' is a working group, not a practice area\n  see them with: aicop groups list --kind practice_area\n",
    );
    const u = await t.run(['groups', 'unlink', 'Generative AI', 'Tools and Resources']);
    expect(u).toMatchObject({ code: 0, stderr: "unlinked 'Generative AI' → 'Tools and Resources'\n" });
    expect((await t.run(['groups', 'links'])).stdout).toBe('practice_area,working_group\n');
  });
});

describe('the real binary', () => {
  it.skipIf(!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'process.js')))('assigns and lists members through bin/aicop.js', async () => {
    const t = await fresh([{ email: 'ann@nih.gov', groups: ['Generative AI'] }]);
    await t.run(['groups', 'link', 'Generative AI', 'Tools and Resources']);
    const a = await spawnAicop(['--db', t.dbPath, '--yes', 'groups', 'assign', '--auto'], { cwd: t.dir });
    expect(a.code).toBe(0);
    expect(a.stdout).toBe('member,group,reason\nann@nih.gov,Tools and Resources,linked practice area: Generative AI\n');
    const m = await spawnAicop(['--db', t.dbPath, 'groups', 'members', 'tools and resources', '--format', 'json'], { cwd: t.dir });
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout)).toEqual([{ email: 'ann@nih.gov', first_name: null, last_name: null, assigned_on: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), source: 'auto' }]);
    const bad = await spawnAicop(['--db', t.dbPath, 'groups', 'members', 'Tools & Resources'], { cwd: t.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("aicop: error: no group named 'Tools & Resources' (did you mean 'Tools and Resources'?)\n  see them all with: aicop groups list\n");
  });
});
