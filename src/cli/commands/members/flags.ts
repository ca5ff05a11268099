import { Option, type Command } from 'commander';
import { MEMBER_STATUSES, type MemberStatus } from '../../../db/members-read.js';

// Flags shared by several verbs; loaded at start-up with the registrations, so kept light.

/** The filters `members list` and `export members` share, as given on the command line. */
export interface MemberFilterFlags {
  readonly status: MemberStatus;
  readonly agency?: string;
  readonly group?: string;
  readonly search?: string;
}

export function addMemberFilterOptions(cmd: Command, defaultStatus: MemberStatus): Command {
  return cmd
    .addOption(new Option('--status <status>', 'active, inactive or all').choices(MEMBER_STATUSES).default(defaultStatus))
    .option('--agency <agency>', 'only members of this agency: its name, one of its domains, or its id')
    .option('--group <name>', 'only current members of this working group or practice area')
    .option('--search <text>', 'only members whose email or name contains this text (case-insensitive)');
}

export function memberFilterFlags(o: { status: MemberStatus; agency?: string; group?: string; search?: string }): MemberFilterFlags {
  return {
    status: o.status,
    ...(o.agency !== undefined ? { agency: o.agency } : {}),
    ...(o.group !== undefined ? { group: o.group } : {}),
    ...(o.search !== undefined ? { search: o.search } : {}),
  };
}

/** Member fields settable from flags (the roster's fields, same validation as an import). */
export interface MemberFieldFlags {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly agency?: string;
  readonly type?: string;
  readonly title?: string;
  readonly track?: string;
  readonly groups?: string;
  readonly joinedOn?: string;
}

/** The field flags of `members add` (which shows the defaults of a new member) and `members update`. */
export function memberFieldOptions(cmd: Command, verb: 'add' | 'update'): Command {
  const defaults = verb === 'add';
  return cmd
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--agency <text>', 'the agency as the member reported it (the agency itself comes from the email domain)')
    .option('--type <type>', `employee or contractor${defaults ? ' (default: employee; contractor for first.last.ctr@….mil)' : ''}`)
    .option('--title <text>', 'job title')
    .option('--track <track>', 'role track: Acquisition, Leadership or Technical')
    .option('--joined-on <date>', `join date: YYYY-MM-DD, M/D/YYYY or M/D/YY${defaults ? ' (default: today)' : ''}`);
}
