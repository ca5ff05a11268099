#!/usr/bin/env node
// Deterministic large-data generator for the benchmarks (streams to disk, constant memory):
//   npm run gen -- --members 1000000 --events 500 --attendance 5000000 --out /tmp/aicop-big [--seed 42]
// (--out defaults to <os tmpdir>/aicop-gen)
// members.csv: ~3% invalid emails (ineligible domain, bad syntax, look-alike) and ~2% duplicates of
// an earlier row (half of them in upper case); valid addresses on a mix of .gov/.mil domains.
// events.csv: ids EV00001…, spread over FY2021–FY2026. attendance.csv: distinct (event, email)
// pairs of members, spread evenly over the events.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { FIRST_NAMES, LAST_NAMES, csvCell, dayFromIso, isoFromDay, prng } from './prng.mjs';

const DOMAINS = [
  'nih.gov', 'va.gov', 'gsa.gov', 'army.mil', 'navy.mil', 'us.af.mil', 'nasa.gov', 'hhs.gov', 'cdc.gov', 'irs.gov',
  'treasury.gov', 'cisa.dhs.gov', 'nist.gov', 'noaa.gov', 'census.gov', 'state.gov', 'usda.gov', 'opm.gov', 'ssa.gov',
  'faa.gov', 'epa.gov', 'energy.gov', 'nsf.gov', 'uspto.gov', 'mail.nih.gov', 'cms.hhs.gov', 'dir.texas.gov', 'cdt.ca.gov',
  'its.ny.gov', 'mass.gov', 'colorado.gov', 'nc.gov', 'wa.gov', 'boston.gov', 'austintexas.gov', 'seattle.gov', 'nyc.gov',
  'fairfaxcounty.gov', 'kingcounty.gov', 'sandiegocounty.gov',
];
const AGENCIES = ['GSA', 'NIH', 'Dept. of Veterans Affairs', 'U.S. Army', 'NASA', 'Texas DIR', '"City of Boston, IT"', ''];
const TITLES = ['Data Scientist', 'IT Specialist', 'Program Analyst', 'Contracting Officer', 'Software Engineer', 'Statistician', ''];
const TRACKS = ['Acquisition', 'Leadership', 'Technical', ''];
const WGS = ['Event Planning', 'Community Outreach', 'External Collaborations', 'Tools and Resources'];
const PAS = ['Generative AI', 'Reinforcement Learning', 'AI Security', 'Natural Language Processing', 'Computer Vision'];
const EVENT_TYPES = ['community_meeting', 'training', 'challenge', 'workshop', 'webinar'];
const BAD_DOMAINS = ['gmail.com', 'yahoo.com', 'example-gov.com', 'nasa.gov.example.com'];

/** murmur3's finaliser: a cheap integer hash, so a member's address is a pure function of its index. */
function mix(i) {
  let h = (i + 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The valid address of member i (unique by construction: the index is part of the local part). */
export function memberEmail(i) {
  const h = mix(i);
  const first = FIRST_NAMES[h % FIRST_NAMES.length].toLowerCase();
  const last = LAST_NAMES[(h >>> 8) % LAST_NAMES.length].toLowerCase();
  const domain = DOMAINS[(h >>> 16) % DOMAINS.length];
  const ctr = domain.endsWith('.mil') && (h & 7) === 0 ? '.ctr' : '';
  return `${first}.${last}${i}${ctr}@${domain}`;
}

/** Buffered writer: builds ~1 MB strings and writes them synchronously (fast, constant memory). */
function writer(file) {
  const fd = fs.openSync(file, 'w');
  let buf = '';
  return {
    line(s) {
      buf += s;
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf);
        buf = '';
      }
    },
    close() {
      if (buf) fs.writeSync(fd, buf);
      fs.closeSync(fd);
    },
  };
}

