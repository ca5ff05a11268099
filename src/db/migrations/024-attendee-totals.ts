import type { Migration } from './types.js';

/** What attendee_fy_count holds, computed from the rollups it counts (`aicop db check` and the rollup tests compare). */
export const ROLLUP_CONTENTS_024: Readonly<Record<string, string>> = {
  attendee_fy_count: `SELECT fy, sum(p), sum(m) FROM (
      SELECT fy, 1 AS p, 0 AS m FROM attendee_fy
      UNION ALL SELECT fy, 0, 1 FROM member_attendee_fy)
    GROUP BY 1`,
};

/**
 * The year's unique attendees and unique member attendees as two stored numbers (issue #20, the
 * cold report). The annual report counted the FY's rows of attendee_fy and member_attendee_fy,
 * about 650,000 + 520,000 index entries (some 21 MB of pages) on the bench database: 60 ms when
 * those pages are in the OS cache, 300–400 ms when they are not — most of what made the first
 * report after an import slower than the next ones. attendee_fy_count keeps the two counts per
 * FY, maintained by the two tables' INSERT and DELETE triggers (one trigger per attendee added
 * to or dropped from a year, not per attendance row), as attendee_group_count does per group.
 */
export const migration024: Migration = {
  version: 24,
  name: 'attendee totals',
  sql: `
CREATE TABLE attendee_fy_count (
  fy               INTEGER PRIMARY KEY,
  attendees        INTEGER NOT NULL,
  member_attendees INTEGER NOT NULL
) STRICT;

INSERT INTO attendee_fy_count (fy, attendees, member_attendees) ${ROLLUP_CONTENTS_024.attendee_fy_count};

CREATE TRIGGER attendee_fy_count_ai AFTER INSERT ON attendee_fy BEGIN
  INSERT INTO attendee_fy_count (fy, attendees, member_attendees) VALUES (NEW.fy, 1, 0)
    ON CONFLICT DO UPDATE SET attendees = attendees + 1;
END;
CREATE TRIGGER attendee_fy_count_ad AFTER DELETE ON attendee_fy BEGIN
  UPDATE attendee_fy_count SET attendees = attendees - 1 WHERE fy = OLD.fy;
  DELETE FROM attendee_fy_count WHERE fy = OLD.fy AND attendees = 0 AND member_attendees = 0;
END;
CREATE TRIGGER attendee_fy_count_au AFTER UPDATE OF fy ON attendee_fy WHEN OLD.fy IS NOT NEW.fy BEGIN
  UPDATE attendee_fy_count SET attendees = attendees - 1 WHERE fy = OLD.fy;
  DELETE FROM attendee_fy_count WHERE fy = OLD.fy AND attendees = 0 AND member_attendees = 0;
  INSERT INTO attendee_fy_count (fy, attendees, member_attendees) VALUES (NEW.fy, 1, 0)
    ON CONFLICT DO UPDATE SET attendees = attendees + 1;
END;
CREATE TRIGGER member_attendee_fy_count_ai AFTER INSERT ON member_attendee_fy BEGIN
  INSERT INTO attendee_fy_count (fy, attendees, member_attendees) VALUES (NEW.fy, 0, 1)
    ON CONFLICT DO UPDATE SET member_attendees = member_attendees + 1;
END;
CREATE TRIGGER member_attendee_fy_count_ad AFTER DELETE ON member_attendee_fy BEGIN
  UPDATE attendee_fy_count SET member_attendees = member_attendees - 1 WHERE fy = OLD.fy;
  DELETE FROM attendee_fy_count WHERE fy = OLD.fy AND attendees = 0 AND member_attendees = 0;
END;
CREATE TRIGGER member_attendee_fy_count_au AFTER UPDATE OF fy ON member_attendee_fy WHEN OLD.fy IS NOT NEW.fy BEGIN
  UPDATE attendee_fy_count SET member_attendees = member_attendees - 1 WHERE fy = OLD.fy;
  DELETE FROM attendee_fy_count WHERE fy = OLD.fy AND attendees = 0 AND member_attendees = 0;
  INSERT INTO attendee_fy_count (fy, attendees, member_attendees) VALUES (NEW.fy, 0, 1)
    ON CONFLICT DO UPDATE SET member_attendees = member_attendees + 1;
END;
`,
};
