import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { SHARED_DATA, dumpTables, openDb, spansFromMembers, tempDb, writeFile } from './helpers.js';
import { createAgencyResolver, remapMemberAgencies } from '../src/db/agencies-repo.js';
import type { Db } from '../src/db/open.js';

const REGISTRY = path.join(SHARED_DATA, 'dotgov', 'current-full.csv');
const hasRegistry = fs.existsSync(REGISTRY);
if (!hasRegistry) console.warn(`skipping the real .gov registry tests: ${REGISTRY} is absent`);

interface AgencyOf {
  name: string;
  organization: string | null;
  level: string | null;
  source: string;
}

function agencyOfDomain(db: Db, domain: string): AgencyOf | undefined {
  const resolver = createAgencyResolver(db);
  const id = db.transaction(() => resolver.resolve(domain))();
  return db.prepare<[number], AgencyOf>('SELECT name, organization, level, source FROM agencies WHERE id = ?').get(id);
}

/** Adds members the way the importer does: agency from the resolver. */
function addMembers(db: Db, emails: readonly string[]): void {
  const resolver = createAgencyResolver(db);
  const insert = db.prepare(
    "INSERT INTO members (email, domain, agency_id, joined_on, created_at, updated_at) VALUES (?, ?, ?, '2026-01-05', '2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z')",
  );
  db.transaction(() => {
    for (const e of emails) {
      const domain = e.slice(e.indexOf('@') + 1);
      insert.run(e, domain, resolver.resolve(domain));
    }
  })();
}

const memberAgencies = (db: Db) =>
  db.prepare('SELECT m.email, a.name, a.source FROM members m JOIN agencies a ON a.id = m.agency_id ORDER BY m.email').raw().all();

describe('built-in directory', () => {
  test('init seeds data/agencies.csv', async () => {
    const t = tempDb();
    const r = await t.run(['init']);
    expect(r.code).toBe(0);
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare("SELECT count(*) FROM agencies WHERE source = 'builtin'").pluck().get()).toBe(159);
      expect(db.prepare("SELECT count(*) FROM agency_domains WHERE source = 'builtin'").pluck().get()).toBe(182);
      expect(db.prepare("SELECT count(*) FROM agencies WHERE level <> 'federal'").pluck().get()).toBe(0);
      expect(agencyOfDomain(db, 'mail.nih.gov')).toEqual({ name: 'National Institutes of Health', organization: 'Department of Health and Human Services', level: 'federal', source: 'builtin' });
      expect(agencyOfDomain(db, 'va.gov')).toEqual({ name: 'Department of Veterans Affairs', organization: null, level: 'federal', source: 'builtin' });
      expect(agencyOfDomain(db, 'r8.fs.usda.gov')).toEqual({ name: 'Forest Service', organization: 'Department of Agriculture', level: 'federal', source: 'builtin' });
      expect(agencyOfDomain(db, 'ars.usda.gov')?.name).toBe('Agricultural Research Service');
      expect(agencyOfDomain(db, 'mail.usda.gov')?.name).toBe('Department of Agriculture');
      expect(agencyOfDomain(db, 'us.af.mil')?.name).toBe('United States Air Force');
      expect(agencyOfDomain(db, 'usmc.mil')?.name).toBe('United States Marine Corps');
      expect(agencyOfDomain(db, 'mail.mil')).toEqual({ name: 'Department of Defense', organization: null, level: 'federal', source: 'builtin' });
      expect(agencyOfDomain(db, 'uscg.mil')?.organization).toBe('Department of Homeland Security');
      expect(agencyOfDomain(db, 'cisa.gov')?.name).toBe('Cybersecurity and Infrastructure Security Agency');
      // Two domains, one agency.
      expect(db.prepare("SELECT count(*) FROM agency_domains d JOIN agencies a ON a.id = d.agency_id WHERE a.name = 'Department of Defense'").pluck().get()).toBe(2);
    } finally {
      db.close();
    }
  });
});

