import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnAicop, tempDir } from './helpers.js';

describe('-o with an extension the command cannot write (through bin/aicop.js)', () => {
  it('is a usage error naming the extensions it can write, writes nothing, and --format overrides it', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'cop.db');
    expect((await spawnAicop(['--db', db, 'init'], { cwd: dir })).code).toBe(0);

    const pdf = await spawnAicop(['--db', db, 'report', 'annual', '--fy', '2023', '-o', 'report.pdf'], { cwd: dir });
    expect(pdf.code).toBe(2);
    expect(pdf.stderr).toBe('aicop: error: -o report.pdf: this command cannot write .pdf files (it writes .html, .htm, .md, .json, .txt, .xlsx)\n  choose one of those extensions, or pass --format md to write md under this name\n');
    expect(fs.existsSync(path.join(dir, 'report.pdf'))).toBe(false);

    const xlsx = await spawnAicop(['--db', db, 'members', 'list', '-o', 'members.xlsx'], { cwd: dir });
    expect(xlsx.code).toBe(2);
    expect(xlsx.stderr).toBe('aicop: error: -o members.xlsx: this command cannot write .xlsx files (it writes .json, .csv, .txt)\n  choose one of those extensions, or pass --format csv to write csv under this name\n');
    expect(fs.existsSync(path.join(dir, 'members.xlsx'))).toBe(false);

    const forced = await spawnAicop(['--db', db, 'members', 'list', '--format', 'csv', '-o', 'members.xlsx'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'members.xlsx'), 'utf8').split('\n')[0]).toMatch(/^email,first_name,last_name,/);

    const none = await spawnAicop(['--db', db, 'members', 'list', '-o', 'members'], { cwd: dir });
    expect(none.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'members'), 'utf8')).toMatch(/^email,/);
  });
});
