import { describe, expect, it } from 'vitest';
import { parseDate } from '../src/core/dates.js';
import { NO_RULES } from '../src/core/email.js';
import {
  MappingError,
  normalizeHeader,
  parseMapOption,
  resolveRosterLayout,
  splitName,
  validateRosterRow,
  type GroupInfo,
  type RosterEnv,
} from '../src/core/roster.js';

const groups = new Map<string, GroupInfo>([
  ['event planning', { id: 6, name: 'Event Planning', kind: 'working_group' }],
  ['generative ai', { id: 1, name: 'Generative AI', kind: 'practice_area' }],
]);
const env: RosterEnv = { rules: NO_RULES, groups };
const header = ['Email', 'Full Name', 'Type', 'Track', 'WG', 'Interests', 'Join Date', 'Org', 'Position'];
const layout = resolveRosterLayout(header);
const row = (over: Partial<Record<string, string>> = {}): string[] => {
  const base: Record<string, string> = { Email: 'Jane.Doe@NASA.GOV.', 'Full Name': 'Jane Doe', Type: '', Track: '', WG: '', Interests: '', 'Join Date': '', Org: 'NASA', Position: '' };
  return header.map((h) => over[h] ?? base[h] ?? '');
};

describe('parseDate', () => {
  it.each([
    ['2023-01-05', '2023-01-05'],
    ['1/5/2023', '2023-01-05'],
    ['12/31/99', '1999-12-31'],
    ['2/29/24', '2024-02-29'],
    [' 2024-02-29 ', '2024-02-29'],
    ['2023-02-29', null],
    ['2023-02-30', null],
    ['13/1/2023', null],
    ['2023/01/05', null],
    ['05.01.2023', null],
    ['', null],
  ])('%j → %j', (s, want) => expect(parseDate(s)).toBe(want));
});

describe('header mapping', () => {
  it('normalises case, spaces, _ - and punctuation', () => {
    expect(normalizeHeader(' E-Mail_Address: ')).toBe('emailaddress');
    expect(resolveRosterLayout(['E-MAIL', 'given_name', 'Surname', 'Date Joined', 'practice-area']).index).toMatchObject({
      email: 0,
      first_name: 1,
      last_name: 2,
      joined_on: 3,
      practice_areas: 4,
    });
  });
  it('reports unknown columns and honours explicit maps (including ignore)', () => {
    const l = resolveRosterLayout(['Courriel', 'Nom', 'Remarks'], [parseMapOption('Courriel=email'), parseMapOption('Nom=last_name')]);
    expect(l.index.email).toBe(0);
    expect(l.index.last_name).toBe(1);
    expect(l.unknown).toEqual(['Remarks']);
    expect(resolveRosterLayout(['email', 'mail'], [['mail', 'ignore']]).index.email).toBe(0);
  });
  it('refuses two columns for one field and a missing email column', () => {
    expect(() => resolveRosterLayout(['Email', 'Work Email'])).toThrow('columns "Email" (column 1) and "Work Email" (column 2) both map to email');
    try {
      resolveRosterLayout(['Courriel', 'Nom']);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MappingError);
      expect((err as MappingError).message).toBe('no email column (columns found: "Courriel", "Nom")');
      expect((err as MappingError).hint).toBe('name the email column with --map "Courriel=email" (or --mapping file.json)');
    }
  });
  it('refuses a bad --map value', () => {
    expect(() => parseMapOption('Courriel')).toThrow(MappingError);
    expect(() => parseMapOption('Courriel=emails')).toThrow(MappingError);
  });
});

describe('validateRosterRow', () => {
  it('normalises a good row', () => {
    expect(validateRosterRow(row({ Type: 'Contractor', Track: 'technical', WG: 'event planning; Generative AI', 'Join Date': '3/4/22' }), layout, env)).toEqual({
      email: 'jane.doe@nasa.gov',
      domain: 'nasa.gov',
      first_name: 'Jane',
      last_name: 'Doe',
      reported_agency: 'NASA',
      member_type: 'contractor',
      defaultType: 'employee',
      job_title: null,
      role_track: 'Technical',
      working_groups: [groups.get('event planning'), groups.get('generative ai')],
      practice_areas: null,
      joined_on: '2022-03-04',
      effective_on: null,
      previous_email: null,
    });
  });
  it('makes .ctr on .mil a contractor by default', () => {
    const r = validateRosterRow(row({ Email: 'john.smith.ctr@army.mil' }), layout, env);
    expect(r).toMatchObject({ member_type: null, defaultType: 'contractor' });
  });
  it.each([
    [{ Email: '' }, 'missing_email'],
    [{ Email: 'jane@@nasa.gov' }, 'invalid_syntax'],
    [{ Email: 'jane@gmail.com' }, 'ineligible_domain'],
    [{ Email: 'jane@nаsa.gov' }, 'non_ascii_domain'],
    [{ WG: 'Event Planning|Knitting' }, 'unknown_group'],
    [{ 'Join Date': '2/30/2023' }, 'bad_date'],
    [{ Type: 'intern' }, 'bad_value'],
    [{ Track: 'Executive' }, 'bad_value'],
  ])('%j → %s', (over, reason) => {
    expect(validateRosterRow(row(over), layout, env)).toMatchObject({ reason });
  });
  it('refuses a denied domain', () => {
    const rules = { allowSuffixes: [], denySuffixes: ['nasa.gov'], allowAddresses: new Set<string>() };
    expect(validateRosterRow(row(), layout, { rules, groups })).toMatchObject({ reason: 'denied_domain', email: 'jane.doe@nasa.gov' });
  });
});

describe('splitName', () => {
  it.each([
    ['Jane Doe', 'Jane', 'Doe'],
    ['Mary Ann  van Dyke', 'Mary Ann van', 'Dyke'],
    ['Doe, Jane', 'Jane', 'Doe'],
    ['Cher', 'Cher', null],
  ])('%j', (full, first, last) => expect(splitName(full)).toEqual({ first, last }));
});
