/**
 * Fixes from the SPEC audit (S4): each test pins a behaviour that was wrong before its fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { tempDb, writeFile } from './helpers.js';

describe('"today" is the local date of the process time zone (TZ), not the UTC date', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.TZ;
    // Node re-reads TZ when it is assigned: Date's local getters follow it from here on.
    process.env.TZ = 'America/New_York';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  test('at 10 pm Eastern on 30 September, members add joins on 30 September and --fy current is that fiscal year', async () => {
    const t = tempDb();
    const now = '2026-10-01T02:00:00Z';
    expect((await t.run(['members', 'add', '--email', 'a@gsa.gov'], { now })).code).toBe(0);
    const list = await t.run(['members', 'list', '--format', 'json'], { now });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { joined_on: string }[]).map((m) => m.joined_on)).toEqual(['2026-09-30']);
    const rep = await t.run(['report', 'membership', '--fy', 'current', '--format', 'json'], { now });
    expect(rep.code).toBe(0);
    const json = JSON.parse(rep.stdout) as { fiscal_year: number; membership: { joined: number; at_end: number } };
    expect(json.fiscal_year).toBe(2026);
    expect(json.membership.joined).toBe(1);
    expect(json.membership.at_end).toBe(1);
  });
});