function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Writes the files and returns their row counts. */
export function generate({ members, events, attendance, out, seed = 42 }) {
  fs.mkdirSync(out, { recursive: true });
  const rnd = prng(seed);
  const start = dayFromIso('2020-10-01');
  const span = dayFromIso('2026-09-30') - start;
  // Date formatting per row is slow; a table of every day in the span is not.
  const isoDays = Array.from({ length: span + 1 }, (_, d) => isoFromDay(start + d));
  const mdyDays = isoDays.map((iso) => `${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}/${iso.slice(0, 4)}`);
  const counts = { members: 0, invalid: 0, duplicates: 0, events: 0, attendance: 0 };

  if (members > 0) {
    const w = writer(path.join(out, 'members.csv'));
    w.line('email,first_name,last_name,agency,type,title,track,working_groups,practice_areas,joined\n');
    for (let i = 0; i < members; i++) {
      const h = mix(i);
      let email;
      const r = rnd.next();
      if (r < 0.03) {
        counts.invalid++;
        const k = rnd.int(3);
        email = k === 0 ? `user${i}@${BAD_DOMAINS[rnd.int(BAD_DOMAINS.length)]}` : k === 1 ? `user${i}.gsa.gov` : `user ${i}@@va.gov`;
      } else if (r < 0.05 && i > 0) {
        counts.duplicates++;
        email = memberEmail(rnd.int(i));
        if (rnd.chance(0.5)) email = email.toUpperCase();
      } else {
        email = memberEmail(i);
      }
      const first = FIRST_NAMES[h % FIRST_NAMES.length];
      const last = LAST_NAMES[(h >>> 8) % LAST_NAMES.length];
      const wg = rnd.chance(0.4) ? WGS[rnd.int(4)] : '';
      const pa = rnd.chance(0.6) ? (rnd.chance(0.3) ? `${PAS[rnd.int(5)]};${PAS[rnd.int(5)]}` : PAS[rnd.int(5)]) : '';
      const d = rnd.int(span);
      const joined = rnd.chance(0.5) ? isoDays[d] : mdyDays[d];
      w.line(
        `${email},${first},${last},${AGENCIES[rnd.int(AGENCIES.length)]},${email.includes('.ctr@') ? 'contractor' : rnd.chance(0.9) ? 'employee' : ''},` +
          `${TITLES[rnd.int(TITLES.length)]},${TRACKS[rnd.int(TRACKS.length)]},${wg},${pa},${joined}\n`,
      );
    }
    w.close();
    counts.members = members;
  }

  const eventIds = [];
  if (events > 0) {
    const w = writer(path.join(out, 'events.csv'));
    w.line('id,title,type,held_on,track,host,government_wide\n');
    for (let e = 0; e < events; e++) {
      const id = `EV${String(e + 1).padStart(5, '0')}`;
      eventIds.push(id);
      const type = EVENT_TYPES[rnd.int(EVENT_TYPES.length)];
      const track = type === 'training' ? TRACKS[rnd.int(3)] : '';
      w.line(`${id},${csvCell(`Event ${e + 1}: ${PAS[e % 5]}, ${type}`)},${type},${isoDays[Math.floor((e * span) / events)]},${track},GSA,${rnd.chance(0.8) ? 'yes' : 'no'}\n`);
    }
    w.close();
    counts.events = events;
  }

  if (attendance > 0) {
    if (eventIds.length === 0) throw new Error('--attendance needs --events > 0');
    const pool = Math.max(members, 1);
    const per = Math.ceil(attendance / eventIds.length);
    if (per > pool) throw new Error(`--attendance ${attendance} needs at least ${per} members per event (have ${pool})`);
    // A stride coprime with the pool visits distinct members within one event.
    let stride = 7919;
    while (gcd(stride, pool) !== 1) stride += 2;
    const w = writer(path.join(out, 'attendance.csv'));
    w.line('event_id,email,registered,attended,satisfaction,nps,comment\n');
    let n = 0;
    for (let e = 0; e < eventIds.length && n < attendance; e++) {
      const offset = mix(e) % pool;
      for (let k = 0; k < per && n < attendance; k++, n++) {
        const attended = rnd.chance(0.85);
        const responds = attended && rnd.chance(0.6);
        const sat = responds ? rnd.weighted([[5, 45], [4, 35], [3, 12], [2, 5], [1, 3]]) : '';
        const nps = responds && rnd.chance(0.5) ? rnd.int(11) : '';
        w.line(`${eventIds[e]},${memberEmail((offset + k * stride) % pool)},yes,${attended ? 'yes' : 'no'},${sat},${nps},\n`);
      }
    }
    w.close();
    counts.attendance = n;
  }
  return counts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        members: { type: 'string', default: '0' },
        events: { type: 'string', default: '0' },
        attendance: { type: 'string', default: '0' },
        // Never beside the repository's own data by default.
        out: { type: 'string', default: path.join(os.tmpdir(), 'aicop-gen') },
        seed: { type: 'string', default: '42' },
      },
    });
  } catch (err) {
    console.error(`gen: ${err.message} (usage: npm run gen -- --members N --events N --attendance N --out DIR [--seed N])`);
    process.exit(2);
  }
  const { values } = parsed;
  const num = (name) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < 0) {
      console.error(`gen: --${name} must be a whole number ≥ 0 (got ${values[name]})`);
      process.exit(2);
    }
    return v;
  };
  const t0 = performance.now();
  try {
    const c = generate({ members: num('members'), events: num('events'), attendance: num('attendance'), out: path.resolve(values.out), seed: num('seed') });
    console.error(
      `gen: wrote ${path.resolve(values.out)}: ${c.members} members (${c.invalid} invalid, ${c.duplicates} duplicates), ${c.events} events, ${c.attendance} attendance rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    console.error(`gen: ${err.message}`);
    process.exit(2);
  }
}
