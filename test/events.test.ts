import { describe, expect, it } from 'vitest';
import { parseEventType, parseScore, parseYesNo, validateAttendanceRow, validateEventRow } from '../src/core/events.js';

describe('event row validation', () => {
  const good = { id: ' 2023-01-CM ', title: 'January Community Meeting', type: 'Community Meeting', held_on: '1/18/2023', track: '', host: 'GSA', government_wide: 'Yes' };

  it('normalises a good row', () => {
    expect(validateEventRow(good)).toEqual({
      ok: true,
      record: { id: '2023-01-CM', title: 'January Community Meeting', type: 'community_meeting', heldOn: '2023-01-18', track: null, series: null, host: 'GSA', governmentWide: true },
    });
    expect(validateEventRow({ ...good, track: 'technical', host: ' ', government_wide: '' })).toMatchObject({ ok: true, record: { track: 'Technical', host: null, governmentWide: false } });
  });

  it.each([
    ['community-meeting', 'community_meeting'],
    ['Monthly Community Meeting', 'community_meeting'],
    ['TRAINING', 'training'],
    ['Training Series', 'training'],
    ['Applied AI Challenge', 'challenge'],
    ['Workshop', 'workshop'],
    ['webinar', 'webinar'],
    ['party', null],
    ['', null],
  ])('type %j → %j', (raw, type) => {
    expect(parseEventType(raw)).toBe(type);
  });

  it.each([
    [{ id: '' }, 'bad_value', 'the event id is empty (every event needs its own key, e.g. 2023-09-CM)'],
    [{ title: '' }, 'bad_value', 'event 2023-01-CM: the title is empty'],
    [{ type: 'party' }, 'bad_value', 'event 2023-01-CM: type "party" is not one of community_meeting, training, challenge, workshop, webinar'],
    [{ held_on: '2023-02-30' }, 'bad_date', 'event 2023-01-CM: date "2023-02-30" is not a date (use YYYY-MM-DD or M/D/YYYY)'],
    [{ held_on: '' }, 'bad_date', 'event 2023-01-CM: the date (held_on) is empty'],
    [{ track: 'Marketing' }, 'bad_value', 'event 2023-01-CM: track "Marketing" is not one of Acquisition, Leadership, Technical'],
    [{ government_wide: 'maybe' }, 'bad_value', 'event 2023-01-CM: government_wide "maybe" is not yes or no'],
  ])('rejects %j as %s', (patch, reason, detail) => {
    expect(validateEventRow({ ...good, ...patch })).toEqual({ ok: false, reason, detail });
  });
});

describe('attendance row validation', () => {
  const known = new Set(['2023-01-CM']);
  const opts = { eventExists: (id: string) => known.has(id) };
  const good = { event_id: '2023-01-CM', email: ' Ann.Lee@GSA.gov ', registered: '', attended: 'yes', satisfaction: '5', nps: '10', comment: ' Great ' };

  it('normalises a good row (registered defaults to yes)', () => {
    expect(validateAttendanceRow(good, opts)).toEqual({
      ok: true,
      record: { eventId: '2023-01-CM', email: 'ann.lee@gsa.gov', registered: true, attended: true, satisfaction: 5, nps: 10, comment: 'Great' },
    });
  });

  it('accepts attendees from any domain (only the syntax matters) and blank scores as no response', () => {
    expect(validateAttendanceRow({ event_id: '2023-01-CM', email: 'pat@gmail.com', attended: 'n' }, opts)).toEqual({
      ok: true,
      record: { eventId: '2023-01-CM', email: 'pat@gmail.com', registered: true, attended: false, satisfaction: null, nps: null, comment: null },
    });
  });

  it('a survey answer with a blank attended cell means attended', () => {
    expect(validateAttendanceRow({ event_id: '2023-01-CM', email: 'a@gsa.gov', satisfaction: '4' }, opts)).toMatchObject({ ok: true, record: { attended: true, satisfaction: 4 } });
  });

  it('takes the event from --event when the file has no event_id', () => {
    expect(validateAttendanceRow({ email: 'a@gsa.gov', attended: 'yes' }, { ...opts, defaultEventId: '2023-01-CM' })).toMatchObject({ ok: true, record: { eventId: '2023-01-CM' } });
    expect(validateAttendanceRow({ event_id: 'other', email: 'a@gsa.gov' }, { ...opts, defaultEventId: '2023-01-CM' })).toEqual({
      ok: false,
      reason: 'bad_value',
      detail: 'event_id "other" differs from --event 2023-01-CM',
    });
  });

  it.each([
    [{ satisfaction: '6' }, 'bad_value', 'ann.lee@gsa.gov: satisfaction "6" is not a whole number from 1 to 5 (leave it blank for no response)'],
    [{ satisfaction: 'great' }, 'bad_value', 'ann.lee@gsa.gov: satisfaction "great" is not a whole number from 1 to 5 (leave it blank for no response)'],
    [{ satisfaction: '0' }, 'bad_value', 'ann.lee@gsa.gov: satisfaction "0" is not a whole number from 1 to 5 (leave it blank for no response)'],
    [{ satisfaction: '4.5' }, 'bad_value', 'ann.lee@gsa.gov: satisfaction "4.5" is not a whole number from 1 to 5 (leave it blank for no response)'],
    [{ nps: '11' }, 'bad_value', 'ann.lee@gsa.gov: nps "11" is not a whole number from 0 to 10 (leave it blank for no response)'],
    [{ attended: 'sort of' }, 'bad_value', 'ann.lee@gsa.gov: attended "sort of" is not yes or no'],
    [{ registered: '2' }, 'bad_value', 'ann.lee@gsa.gov: registered "2" is not yes or no'],
    [{ attended: 'no' }, 'bad_value', 'ann.lee@gsa.gov: a satisfaction or nps score is given but attended is no'],
    [{ event_id: 'NOPE' }, 'unknown_event', 'event "NOPE" is not in the database (import it first: aicop import events <file>)'],
    [{ event_id: '' }, 'unknown_event', 'the event_id is empty (name the event, or pass --event <id> for the whole file)'],
    [{ email: '' }, 'missing_email', 'the email is empty (every row needs an address)'],
    [{ email: 'ann.lee' }, 'invalid_syntax', 'ann.lee has no @ (expected name@agency.gov)'],
  ])('rejects %j as %s', (patch, reason, detail) => {
    expect(validateAttendanceRow({ ...good, ...patch }, opts)).toEqual({ ok: false, reason, detail });
  });

  it('parses yes/no words and scores strictly', () => {
    for (const w of ['yes', 'Y', 'TRUE', '1', 't']) expect(parseYesNo(w, false)).toBe(true);
    for (const w of ['no', 'N', 'false', '0', 'f']) expect(parseYesNo(w, true)).toBe(false);
    expect(parseYesNo('  ', true)).toBe(true);
    expect(parseYesNo('si', true)).toBeUndefined();
    expect(parseScore(' 3 ', 1, 5)).toBe(3);
    expect(parseScore('', 1, 5)).toBeNull();
    expect(parseScore('-1', 0, 10)).toBeUndefined();
    expect(parseScore('1e1', 0, 10)).toBeUndefined();
  });
});
