/**
 * SPEC conformance checks found by the S3 audit: each test pins one sentence of the SPEC that the
 * product did not follow before its fix.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { dumpTables, openDb, tempDb, writeFile } from './helpers.js';

describe('SPEC §5: unmapped agencies are named after the registered domain', () => {
  test('addresses under an allowed .us suffix get one unmapped agency per government, not one per state', async () => {
    const t = tempDb();
    expect((await t.run(['domains', 'allow', 'tx.us', '--reason', 'test'])).code).toBe(0);
    writeFile(t.dir, 'roster.csv', 'email\na@dot.state.tx.us\nb@ci.austin.tx.us\nc@ci.dallas.tx.us\nd@mail.ci.austin.tx.us\n');
    const imp = await t.run(['import', 'members', 'roster.csv']);
    expect(imp.code).toBe(0);
    const un = await t.run(['agencies', 'unmapped']);
    expect(un.stdout).toBe('domain,level,members\naustin.tx.us,,2\ndallas.tx.us,,1\nstate.tx.us,,1\n');
    const check = await t.run(['domains', 'check', 'e@hr.state.tx.us', 'f@ci.houston.tx.us']);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe(
      'email,eligible,reason,agency,organization,member_type,detail\n' +
        'e@hr.state.tx.us,yes,ok,(unmapped: state.tx.us),,employee,\n' +
        'f@ci.houston.tx.us,yes,ok,(unmapped: houston.tx.us),,employee,\n',
    );
    const db = openDb(t.dbPath);
    try {
      expect(db.prepare("SELECT count(*) FROM agencies WHERE source = 'unmapped'").pluck().get()).toBe(3);
    } finally {
      db.close();
    }
  });
});

describe('SPEC §5/§8: the .gov registry never merges different governments into one agency', () => {
  const agencyOf = (dbPath: string, domain: string): unknown => {
    const db = openDb(dbPath);
    try {
      return db
        .prepare('SELECT a.name, a.organization, a.level, a.state FROM agency_domains d JOIN agencies a ON a.id = d.agency_id WHERE d.domain = ?')
        .get(domain);
    } finally {
      db.close();
    }
  };

  test('same-named cities of different states, and a state agency named like a federal one, stay apart', async () => {
    const t = tempDb();
    const v1 = writeFile(
      t.dir,
      'registry.csv',
      'Domain name,Domain type,Organization name,Suborganization name,City,State\n' +
        'albanyga.gov,City,City of Albany,,Albany,GA\n' +
        'albanyny.gov,City,City of Albany,,Albany,NY\n' +
        'albanynyparks.gov,City,City of Albany,,Albany,NY\n' +
        'twentyninepalms.gov,City,City of Twentynine Palms,,Twentynine Palms,CA\n' +
        'hsi.gov,Federal - Executive,Department of Homeland Security,,Washington,DC\n' +
        'azdohs.gov,State or territory,Department of Homeland Security,,Phoenix,AZ\n',
    );
    expect((await t.run(['agencies', 'import-dotgov', v1])).code).toBe(0);
    expect(agencyOf(t.dbPath, 'albanyga.gov')).toEqual({ name: 'City of Albany (GA)', organization: null, level: 'local', state: 'GA' });
    expect(agencyOf(t.dbPath, 'albanyny.gov')).toEqual({ name: 'City of Albany (NY)', organization: null, level: 'local', state: 'NY' });
    expect(agencyOf(t.dbPath, 'albanynyparks.gov')).toEqual({ name: 'City of Albany (NY)', organization: null, level: 'local', state: 'NY' });
    expect(agencyOf(t.dbPath, 'twentyninepalms.gov')).toEqual({ name: 'City of Twentynine Palms', organization: null, level: 'local', state: 'CA' });
    expect(agencyOf(t.dbPath, 'hsi.gov')).toEqual({ name: 'Department of Homeland Security', organization: null, level: 'federal', state: null });
    expect(agencyOf(t.dbPath, 'azdohs.gov')).toEqual({ name: 'Department of Homeland Security (AZ)', organization: null, level: 'state', state: 'AZ' });

    writeFile(t.dir, 'roster.csv', 'email,joined\na@albanyga.gov,2023-01-01\nb@albanyny.gov,2023-01-01\nc@azdohs.gov,2023-01-01\n');
    expect((await t.run(['import', 'members', 'roster.csv'])).code).toBe(0);
    const rep = await t.run(['report', 'agencies', '--fy', '2023', '--format', 'json']);
    const agencies = (JSON.parse(rep.stdout) as { agencies: { count: number; rows: { agency: string; level: string }[] } }).agencies;
    expect(agencies.count).toBe(3);
    expect(agencies.rows.map((r) => [r.agency, r.level])).toEqual([
      ['City of Albany (GA)', 'local'],
      ['City of Albany (NY)', 'local'],
      ['Department of Homeland Security (AZ)', 'state'],
    ]);
  });

  test('a database loaded before the fix is repaired by loading the registry again; the emptied agency is dropped', async () => {
    const t = tempDb();
    await t.run(['init']);
    // The merged agency an older aicop made: one "City of Albany" holding both cities' domains.
    let db = openDb(t.dbPath);
    try {
      const id = Number(db.prepare("INSERT INTO agencies (name, organization, level, source, city, state) VALUES ('City of Albany', NULL, 'local', 'dotgov', 'Albany', 'NY')").run().lastInsertRowid);
      const dom = db.prepare("INSERT INTO agency_domains (domain, agency_id, domain_type, source) VALUES (?, ?, 'City', 'dotgov')");
      dom.run('albanyga.gov', id);
      dom.run('albanyny.gov', id);
    } finally {
      db.close();
    }
    writeFile(t.dir, 'roster.csv', 'email\na@albanyga.gov\n');
    expect((await t.run(['import', 'members', 'roster.csv'])).code).toBe(0);
    const v = writeFile(
      t.dir,
      'registry.csv',
      'Domain name,Domain type,Organization name,Suborganization name,City,State\nalbanyga.gov,City,City of Albany,,Albany,GA\nalbanyny.gov,City,City of Albany,,Albany,NY\n',
    );
    const r = await t.run(['agencies', 'import-dotgov', v]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/registry\.csv: 2 rows read: 0 added, 2 updated, 0 unchanged, 0 kept \(built-in or manual entries win\), 0 skipped; 1 member remapped/);
    db = openDb(t.dbPath);
    try {
      expect(db.prepare("SELECT name, state FROM agencies WHERE name LIKE 'City of Albany%' ORDER BY name").raw().all()).toEqual([
        ['City of Albany (GA)', 'GA'],
        ['City of Albany (NY)', 'NY'],
      ]);
    } finally {
      db.close();
    }
    expect((await t.run(['members', 'show', 'a@albanyga.gov'])).stdout).toContain('agency:          City of Albany (GA) (local)\n');
    expect((await t.run(['db', 'check'])).code).toBe(0);
  });
});

describe('a path that runs through a file is bad input, not an internal error', () => {
  test('-o, --rejects and db backup under a file name exit 4 with the folder named; db backup onto the WAL is refused', async () => {
    const t = tempDb();
    writeFile(t.dir, 'roster.csv', 'email\nbad@@nasa.gov\n');
    const folder = path.join(t.dir, 'roster.csv');
    for (const argv of [
      ['members', 'list', '-o', 'roster.csv/x.json'],
      ['import', 'members', 'roster.csv', '--rejects', 'roster.csv/r.csv'],
      ['db', 'backup', 'roster.csv/b.db'],
    ]) {
      const r = await t.run(argv);
      expect(r.code).toBe(4);
      expect(r.stderr.startsWith('aicop: error: ')).toBe(true);
      expect(r.stderr.endsWith(`: folder ${folder} does not exist\n  create it first or choose another path\n`)).toBe(true);
    }
    const wal = await t.run(['db', 'backup', `${t.dbPath}-wal`, '--force']);
    expect(wal.code).toBe(2);
    expect(wal.stderr).toBe('aicop: error: the backup cannot be the database or one of its files\n  choose another file name\n');
  });
});

describe('SPEC §9: output never corrupts the database', () => {
  test('-o naming the database itself is a usage error and leaves the database as it was', async () => {
    const t = tempDb();
    writeFile(t.dir, 'roster.csv', 'email\na@nasa.gov\n');
    expect((await t.run(['import', 'members', 'roster.csv'])).code).toBe(0);
    const before = dumpTables(t.dbPath);
    for (const argv of [
      ['export', 'members', '-o', 'aicop.db'],
      ['members', 'list', '-o', t.dbPath],
      ['report', 'membership', '--fy', '2027', '-o', './aicop.db'],
      // Its WAL and shared-memory files: replacing them would corrupt the database.
      ['export', 'members', '-o', 'aicop.db-wal'],
      ['members', 'list', '-o', `${t.dbPath}-shm`],
    ]) {
      const r = await t.run(argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`aicop: error: -o ${argv[argv.length - 1] ?? ''} is the database or one of its files; writing there would destroy it\n  choose another file name\n`);
    }
    expect(dumpTables(t.dbPath)).toBe(before);
    expect((await t.run(['db', 'check'])).code).toBe(0);
  });
});
