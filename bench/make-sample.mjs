#!/usr/bin/env node
// Writes data/sample/: a realistic CoP roster (with a few deliberately bad rows), a later roster
// for --sync, events over FY2022–FY2024 and their attendance. Deterministic (seeded): re-running
// it reproduces the committed files byte for byte.
//   node bench/make-sample.mjs [outDir]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIRST_NAMES, LAST_NAMES, csvLine, dayFromIso, isoFromDay, prng } from './prng.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'data', 'sample'));
const rnd = prng(20231001);

// [domain, how people write their agency, weight]; .mil addresses use DoD naming (first.last.civ/.ctr).
const FEDERAL = [
  ['nih.gov', 'NIH', 8], ['mail.nih.gov', 'National Institutes of Health', 3], ['va.gov', 'Dept. of Veterans Affairs', 8],
  ['gsa.gov', 'GSA', 9], ['army.mil', 'U.S. Army', 7], ['navy.mil', 'Department of the Navy', 4], ['us.af.mil', 'US Air Force', 4],
  ['nasa.gov', 'NASA', 7], ['hhs.gov', 'HHS', 4], ['cdc.gov', 'CDC', 4], ['fda.hhs.gov', 'FDA', 3], ['cms.hhs.gov', 'CMS', 3],
  ['treasury.gov', 'Treasury', 3], ['irs.gov', 'IRS', 4], ['hq.dhs.gov', 'DHS', 3], ['cisa.dhs.gov', 'CISA', 4],
  ['nist.gov', 'NIST', 5], ['noaa.gov', 'NOAA', 4], ['census.gov', 'Census Bureau', 4], ['state.gov', 'Department of State', 3],
  ['usda.gov', 'USDA', 4], ['ed.gov', 'Department of Education', 2], ['dol.gov', 'Labor', 2], ['opm.gov', 'OPM', 3],
  ['ssa.gov', 'Social Security Administration', 3], ['dot.gov', 'DOT', 2], ['faa.gov', 'FAA', 3], ['epa.gov', 'EPA', 3],
  ['energy.gov', 'DOE', 3], ['nsf.gov', 'National Science Foundation', 2], ['uspto.gov', 'USPTO', 2], ['usdoj.gov', 'Justice', 2],
  ['fbi.gov', 'FBI', 1], ['sec.gov', 'SEC', 1], ['omb.eop.gov', 'OMB', 1],
];
const STATE = [
  ['dir.texas.gov', 'Texas DIR', 3], ['cdt.ca.gov', 'California Department of Technology', 3], ['ca.gov', 'State of California', 2],
  ['its.ny.gov', 'NYS ITS', 2], ['mass.gov', 'Commonwealth of Massachusetts', 2], ['colorado.gov', 'State of Colorado OIT', 2],
  ['utah.gov', 'Utah DTS', 1], ['nc.gov', 'NCDIT', 2], ['ohio.gov', 'Ohio DAS', 1], ['maryland.gov', 'Maryland DoIT', 1],
  ['georgia.gov', 'GTA', 1], ['wa.gov', 'WaTech', 2],
];
const LOCAL = [
  ['boston.gov', 'City of Boston', 2], ['austintexas.gov', 'City of Austin', 2], ['sanjoseca.gov', 'City of San José', 2],
  ['seattle.gov', 'City of Seattle', 2], ['phila.gov', 'City of Philadelphia', 1], ['nyc.gov', 'NYC OTI', 2],
  ['miamidade.gov', 'Miami-Dade County', 1], ['kingcounty.gov', 'King County', 1], ['fairfaxcounty.gov', 'Fairfax County', 2],
  ['montgomerycountymd.gov', 'Montgomery County, MD', 1], ['cookcountyil.gov', 'Cook County', 1], ['sandiegocounty.gov', 'County of San Diego', 1],
];
// The registered .gov domains of the state and local agencies above, in the columns of CISA's
// .gov registry (current-full.csv), so the demo can map them with `agencies import-dotgov`.
const REGISTRY = [
  ['texas.gov', 'State or territory', 'State of Texas', 'Department of Information Resources', 'Austin', 'TX'],
  ['ca.gov', 'State or territory', 'State of California', '', 'Sacramento', 'CA'],
  ['ny.gov', 'State or territory', 'State of New York', 'Office of Information Technology Services', 'Albany', 'NY'],
  ['mass.gov', 'State or territory', 'Commonwealth of Massachusetts', '', 'Boston', 'MA'],
  ['colorado.gov', 'State or territory', 'State of Colorado', 'Office of Information Technology', 'Denver', 'CO'],
  ['utah.gov', 'State or territory', 'State of Utah', 'Division of Technology Services', 'Salt Lake City', 'UT'],
  ['nc.gov', 'State or territory', 'State of North Carolina', 'Department of Information Technology', 'Raleigh', 'NC'],
  ['ohio.gov', 'State or territory', 'State of Ohio', 'Department of Administrative Services', 'Columbus', 'OH'],
  ['maryland.gov', 'State or territory', 'State of Maryland', 'Department of Information Technology', 'Annapolis', 'MD'],
  ['georgia.gov', 'State or territory', 'State of Georgia', 'Georgia Technology Authority', 'Atlanta', 'GA'],
  ['wa.gov', 'State or territory', 'State of Washington', 'Washington Technology Solutions', 'Olympia', 'WA'],
  ['boston.gov', 'City', 'City of Boston', '', 'Boston', 'MA'],
  ['austintexas.gov', 'City', 'City of Austin', '', 'Austin', 'TX'],
  ['sanjoseca.gov', 'City', 'City of San José', '', 'San José', 'CA'],
  ['seattle.gov', 'City', 'City of Seattle', '', 'Seattle', 'WA'],
  ['phila.gov', 'City', 'City of Philadelphia', '', 'Philadelphia', 'PA'],
  ['nyc.gov', 'City', 'City of New York', 'Office of Technology and Innovation', 'New York', 'NY'],
  ['miamidade.gov', 'County', 'Miami-Dade County', '', 'Miami', 'FL'],
  ['kingcounty.gov', 'County', 'King County', '', 'Seattle', 'WA'],
  ['fairfaxcounty.gov', 'County', 'Fairfax County', '', 'Fairfax', 'VA'],
  ['montgomerycountymd.gov', 'County', 'Montgomery County', '', 'Rockville', 'MD'],
  ['cookcountyil.gov', 'County', 'Cook County', '', 'Chicago', 'IL'],
  ['sandiegocounty.gov', 'County', 'County of San Diego', '', 'San Diego', 'CA'],
];
const DOMAINS = [...FEDERAL, ...STATE, ...LOCAL].map(([d, a, w]) => [[d, a], w]);

