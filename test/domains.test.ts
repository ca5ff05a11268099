import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { dumpTables, openDb, spawnAicop, tempDb } from './helpers.js';

const HEADER = 'email,eligible,reason,agency,organization,member_type,detail';

describe('domains check', () => {
  test('all eligible: exit 0, exact CSV when piped', async () => {
    const t = tempDb();
    const r = await t.run(['domains', 'check', 'jane@mail.nih.gov', 'JOHN.DOE.CTR@ARMY.MIL.', 'bob@example.gov']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        HEADER,
        'jane@mail.nih.gov,yes,ok,National Institutes of Health,Department of Health and Human Services,employee,',
        'john.doe.ctr@army.mil,yes,ok,United States Army,Department of Defense,contractor,',
        'bob@example.gov,yes,ok,(unmapped: example.gov),,employee,',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe('3 addresses checked: 3 eligible, 0 not eligible\n');
  });

  test('some ineligible: exit 3 with reasons and details', async () => {
    const t = tempDb();
    const r = await t.run(['domains', 'check', 'x@gmial.com', 'a@b@c.gov', 'jane@nаsa.gov', 'ok@va.gov']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(
      [
        HEADER,
        'x@gmial.com,no,ineligible_domain,,,,"domain gmial.com is not eligible (.gov/.mil only; a typo? for an exception for this one person: aicop domains allow x@gmial.com --reason ""<who they are and why they are eligible>"")"',
        'a@b@c.gov,no,invalid_syntax,,,,a@b@c.gov has more than one @ (expected name@agency.gov)',
        'jane@nаsa.gov,no,non_ascii_domain,,,,domain nаsa.gov contains non-ASCII characters (a look-alike of a real domain?); use the plain ASCII address',
        'ok@va.gov,yes,ok,Department of Veterans Affairs,,employee,',
        '',
      ].join('\n'),
    );
  });

  test('reads stdin with -, skipping blank lines, CRLF tolerated', async () => {
    const t = tempDb();
    const r = await t.run(['domains', 'check', '-'], { stdin: 'jane@nasa.gov\r\n\r\n  \nfoo@bar.com\r\n' });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(
      `${HEADER}\njane@nasa.gov,yes,ok,National Aeronautics and Space Administration,,employee,\n` +
        'foo@bar.com,no,ineligible_domain,,,,"domain bar.com is not eligible (.gov/.mil only; a typo? for an exception for this one person: aicop domains allow foo@bar.com --reason ""<who they are and why they are eligible>"")"\n',
    );
    expect(r.stderr).toBe('2 addresses checked: 1 eligible, 1 not eligible\n');
  });

  test('CSV cells are neutralised and quoted like every aicop CSV; -o writes the file', async () => {
    const t = tempDb();
    const r = await t.run(['-o', 'out.csv', 'domains', 'check', '-'], { stdin: '=cmd@nasa.gov\n"x,y"@nasa.gov\n' });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(path.join(t.dir, 'out.csv'), 'utf8')).toBe(
      `${HEADER}\n'=cmd@nasa.gov,yes,ok,National Aeronautics and Space Administration,,employee,\n` +
        '"""x,y""@nasa.gov",no,invalid_syntax,,,,"""x,y""@nasa.gov: the part before the @ has a space, quote, stray dot or other character not allowed (expected name@agency.gov)"\n',
    );
  });

  test('many lines from stdin stream through with exact counts', async () => {
    const t = tempDb();
    const lines = Array.from({ length: 20_000 }, (_, i) => (i % 4 === 3 ? `u${i}@gmail.com` : `u${i}@army.mil`));
    const r = await t.run(['domains', 'check', '-'], { stdin: `${lines.join('\n')}\n` });
    expect(r.code).toBe(3);
    const out = r.stdout.split('\n');
    expect(out).toHaveLength(20_002);
    expect(out[20_000]).toBe('u19999@gmail.com,no,ineligible_domain,,,,"domain gmail.com is not eligible (.gov/.mil only; a typo? for an exception for this one person: aicop domains allow u19999@gmail.com --reason ""<who they are and why they are eligible>"")"');
    expect(r.stderr).toBe('20000 addresses checked: 15000 eligible, 5000 not eligible\n');
  });

  test('json and table formats', async () => {
    const t = tempDb();
    const j = await t.run(['--format', 'json', 'domains', 'check', 'jane@fs.usda.gov', 'nobody']);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout)).toEqual([
      { email: 'jane@fs.usda.gov', eligible: true, reason: 'ok', agency: 'Forest Service', organization: 'Department of Agriculture', member_type: 'employee', detail: null },
      { email: 'nobody', eligible: false, reason: 'invalid_syntax', agency: null, organization: null, member_type: null, detail: 'nobody has no @ (expected name@agency.gov)' },
    ]);
    const tab = await t.run(['--format', 'table', '--no-color', 'domains', 'check', 'jane@nasa.gov'], { tty: true, env: { COLUMNS: '120' } });
    expect(tab.code).toBe(0);
    expect(tab.stdout.split('\n')[0]).toMatch(/^email\s+eligible\s+reason\s+agency\s+organization\s+member_type\s+detail$/);
    expect(tab.stdout.split('\n')[1]).toBe('jane@nasa.gov  yes       ok      National Aeronautics and Space Administration                employee');
  });

  test('usage errors: no address, - mixed with addresses', async () => {
    const t = tempDb();
    const a = await t.run(['domains', 'check']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('domains check needs at least one address, or - to read them from stdin');
    const b = await t.run(['domains', 'check', '-', 'jane@nasa.gov']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('- (read stdin) cannot be combined with addresses');
  });

  test('is read-only: no unmapped agency is created', async () => {
    const t = tempDb();
    await t.run(['init']);
    const before = dumpTables(t.dbPath);
    const r = await t.run(['domains', 'check', 'bob@example.gov']);
    expect(r.code).toBe(0);
    expect(dumpTables(t.dbPath)).toBe(before);
  });
});

describe('domains allow / deny / list / remove', () => {
  test('round trip with who and when, and the rules apply to check', async () => {
    const t = tempDb();
    expect((await t.run(['domains', 'allow', '.State.TX.us.', '--reason', 'Texas agencies'])).stderr).toBe(
      'allowed domain suffix state.tx.us (and its subdomains), by tester at 2026-11-23T12:00:00Z\n',
    );
    expect((await t.run(['domains', 'allow', 'Clerk@SmallCounty.org', '--reason', 'county clerk, no .gov mailbox'])).code).toBe(0);
    expect((await t.run(['domains', 'deny', 'test.army.mil'], { now: '2026-11-24T08:30:00Z' })).code).toBe(0);

    const list = await t.run(['domains', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(
      [
        'action,type,target,reason,created_by,created_at',
        'allow,address,clerk@smallcounty.org,"county clerk, no .gov mailbox",tester,2026-11-23T12:00:00Z',
        'allow,suffix,state.tx.us,Texas agencies,tester,2026-11-23T12:00:00Z',
        'deny,suffix,test.army.mil,,tester,2026-11-24T08:30:00Z',
        '',
      ].join('\n'),
    );
    const json = await t.run(['--format', 'json', 'domains', 'list']);
    expect(JSON.parse(json.stdout)[0]).toEqual({
      action: 'allow',
      type: 'address',
      target: 'clerk@smallcounty.org',
      reason: 'county clerk, no .gov mailbox',
      created_by: 'tester',
      created_at: '2026-11-23T12:00:00Z',
    });

    const check = await t.run(['domains', 'check', 'a@dshs.state.tx.us', 'clerk@smallcounty.org', 'other@smallcounty.org', 'x@lab.test.army.mil']);
    expect(check.code).toBe(3);
    expect(check.stdout.split('\n').slice(1, 5).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
      'a@dshs.state.tx.us,yes,ok',
      'clerk@smallcounty.org,yes,ok',
      'other@smallcounty.org,no,ineligible_domain',
      'x@lab.test.army.mil,no,denied_domain',
    ]);

    const rm = await t.run(['domains', 'remove', 'test.army.mil']);
    expect(rm.code).toBe(0);
    expect(rm.stderr).toBe('removed deny test.army.mil\n');
    expect((await t.run(['domains', 'check', 'x@lab.test.army.mil'])).code).toBe(0);

    const db = openDb(t.dbPath);
    try {
      expect(db.prepare('SELECT action, target_type, target, reason, created_by, created_at FROM domain_rules ORDER BY target').raw().all()).toEqual([
        ['allow', 'address', 'clerk@smallcounty.org', 'county clerk, no .gov mailbox', 'tester', '2026-11-23T12:00:00Z'],
        ['allow', 'suffix', 'state.tx.us', 'Texas agencies', 'tester', '2026-11-23T12:00:00Z'],
      ]);
    } finally {
      db.close();
    }
  });

  test('allowing again updates reason, who and when instead of duplicating', async () => {
    const t = tempDb();
    await t.run(['domains', 'allow', 'example.org', '--reason', 'test']);
    const again = await t.run(['domains', 'allow', 'example.org', '--reason', 'partner'], { now: '2026-12-01T00:00:00Z' });
    expect(again.stderr).toBe('updated: allowed domain suffix example.org (and its subdomains), by tester at 2026-12-01T00:00:00Z\n');
    expect((await t.run(['domains', 'list'])).stdout).toBe('action,type,target,reason,created_by,created_at\nallow,suffix,example.org,partner,tester,2026-12-01T00:00:00Z\n');
  });

  test('bad targets are usage errors and change nothing', async () => {
    const t = tempDb();
    await t.run(['init']);
    const before = dumpTables(t.dbPath);
    const cases: [string[], string][] = [
      [['domains', 'allow', 'clerk@county.org'], 'allowing the address clerk@county.org needs a reason'],
      [['domains', 'allow', 'org'], '"org" is not a domain suffix of at least two labels (like state.tx.us) nor an address'],
      [['domains', 'allow', 'a@b@c.org', '--reason', 'x'], '"a@b@c.org" is not a valid address'],
      [['domains', 'deny', 'jane@nasa.gov'], 'domains deny takes a domain suffix, not an address'],
      [['domains', 'remove', 'nothing.gov'], 'no allow or deny rule on nothing.gov'],
      [['domains', 'allow', 'nаsa.gov'], 'is not a domain suffix'],
      [['domains', 'allow', 'state.tx.us'], 'allowing the domain suffix state.tx.us needs a reason'],
      [['domains', 'allow', 'state.tx.us', '--reason', '  '], 'allowing the domain suffix state.tx.us needs a reason'],
      [['domains', 'allow', 'gmail.com', '--reason', 'contractors'], 'gmail.com is a public mail provider: allowing it would admit anyone with a mailbox there'],
      [['domains', 'allow', 'Mail.GMAIL.com.', '--reason', 'x'], 'mail.gmail.com is under the public mail provider gmail.com'],
      [['domains', 'allow', 'proton.me', '--reason', 'x'], 'proton.me is a public mail provider'],
      [['domains', 'allow', 'jo@gmail.com', '--reason', '<who they are and why they are eligible>'], 'is the placeholder from a hint'],
    ];
    for (const [argv, message] of cases) {
      const r = await t.run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(dumpTables(t.dbPath)).toBe(before);
  });
});

describe('end to end', () => {
  test('spawned aicop domains check - reads stdin and exits 3', async () => {
    const t = tempDb();
    const r = await spawnAicop(['--db', t.dbPath, 'domains', 'check', '-'], { input: 'jane@mail.nih.gov\nx@gmail.com\n', cwd: t.dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(
      `${HEADER}\njane@mail.nih.gov,yes,ok,National Institutes of Health,Department of Health and Human Services,employee,\n` +
        'x@gmail.com,no,ineligible_domain,,,,"domain gmail.com is not eligible (.gov/.mil only; a typo? for an exception for this one person: aicop domains allow x@gmail.com --reason ""<who they are and why they are eligible>"")"\n',
    );
    expect(r.stderr).toBe('2 addresses checked: 1 eligible, 1 not eligible\n');
  });
});
