import type { Migration } from './types.js';

/**
 * Lets an attendance import keep the report rollups in bulk, as 011 did for rosters: while its
 * transaction holds 'bulk:attendance' in meta, the INSERT trigger of attendance stands aside,
 * and the import adds the rows it inserted to event_stats, attendee_fy and member_attendee_fy
 * with three grouped statements before it commits (src/db/rollups.ts). Row by row, the trigger
 * cost about 15 s per million rows; the grouped statements give the same contents (the rollup
 * tests compare them with their definitions). UPDATE and DELETE keep their triggers.
 */
export const migration016: Migration = {
  version: 16,
  name: 'bulk attendance rollups',
  sql: `
DROP TRIGGER attendance_report_ai;
CREATE TRIGGER attendance_report_ai AFTER INSERT ON attendance
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk:attendance') BEGIN
  UPDATE event_stats SET registrations = registrations + NEW.registered, attendances = attendances + NEW.attended,
    s1 = s1 + (NEW.satisfaction IS 1), s2 = s2 + (NEW.satisfaction IS 2), s3 = s3 + (NEW.satisfaction IS 3),
    s4 = s4 + (NEW.satisfaction IS 4), s5 = s5 + (NEW.satisfaction IS 5),
    n0 = n0 + (NEW.nps IS 0), n1 = n1 + (NEW.nps IS 1), n2 = n2 + (NEW.nps IS 2), n3 = n3 + (NEW.nps IS 3),
    n4 = n4 + (NEW.nps IS 4), n5 = n5 + (NEW.nps IS 5), n6 = n6 + (NEW.nps IS 6), n7 = n7 + (NEW.nps IS 7),
    n8 = n8 + (NEW.nps IS 8), n9 = n9 + (NEW.nps IS 9), n10 = n10 + (NEW.nps IS 10)
  WHERE event_id = NEW.event_id;
  INSERT INTO attendee_fy (fy, email, n)
    SELECT fy, NEW.email, 1 FROM event_stats WHERE event_id = NEW.event_id AND NEW.attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
  INSERT INTO member_attendee_fy (fy, member_id, n)
    SELECT es.fy, NEW.member_id, 1 FROM event_stats es JOIN member_spans s ON s.member_id = NEW.member_id
      AND s.start_on <= es.held_on AND (s.end_on IS NULL OR s.end_on > es.held_on)
    WHERE es.event_id = NEW.event_id AND NEW.attended = 1
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
`,
};