const TITLES = [
  'Data Scientist', 'IT Specialist', 'Program Analyst', 'Chief Data Officer', 'Contracting Officer', 'Management Analyst',
  'Software Engineer', 'Statistician', 'Policy Advisor', 'Deputy CIO', 'Product Manager', 'Cybersecurity Specialist',
  'Machine Learning Engineer', 'Acquisition Specialist', 'Branch Chief', 'Operations Research Analyst', 'Innovation Lead',
  'Director, Digital Services', 'Senior Advisor for AI', 'Research Scientist',
];
const WGS = ['Event Planning', 'Community Outreach', 'External Collaborations', 'Tools and Resources'];
const PAS = ['Generative AI', 'Reinforcement Learning', 'AI Security', 'Natural Language Processing', 'Computer Vision'];
const TRACKS = ['Acquisition', 'Leadership', 'Technical'];

const FY21_START = dayFromIso('2020-10-01');
const FY24_END = dayFromIso('2024-09-30');

function mdy(iso) {
  const [y, m, d] = iso.split('-');
  return `${Number(m)}/${Number(d)}/${y}`;
}

/** Growth over time: later days are more likely (the CoP grew). */
function joinDay() {
  const span = FY24_END - FY21_START;
  return FY21_START + Math.floor(Math.sqrt(rnd.next()) * span);
}