describe('agency resolver', () => {
  test('unmapped agencies are got or created per registered domain; .mil ones are federal', async () => {
    const t = tempDb();
    await t.run(['init']);
    const db = openDb(t.dbPath);
    try {
      const resolver = createAgencyResolver(db);
      const [a, b, c, d] = db.transaction(() => [resolver.resolve('mail.example.gov'), resolver.resolve('example.gov'), resolver.resolve('x.foo.mil'), resolver.resolve('nih.gov')])();
      expect(a).toBe(b);
      expect(db.prepare("SELECT name, organization, level, source FROM agencies WHERE source = 'unmapped' ORDER BY name").raw().all()).toEqual([
        ['example.gov', null, null, 'unmapped'],
        ['foo.mil', null, 'federal', 'unmapped'],
      ]);
      expect(c).not.toBe(a);
      expect(d).not.toBe(a);
      // A fresh resolver finds the existing unmapped agency instead of creating another.
      expect(db.transaction(() => createAgencyResolver(db).resolve('other.example.gov'))()).toBe(a);
      expect(db.prepare("SELECT count(*) FROM agencies WHERE source = 'unmapped'").pluck().get()).toBe(2);
    } finally {
      db.close();
    }
  });

  test('agencies add remaps members and drops the emptied unmapped agency; unmapped lists counts', async () => {
    const t = tempDb();
    await t.run(['init']);
    let db = openDb(t.dbPath);
    addMembers(db, ['a@example.gov', 'b@mail.example.gov', 'c@foo.gov', 'd@nih.gov']);
    db.close();

    const un = await t.run(['agencies', 'unmapped']);
    expect(un.code).toBe(0);
    expect(un.stdout).toBe('domain,level,members\nexample.gov,,2\nfoo.gov,,1\n');

    const add = await t.run(['agencies', 'add', '--domain', 'Example.gov', '--name', 'Example Agency', '--organization', 'State of Example', '--level', 'state']);
    expect(add.code).toBe(0);
    expect(add.stderr).toBe('added: example.gov → Example Agency (State of Example), state; 2 members remapped\n');
    db = openDb(t.dbPath);
    try {
      expect(memberAgencies(db)).toEqual([
        ['a@example.gov', 'Example Agency', 'manual'],
        ['b@mail.example.gov', 'Example Agency', 'manual'],
        ['c@foo.gov', 'foo.gov', 'unmapped'],
        ['d@nih.gov', 'National Institutes of Health', 'builtin'],
      ]);
      expect(db.prepare("SELECT name FROM agencies WHERE source = 'unmapped'").pluck().all()).toEqual(['foo.gov']);
      expect(remapMemberAgencies(db, "2026-11-25")).toBe(0);
    } finally {
      db.close();
    }
    expect((await t.run(['agencies', 'unmapped'])).stdout).toBe('domain,level,members\nfoo.gov,,1\n');

    const list = await t.run(['agencies', 'list', '--level', 'state']);
    expect(list.stdout).toBe('id,name,organization,level,source,domains,members\n162,Example Agency,State of Example,state,manual,1,2\n');
    const search = await t.run(['agencies', 'list', '--search', 'NIH.GOV']);
    expect(search.stdout).toBe('id,name,organization,level,source,domains,members\n56,National Institutes of Health,Department of Health and Human Services,federal,builtin,1,1\n');
  });

  test('agencies add remaps every member of the domain past one slice of 8,192 members, and no one else (9,000 members)', async () => {
    const t = tempDb();
    await t.run(['init']);
    const db = openDb(t.dbPath);
    const emails: string[] = [];
    for (let i = 0; i < 9_000; i++) emails.push(i % 9 === 0 ? `m${i}@slice.gov` : `m${i}@nih.gov`);
    addMembers(db, emails);
    spansFromMembers(db);
    db.close();
    const add = await t.run(['agencies', 'add', '--domain', 'slice.gov', '--name', 'Slice Agency', '--level', 'federal']);
    expect(add.code).toBe(0);
    expect(add.stderr).toContain('1000 members remapped');
    const after = openDb(t.dbPath);
    try {
      const counts = after.prepare('SELECT a.name, count(*) FROM members m JOIN agencies a ON a.id = m.agency_id GROUP BY 1 ORDER BY 1').raw().all();
      expect(counts).toEqual([
        ['National Institutes of Health', 8_000],
        ['Slice Agency', 1_000],
      ]);
      expect(after.prepare("SELECT count(*) FROM member_spans WHERE starts = 'change'").pluck().get()).toBe(1_000);
      // The last slice too: the member with the highest id is in it.
      expect(after.prepare("SELECT a.name FROM members m JOIN agencies a ON a.id = m.agency_id WHERE m.email = 'm8991@slice.gov'").pluck().get()).toBe('Slice Agency');
    } finally {
      after.close();
    }
  });

  test('agencies add rejects bad values with exit 2 and changes nothing', async () => {
    const t = tempDb();
    await t.run(['init']);
    const before = dumpTables(t.dbPath);
    const bad = await t.run(['agencies', 'add', '--domain', 'nope', '--name', 'X', '--level', 'local']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--domain "nope" is not a valid ASCII domain name');
    const level = await t.run(['agencies', 'add', '--domain', 'x.gov', '--name', 'X', '--level', 'city']);
    expect(level.code).toBe(2);
    const missing = await t.run(['agencies', 'add', '--domain', 'x.gov', '--name', 'X']);
    expect(missing.code).toBe(2);
    expect(dumpTables(t.dbPath)).toBe(before);
  });
});

describe('agencies import-dotgov', () => {
  test.skipIf(!hasRegistry)('loads the real registry and resolves federal, city and county domains', async () => {
    const t = tempDb();
    await t.run(['init']);
    let db = openDb(t.dbPath);
    addMembers(db, ['jane@29palms.gov', 'joe@sf.gov', 'ann@nih.gov']);
    db.close();

    const r = await t.run(['agencies', 'import-dotgov', REGISTRY]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^.*current-full\.csv: 16539 rows read: 16408 added, 0 updated, 0 unchanged, 131 kept \(built-in or manual entries win\), 0 skipped; 2 members remapped \(\d+\.\d\d s\)\n$/,
    );
    db = openDb(t.dbPath);
    try {
      expect(db.prepare('SELECT count(*) FROM agency_domains').pluck().get()).toBe(182 + 16408);
      expect(db.prepare("SELECT count(*) FROM agency_domains WHERE source = 'dotgov'").pluck().get()).toBe(16408);
      expect(agencyOfDomain(db, 'mail.nih.gov')).toEqual({ name: 'National Institutes of Health', organization: 'Department of Health and Human Services', level: 'federal', source: 'builtin' });
      expect(agencyOfDomain(db, 'va.gov')).toEqual({ name: 'Department of Veterans Affairs', organization: null, level: 'federal', source: 'builtin' });
      expect(agencyOfDomain(db, '29palms.gov')).toEqual({ name: 'City of Twentynine Palms', organization: null, level: 'local', source: 'dotgov' });
      expect(agencyOfDomain(db, 'www.211dupage.gov')).toEqual({ name: 'DuPage County', organization: null, level: 'local', source: 'dotgov' });
      expect(agencyOfDomain(db, 'albionmaine.gov')?.level).toBe('local'); // City - Election
      expect(agencyOfDomain(db, '29palmsbomi-nsn.gov')).toEqual({ name: 'Twenty-Nine Palms Band of Mission Indians', organization: null, level: 'tribal', source: 'dotgov' });
      expect(agencyOfDomain(db, 'ahidta.gov')?.level).toBe('interstate');
      expect(agencyOfDomain(db, '13thjudicialil.gov')?.level).toBe('state');
      expect(agencyOfDomain(db, 'fda.gov')).toEqual({ name: 'Food and Drug Administration', organization: 'Department of Health and Human Services', level: 'federal', source: 'builtin' });
      expect(agencyOfDomain(db, 'itis.gov')).toEqual({ name: 'Smithsonian Institution', organization: null, level: 'federal', source: 'builtin' });
      // sf.gov and sanfrancisco.gov share one agency.
      expect(db.prepare("SELECT city, state FROM agencies WHERE name = 'City and County of San Francisco'").get()).toEqual({ city: 'San Francisco', state: 'CA' });
      expect(memberAgencies(db)).toEqual([
        ['ann@nih.gov', 'National Institutes of Health', 'builtin'],
        ['jane@29palms.gov', 'City of Twentynine Palms', 'dotgov'],
        ['joe@sf.gov', 'City and County of San Francisco', 'dotgov'],
      ]);
      expect(db.prepare("SELECT count(*) FROM agencies WHERE source = 'unmapped'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    const again = await t.run(['agencies', 'import-dotgov', REGISTRY]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/16539 rows read: 0 added, 0 updated, 16408 unchanged, 131 kept .*, 0 skipped; 0 members remapped/);
  });

  test('header variants, BOM, CRLF and (blank); a changed row updates; bad rows give exit 3', async () => {
    const t = tempDb();
    const v1 = writeFile(
      t.dir,
      'old.csv',
      '\uFEFFDomain Name,Domain Type,Agency,City,State\r\n' +
        'springfield-il.gov,City,City of Springfield,Springfield,IL\r\n' +
        'dupage.gov,County - Election,"DuPage County, Illinois",(blank),IL\r\n' +
        'nih.gov,Federal Agency - Executive,Wrong Name,Bethesda,MD\r\n',
    );
    const r1 = await t.run(['agencies', 'import-dotgov', v1]);
    expect(r1.code).toBe(0);
    expect(r1.stderr).toMatch(/old\.csv: 3 rows read: 2 added, 0 updated, 0 unchanged, 1 kept \(built-in or manual entries win\), 0 skipped; 0 members remapped/);
    const v2 = writeFile(
      t.dir,
      'new.csv',
      'domain name,domain type,organization name,suborganization name\n' +
        'springfield-il.gov,City,City of Springfield,\n' +
        'dupage.gov,County,DuPage County,Election Office\n' +
        'bad domain.gov,City,X,\n',
    );
    const r2 = await t.run(['agencies', 'import-dotgov', v2]);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toContain('new.csv:4: skipped: domain "bad domain.gov" is not a valid ASCII domain name');
    expect(r2.stderr).toMatch(/new\.csv: 3 rows read: 0 added, 1 updated, 1 unchanged, 0 kept .*, 1 skipped; 0 members remapped/);
    const db = openDb(t.dbPath);
    try {
      expect(agencyOfDomain(db, 'dupage.gov')).toEqual({ name: 'Election Office', organization: 'DuPage County', level: 'local', source: 'dotgov' });
      expect(db.prepare("SELECT domain_type FROM agency_domains WHERE domain = 'dupage.gov'").pluck().get()).toBe('County');
      expect(agencyOfDomain(db, 'nih.gov')?.name).toBe('National Institutes of Health');
    } finally {
      db.close();
    }
  });

  test('UTF-16 with a BOM and Windows-1252 files decode', async () => {
    const t = tempDb();
    const csv = 'Domain name,Domain type,Organization name\r\ndonaana.gov,County,Doña Ana County\r\n';
    const utf16 = writeFile(t.dir, 'u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]));
    expect((await t.run(['agencies', 'import-dotgov', utf16])).code).toBe(0);
    const cp1252 = writeFile(t.dir, 'cp.csv', Buffer.from(csv.replace('donaana.gov', 'lascruces.gov'), 'latin1'));
    expect((await t.run(['agencies', 'import-dotgov', cp1252])).code).toBe(0);
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare("SELECT d.domain, a.name FROM agency_domains d JOIN agencies a ON a.id = d.agency_id WHERE d.source = 'dotgov' ORDER BY d.domain").raw().all()).toEqual([
        ['donaana.gov', 'Doña Ana County'],
        ['lascruces.gov', 'Doña Ana County'],
      ]);
    } finally {
      db.close();
    }
  });

  test('a missing required column is exit 4 naming the columns found; nothing changes', async () => {
    const t = tempDb();
    await t.run(['init']);
    const before = dumpTables(t.dbPath);
    const f = writeFile(t.dir, 'agencies.csv', 'Agency,Bureau\r\nDepartment of Agriculture,Forest Service\r\n');
    const r = await t.run(['agencies', 'import-dotgov', f]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      `${f}: required columns Domain name, Domain type not found; the header has: "Agency", "Bureau"; nothing was changed`,
    );
    expect(dumpTables(t.dbPath)).toBe(before);
    const missing = await t.run(['agencies', 'import-dotgov', path.join(t.dir, 'nope.csv')]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('nope.csv: cannot read the file (no such file)');
    expect(dumpTables(t.dbPath)).toBe(before);
  });
});
