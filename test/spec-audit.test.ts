/**
 * SPEC conformance checks found by the S3 audit: each test pins one sentence of the SPEC that the
 * product did not follow before its fix.
 */
import { describe, expect, test } from 'vitest';
import { openDb, tempDb, writeFile } from './helpers.js';

describe('SPEC §5: unmapped agencies are named after the registered domain', () => {
  test('addresses under an allowed .us suffix get one unmapped agency per government, not one per state', async () => {
    const t = tempDb();
    expect((await t.run(['domains', 'allow', 'tx.us'])).code).toBe(0);
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