function makeMember(used) {
  for (;;) {
    const first = rnd.pick(FIRST_NAMES);
    const last = rnd.pick(LAST_NAMES);
    const [domain, agency] = rnd.weighted(DOMAINS);
    const mil = domain.endsWith('.mil');
    const contractor = rnd.chance(mil ? 0.25 : 0.08);
    let local = `${first}.${last}`.toLowerCase();
    if (mil) local = contractor ? `${local}.ctr` : `${first}.${rnd.pick('abcdefghjklmnprstw')}.${last}.civ`.toLowerCase();
    const email = `${local}@${domain}`;
    if (used.has(email)) continue;
    used.add(email);
    // Roster exports disagree on case: some systems capitalise addresses.
    const capitalise = rnd.chance(0.1);
    const shown = capitalise && !mil ? `${first}.${last}@${domain}` : email;
    const joinedIso = isoFromDay(joinDay());
    return {
      email: shown,
      first,
      last,
      agency: rnd.chance(0.9) ? agency : '',
      // .mil contractors are recognised by '.ctr'; some exports leave the type blank.
      type: contractor ? (mil && rnd.chance(0.5) ? '' : 'contractor') : rnd.chance(0.7) ? 'employee' : '',
      title: rnd.chance(0.85) ? rnd.pick(TITLES) : '',
      track: rnd.chance(0.75) ? rnd.pick(TRACKS) : '',
      wgs: rnd.sample(WGS, rnd.weighted([[0, 3], [1, 5], [2, 2]])).join(';'),
      pas: rnd.sample(PAS, rnd.weighted([[0, 2], [1, 4], [2, 3], [3, 1]])).join(rnd.chance(0.8) ? ';' : '|'),
      joinedIso,
      joined: rnd.chance(0.5) ? joinedIso : mdy(joinedIso),
    };
  }
}

const HEADER = ['Email', 'First Name', 'Last Name', 'Agency', 'Type', 'Title', 'Track', 'Working Groups', 'Practice Areas', 'Joined'];
const row = (m) => [m.email, m.first, m.last, m.agency, m.type, m.title, m.track, m.wgs, m.pas, m.joined];

const used = new Set();
const members = [];
for (let i = 0; i < 296; i++) members.push(makeMember(used));
members.sort((a, b) => (a.joinedIso < b.joinedIso ? -1 : a.joinedIso > b.joinedIso ? 1 : 0));

// The deliberately bad rows, each rejected for one reason, spread through the file.
const m0 = members[40];
const withEmail = (m, f) => ({ ...m, email: f(m.first.toLowerCase(), m.last.toLowerCase()) });
const bad = [
  { ...withEmail(makeMember(used), (f, l) => `${f}${l}1987@gmail.com`), agency: 'City of Springfield' }, // ineligible_domain
  { ...withEmail(makeMember(used), (f, l) => `${f[0]}.${l}@nasa.gov.example.com`), agency: 'NASA' }, // ineligible_domain (look-alike)
  { ...withEmail(makeMember(used), (f, l) => `${f}.${l}@xn--nh-ija.gov`), agency: 'NIH' }, // non_ascii_domain (punycode look-alike)
  { ...m0, email: m0.email.toUpperCase(), title: 'Duplicate entry' }, // duplicate_in_file (different case)
  { ...makeMember(used), joined: '2023-02-30' }, // bad_date
  { ...makeMember(used), wgs: 'Quantum Computing' }, // unknown_group
  { ...makeMember(used), email: '' }, // missing_email
  withEmail(makeMember(used), (f, l) => `${f}.${l}@@gsa.gov`), // invalid_syntax
];
const rows = members.map(row);
bad.forEach((b, i) => rows.splice(60 + i * 30, 0, row(b)));

fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(
  path.join(out, 'dotgov-registry.csv'),
  [
    csvLine(['Domain name', 'Domain type', 'Organization name', 'Suborganization name', 'City', 'State', 'Security contact email']),
    ...REGISTRY.map((r) => csvLine([...r, '(blank)'])),
  ].join(''),
);
fs.writeFileSync(path.join(out, 'members.csv'), [csvLine(HEADER), ...rows.map(csvLine)].join(''));

// A 2024 roster: about 8% have left, some changed titles, 15 joined late FY2024.
const later = [];
for (const m of members) {
  if (rnd.chance(0.08)) continue;
  later.push(rnd.chance(0.1) ? { ...m, title: rnd.pick(TITLES) } : m);
}
for (let i = 0; i < 15; i++) {
  const m = makeMember(used);
  m.joinedIso = isoFromDay(dayFromIso('2024-07-01') + rnd.int(90));
  m.joined = m.joinedIso;
  later.push(m);
}
fs.writeFileSync(path.join(out, 'members-2024-update.csv'), [csvLine(HEADER), ...later.map(row).map(csvLine)].join(''));

// Events: monthly community meetings, a training series per FY with the three tracks, workshops,
// webinars and the applied AI challenge.
const events = [];
const hosts = ['GSA', 'GSA', 'GSA', 'NIST', 'NASA', 'VA', 'DHS CISA', 'NIH', 'Army AI Integration Center', 'Texas DIR'];
function monthDay(y, m, weekday, nth) {
  // nth weekday (0 = Sunday) of month m (1–12) of year y, as ISO.
  const firstDay = dayFromIso(`${y}-${String(m).padStart(2, '0')}-01`);
  const dow = (firstDay + 4) % 7; // 1970-01-01 was a Thursday
  return isoFromDay(firstDay + ((weekday - dow + 7) % 7) + (nth - 1) * 7);
}
const MONTHS = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CM_TOPICS = [
  'AI use-case inventories', 'Responsible AI governance', 'LLMs in citizen services', 'Evaluating vendor AI claims',
  'Computer vision for inspections', 'AI and privacy', 'Chatbots that work', 'Data readiness for AI', 'AI in grants management',
  'Red-teaming generative AI', 'Synthetic data', 'Measuring AI outcomes',
];
for (const fy of [2022, 2023, 2024]) {
  // FY2022 started in January; December has no meeting.
  const months = fy === 2022 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : [10, 11, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  for (const m of months) {
    if (fy === 2022 && m % 2 === 0) continue; // every other month in the first year
    const y = m >= 10 ? fy - 1 : fy;
    const id = `${y}-${String(m).padStart(2, '0')}-CM`;
    events.push([id, `Community Meeting: ${rnd.pick(CM_TOPICS)}`, 'community_meeting', monthDay(y, m, 3, 3), '', 'GSA', 'yes']);
  }
}
for (const [fy, sessions] of [[2023, 2], [2024, 1]]) {
  for (const track of TRACKS) {
    for (let s = 1; s <= sessions; s++) {
      const y = fy;
      const m = track === 'Acquisition' ? 2 + s : track === 'Leadership' ? 4 + s : 5 + s;
      const id = `FY${String(fy).slice(2)}-TR-${track.slice(0, 3).toUpperCase()}${s}`;
      events.push([id, `AI Training Series: ${track} track, session ${s}`, 'training', monthDay(y, m, 2, 2), track, rnd.pick(hosts), 'yes']);
    }
  }
}
events.push(['FY23-CHAL', 'Applied AI Challenge: document understanding', 'challenge', '2023-06-14', 'Technical', 'GSA', 'yes']);
events.push(['FY24-CHAL', 'Applied AI Challenge: accessible AI', 'challenge', '2024-05-22', 'Technical', 'GSA', 'yes']);
events.push(['FY22-WS1', 'Workshop: writing an AI strategy', 'workshop', '2022-08-10', 'Leadership', 'OPM', 'no']);
events.push(['FY23-WS1', 'Workshop: buying AI responsibly', 'workshop', '2022-11-16', 'Acquisition', 'GSA', 'yes']);
events.push(['FY23-WS2', 'Workshop: prompt engineering for analysts', 'workshop', '2023-08-02', 'Technical', 'NIH', 'no']);
events.push(['FY24-WS1', 'Workshop: AI risk management framework', 'workshop', '2024-03-13', '', 'NIST', 'yes']);
events.push(['FY23-WEB1', 'Webinar: state and local AI roundtable', 'webinar', '2023-04-26', '', 'Texas DIR', 'yes']);
events.push(['FY24-WEB1', 'Webinar: AI for benefits delivery', 'webinar', '2024-08-21', '', 'VA', 'no']);
events.sort((a, b) => (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : a[0] < b[0] ? -1 : 1));
fs.writeFileSync(
  path.join(out, 'events.csv'),
  [csvLine(['id', 'title', 'type', 'held_on', 'track', 'host', 'government_wide']), ...events.map(csvLine)].join(''),
);

// Attendance: members who had joined by the event day, plus some guests who are not members.
const COMMENTS = [
  'Great speakers', 'Very practical', 'More time for Q&A please', 'Audio issues at the start', 'Loved the case studies',
  'Slides would help', 'Too basic for me', 'Best session so far', 'Please record it', 'Useful templates, thanks!',
  'Would like a follow-up, "part 2"', 'Too long',
];
const guests = [];
for (let i = 0; i < 60; i++) {
  const [domain] = rnd.weighted(DOMAINS);
  guests.push(`${rnd.pick(FIRST_NAMES)}.${rnd.pick(LAST_NAMES)}${i}@${domain}`.toLowerCase());
}
const attendance = [];
const target = 1500;
const perEvent = Math.floor(target / events.length) - 4;
for (const [id, , type, heldOn] of events) {
  const eligible = members.filter((m) => m.joinedIso <= heldOn).map((m) => m.email.toLowerCase());
  const size = Math.min(eligible.length, Math.max(8, perEvent + rnd.range(-12, 12) + (type === 'training' ? 10 : 0)));
  const who = rnd.sample(eligible, size);
  for (const g of rnd.sample(guests, rnd.range(2, 6))) who.push(g);
  const nps = heldOn >= '2022-10-01';
  for (const email of who) {
    const attended = rnd.chance(0.82);
    const responds = attended && rnd.chance(0.65);
    const sat = responds ? rnd.weighted([[5, 45], [4, 35], [3, 12], [2, 5], [1, 3]]) : '';
    const score = responds && nps && rnd.chance(0.8) ? rnd.weighted([[10, 25], [9, 25], [8, 20], [7, 12], [6, 8], [5, 5], [3, 3], [0, 2]]) : '';
    const comment = responds && rnd.chance(0.12) ? rnd.pick(COMMENTS) : '';
    attendance.push([id, email, rnd.chance(0.97) ? 'yes' : '', attended ? 'yes' : 'no', sat, score, comment]);
  }
}
// Two bad rows: an event that does not exist and a satisfaction that is not 1–5.
attendance.splice(400, 0, ['2023-12-CM', members[10].email.toLowerCase(), 'yes', 'yes', '5', '', 'no meeting in December']);
attendance.splice(900, 0, ['FY23-CHAL', members[20].email.toLowerCase(), 'yes', 'yes', 'great', '', '']);
fs.writeFileSync(
  path.join(out, 'attendance.csv'),
  [csvLine(['event_id', 'email', 'registered', 'attended', 'satisfaction', 'nps', 'comment']), ...attendance.map(csvLine)].join(''),
);

console.error(`wrote ${out}: dotgov-registry.csv (${REGISTRY.length} state and local domains), members.csv (${rows.length} rows, ${bad.length} bad), members-2024-update.csv (${later.length}), events.csv (${events.length}), attendance.csv (${attendance.length})`);
