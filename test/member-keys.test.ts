import { describe, expect, it } from 'vitest';
import { addressKey, nameKey } from '../src/core/identity.js';
import { registeredDomain } from '../src/core/agency-match.js';
import { ensureMemberKeys } from '../src/db/identity-repo.js';
import { openDb, tempDb, writeFile } from './helpers.js';

type T = ReturnType<typeof tempDb>;
type KeyRow = [number, string, string | null];

/** The stored keys, and the keys every member should have, computed from its row. */
function keys(t: T): { stored: KeyRow[]; expected: KeyRow[] } {
  const db = openDb(t.dbPath);
  try {
    const stored = db.prepare('SELECT member_id, address_key, name_key FROM member_keys ORDER BY member_id').raw().all() as KeyRow[];
    const members = db.prepare('SELECT id, email, domain, first_name, last_name, agency_id FROM members ORDER BY id').raw().all() as [number, string, string, string | null, string | null, number | null][];
    const expected = members.map(([id, email, domain, f, l, a]): KeyRow => [id, addressKey(email, registeredDomain(domain)), nameKey(f, l, a)]);
    return { stored, expected };
  } finally {
    db.close();
  }
}

/** Every stored key is the one its member's row gives (missing ones are computed by the next check). */
function expectCorrectOrMissing(t: T): void {
  const { stored, expected } = keys(t);
  const byId = new Map(expected.map((k) => [k[0], k]));
  for (const k of stored) expect(k).toEqual(byId.get(k[0]));
}

describe('stored look-alike keys (migration 020)', () => {
  it('fold names as SQLite trim() and lower() did: spaces and A–Z only', () => {
    expect(nameKey('  Ann ', 'LEE', 7)).toBe('ann\u001flee\u001f7');
    expect(nameKey('ÉLISE', 'Ñu', 7)).toBe('Élise\u001fÑu\u001f7');
    expect(nameKey('\tAnn', 'Lee', 7)).toBe('\tann\u001flee\u001f7');
    expect(nameKey('Ann', '  ', 7)).toBeNull();
    expect(nameKey('Ann', 'Lee', null)).toBeNull();
    expect(addressKey('Jose.Garcia+cop@hq.nasa.gov', registeredDomain('hq.nasa.gov'))).toBe('JoseGarcia@nasa.gov');
    expect(addressKey('a.b@x.state.tx.us', registeredDomain('x.state.tx.us'))).toBe('ab@state.tx.us');
  });

  it('are computed for every member at the first check, kept right through updates, renames, undo and merge, and go with a purge', async () => {
    const t = tempDb();
    const f1 = writeFile(t.dir, 'r1.csv', 'email,first_name,last_name,agency\njose.garcia@nih.gov,Jose,Garcia,NIH\nann.lee@nasa.gov,Ann,Lee,NASA\nbo.chan@nasa.gov,Bo,Chan,NASA\n');
    expect((await t.run(['import', 'members', f1])).code).toBe(0);
    // The first import into an empty database has no one to compare with: no keys yet.
    expect(keys(t).stored).toEqual([]);
    const f2 = writeFile(t.dir, 'r2.csv', 'email,first_name,last_name,agency\njosegarcia@nih.gov,Jose,Garcia,NIH\n');
    const r2 = await t.run(['import', 'members', f2]);
    expect(r2.stderr).toContain('josegarcia@nih.gov ~ jose.garcia@nih.gov');
    expect(keys(t).stored).toEqual(keys(t).expected);
    expect(keys(t).stored).toHaveLength(4);

    // A name change drops that member's keys; the next check computes them again.
    expect((await t.run(['members', 'update', 'ann.lee@nasa.gov', '--first-name', 'Anne'])).code).toBe(0);
    expect(keys(t).stored.map((k) => k[0])).toEqual([1, 3, 4]);
    expectCorrectOrMissing(t);
    const f3 = writeFile(t.dir, 'r3.csv', 'email,previous_email,first_name,last_name,agency\nbo.chan2@nasa.gov,bo.chan@nasa.gov,Bo,Chan,NASA\nann.lee2@nasa.gov,,Anne,Lee,NASA\n');
    const r3 = await t.run(['import', 'members', f3]);
    expect(r3.code).toBe(0);
    expect(r3.stderr).toContain('ann.lee2@nasa.gov ~ ann.lee@nasa.gov');
    expect(keys(t).stored).toEqual(keys(t).expected);
    const batch = Number(/batch (\d+) in/.exec(r3.stderr)?.[1]);
    expect((await t.run(['--yes', 'imports', 'undo', String(batch)])).code).toBe(0);
    expectCorrectOrMissing(t);

    expect((await t.run(['--yes', 'members', 'merge', 'josegarcia@nih.gov', 'jose.garcia@nih.gov'])).code).toBe(0);
    expectCorrectOrMissing(t);
    const db = openDb(t.dbPath);
    try {
      ensureMemberKeys(db);
    } finally {
      db.close();
    }
    expect(keys(t).stored).toEqual(keys(t).expected);

    expect((await t.run(['--yes', 'members', 'remove', 'ann.lee@nasa.gov', '--purge'])).code).toBe(0);
    const after = keys(t);
    expect(after.stored).toEqual(after.expected);
    expect(JSON.stringify(after.stored)).not.toContain('annlee');
  });
});
