import { migration001 } from './001-initial.js';
import { migration002 } from './002-seed-groups.js';
import { migration003 } from './003-builtin-agencies.js';
import { migration007 } from './007-report-indexes.js';
import { migration009 } from './009-report-rollups.js';
import { migration010 } from './010-lean-member-indexes.js';
import { migration011 } from './011-bulk-import-rollups.js';
import { migration012 } from './012-member-agency-index.js';
import { migration013 } from './013-membership-history.js';
import { migration014 } from './014-bad-quoting-reason.js';
import { migration015 } from './015-member-aliases.js';
import { migration016 } from './016-bulk-attendance-rollups.js';
import { migration017 } from './017-event-series.js';
import { migration018 } from './018-event-group-attendees.js';
import { migration019 } from './019-open-assignments-by-group.js';
import { migration020 } from './020-member-keys.js';
import { migration023 } from './023-member-prints.js';
import { migration024 } from './024-attendee-totals.js';
import type { Migration } from './types.js';

/** Every migration in order; the last one's version is the schema this code expects. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration007, migration009, migration010, migration011, migration012, migration013, migration014, migration015, migration016, migration017, migration018, migration019, migration020, migration023, migration024];
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
export type { Migration };
