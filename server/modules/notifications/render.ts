import { DateTime } from 'luxon';
import type { NotificationKind, Severity } from '../../domain.ts';
import type { FaultView } from '../../live-events.ts';

/** What the fault engine hands over: a root fault and the faults it causes. */
export interface FaultMessage {
  kind: 'alarm' | 'repeat' | 'resolved' | 'flapping';
  root: FaultView;
  consequences: FaultView[];
}

/** The part of a fault a receiver is told about. */
export type FaultSummary = Pick<
  FaultView,
  | 'id'
  | 'deviceId'
  | 'deviceName'
  | 'deviceKind'
  | 'condition'
  | 'source'
  | 'severity'
  | 'peakSeverity'
  | 'state'
  | 'message'
  | 'openedAt'
  | 'restoredAt'
  | 'clearedAt'
  | 'acknowledgedBy'
  | 'owner'
  | 'flapping'
  | 'inMaintenance'
  | 'siteIds'
  | 'roomIds'
  | 'suiteIds'
>;

/**
 * The message as stored in the outbox, rendered when the fault changed so that a retry hours
 * later still says what was true then. The sender adds `sentAt` and the dashboard link.
 */
export type Rendered = {
  version: 1;
  kind: NotificationKind;
  title: string;
  text: string;
  severity: Severity | null;
  root: FaultSummary | null;
  consequences: FaultSummary[];
  /** How many consequences there were; the list above stops at `listedConsequences`. */
  consequenceCount: number;
  /** An SLA message's ticket. */
  ticket?: TicketSummary;
  /** A maintenance digest's work, grouped as listed (overdue first). */
  digest?: DigestSummary;
  /** The digest as Slack mrkdwn, each work order a link: for `chat` webhooks. */
  chatText?: string;
  /** The digest as an HTML e-mail body, every value escaped. */
  html?: string;
};

/** What an SLA warning or breach says about its ticket. */
export interface TicketSummary {
  id: string;
  number: number;
  title: string;
  priority: number;
  status: string;
  assignee: string | null;
  team: string | null;
  suites: string[];
  /** Which clock: the first response or the resolution. */
  timer: 'response' | 'resolution';
  dueAt: string;
}

export interface TicketMessage {
  kind: 'sla_warning' | 'sla_breach';
  ticket: TicketSummary;
  siteIds: string[];
  deviceKinds: string[];
}

/** Priorities route like severities: P1 is critical, P2 major, P3 minor, P4 and P5 warning. */
export const severityOfPriority = (priority: number): Severity =>
  priority <= 1 ? 'critical' : priority === 2 ? 'major' : priority === 3 ? 'minor' : 'warning';

export function renderTicket(message: TicketMessage, now: Date): Rendered {
  const t = message.ticket;
  const due = new Date(t.dueAt);
  const minutes = Math.round(Math.abs(due.getTime() - now.getTime()) / 60_000);
  const when =
    message.kind === 'sla_breach'
      ? `breached ${formatDuration(minutes * 60_000)} ago`
      : `due in ${formatDuration(minutes * 60_000)}`;
  const who = t.assignee ?? (t.team ? `team ${t.team}` : 'nobody yet');
  return {
    version: 1,
    kind: message.kind,
    title: oneLine(
      `${message.kind === 'sla_breach' ? 'SLA BREACHED' : 'SLA warning'}: ticket ${t.number} (P${t.priority}) ${t.timer} ${when}: ${t.title}`,
    ).slice(0, titleMax),
    text: [
      `Ticket ${t.number}: ${t.title}`,
      `Priority P${t.priority}, ${t.status.replace('_', ' ')}, assigned to ${who}.`,
      `The ${t.timer} target is due ${due.toISOString()} (${when}).`,
      t.suites.length ? `Suites: ${t.suites.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
    severity: severityOfPriority(t.priority),
    root: null,
    consequences: [],
    consequenceCount: 0,
    ticket: t,
  };
}

export const listedConsequences = 50;
const textConsequences = 20;
const titleMax = 250;

/** The severity a message is routed and labelled by: a resolved fault by its worst moment. */
export const severityOf = (message: FaultMessage): Severity =>
  message.kind === 'resolved' ? message.root.peakSeverity : message.root.severity;

function summary(fault: FaultView): FaultSummary {
  return {
    id: fault.id,
    deviceId: fault.deviceId,
    deviceName: fault.deviceName,
    deviceKind: fault.deviceKind,
    condition: fault.condition,
    source: fault.source,
    severity: fault.severity,
    peakSeverity: fault.peakSeverity,
    state: fault.state,
    message: fault.message,
    openedAt: fault.openedAt,
    restoredAt: fault.restoredAt,
    clearedAt: fault.clearedAt,
    acknowledgedBy: fault.acknowledgedBy,
    owner: fault.owner,
    flapping: fault.flapping,
    inMaintenance: fault.inMaintenance,
    siteIds: fault.siteIds,
    roomIds: fault.roomIds,
    suiteIds: fault.suiteIds,
  };
}

/** `12 min`, `2 h 5 min`, `3 d 4 h`: how long a fault lasted, to the nearest useful unit. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const at = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** `NAS-01 raid.status[0] — RAID 0 degraded` */
function headline(fault: FaultView): string {
  const message = oneLine(fault.message);
  return `${oneLine(fault.deviceName)} ${fault.condition}${message ? ` — ${message}` : ''}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function title(message: FaultMessage, now: Date): string {
  const { kind, root } = message;
  const extra = message.consequences.length;
  const joined = extra > 0 ? ` (+${plural(extra, 'consequence')})` : '';
  const upper = severityOf(message).toUpperCase();
  // The tail (count, duration) matters more than the end of a long device message: keep it.
  const withTail = (prefix: string, tail: string) =>
    `${prefix}${clip(headline(root), titleMax - prefix.length - tail.length)}${tail}`;
  switch (kind) {
    case 'alarm':
      return withTail(`${upper}: `, joined);
    case 'repeat': {
      const open = formatDuration(now.getTime() - Date.parse(root.openedAt));
      return withTail(`STILL ${upper}: `, `${joined}, open ${open}`);
    }
    case 'resolved': {
      const end = root.restoredAt ?? root.clearedAt;
      const down = formatDuration(
        (end ? Date.parse(end) : now.getTime()) - Date.parse(root.openedAt),
      );
      return withTail('RESOLVED: ', `, down ${down}`);
    }
    case 'flapping':
      return withTail(`FLAPPING (${upper}): `, joined);
  }
}

function consequenceLine(fault: FaultView): string {
  return `${headline(fault)} [${fault.severity}]`;
}

function body(message: FaultMessage, now: Date): string {
  const { kind, root, consequences } = message;
  const lines = [`${oneLine(root.deviceName)} (${root.deviceKind}) ${root.condition}`];
  if (root.message) lines.push(root.message.trim());
  lines.push('');
  lines.push(
    `Severity: ${root.severity} (worst ${root.peakSeverity}). Opened ${at(root.openedAt)}.`,
  );
  if (kind === 'resolved') {
    const end = root.restoredAt ?? root.clearedAt ?? now.toISOString();
    lines.push(`Back to normal at ${at(end)}.`);
  }
  if (kind === 'flapping')
    lines.push('It keeps changing between good and bad; alarms for it wait until it settles.');
  if (root.acknowledgedBy) lines.push(`Acknowledged by ${root.acknowledgedBy}.`);
  if (root.inMaintenance) lines.push('The device is in a maintenance window.');
  if (consequences.length > 0) {
    lines.push('', `Caused by this (${consequences.length}):`);
    for (const fault of consequences.slice(0, textConsequences))
      lines.push(`- ${consequenceLine(fault)}`);
    if (consequences.length > textConsequences)
      lines.push(`- and ${consequences.length - textConsequences} more`);
  }
  return lines.join('\n');
}

export function renderFault(message: FaultMessage, now: Date): Rendered {
  return {
    version: 1,
    kind: message.kind,
    title: title(message, now),
    text: body(message, now),
    severity: severityOf(message),
    root: summary(message.root),
    consequences: message.consequences.slice(0, listedConsequences).map(summary),
    consequenceCount: message.consequences.length,
  };
}

export function renderTest(channelName: string, actor: string): Rendered {
  return {
    version: 1,
    kind: 'test',
    title: `TEST: Suitewatch channel '${oneLine(channelName)}'`,
    text: `A test message, sent by ${actor} to check that this channel is set up right.`,
    severity: null,
    root: null,
    consequences: [],
    consequenceCount: 0,
  };
}

/** Where a receiver opens the fault or ticket; null when the server's public URL is not configured. */
export function faultLink(publicUrl: string, rendered: Rendered): string | null {
  if (!publicUrl) return null;
  if (rendered.root) return `${publicUrl}/#/alarms/${rendered.root.id}`;
  if (rendered.ticket) return `${publicUrl}/#/tickets/${rendered.ticket.id}`;
  if (rendered.digest) return `${publicUrl}/#/work`;
  return null;
}

// The maintenance digest ---------------------------------------------------------------------

export type DigestState = 'overdue' | 'due' | 'due_soon';

/** One work order as the digest lists it. */
export interface DigestItem {
  id: string;
  number: number;
  title: string;
  state: DigestState;
  dueAt: string;
  /** The device, suite or room it is on, by name. */
  where: string;
  assignee: string | null;
  scheduledStart: string | null;
  /** `${publicUrl}/#/work/<id>`; null when the server's public URL is not configured. */
  link: string | null;
}

export interface DigestSummary {
  /** The facility's local day it is for, YYYY-MM-DD. */
  day: string;
  timezone: string;
  counts: Record<DigestState, number>;
  /** Overdue first (longest overdue first), then due, then due soon (soonest first). */
  items: DigestItem[];
}

/** Longer lists end with "and N more" and the link to the whole list. */
const digestListed = 100;

const groups: Array<{ state: DigestState; heading: string }> = [
  { state: 'overdue', heading: 'Overdue' },
  { state: 'due', heading: 'Due now' },
  { state: 'due_soon', heading: 'Due soon' },
];

const stateRank = (state: DigestState) => groups.findIndex((g) => g.state === state);

/** The digest's order: overdue first, each group by due date, oldest first. */
function digestOrder(items: DigestItem[]): DigestItem[] {
  return [...items].sort(
    (a, b) =>
      stateRank(a.state) - stateRank(b.state) ||
      Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
      a.number - b.number,
  );
}

/** `Tue 3 Jun 09:00` on the facility's wall clock. */
const localTime = (iso: string, zone: string) =>
  DateTime.fromISO(iso, { zone }).toFormat('ccc d LLL HH:mm');

function when(item: DigestItem, zone: string, now: Date): string {
  const due = `due ${localTime(item.dueAt, zone)}`;
  if (item.state === 'overdue')
    return `${due}, ${formatDuration(now.getTime() - Date.parse(item.dueAt))} overdue`;
  return due;
}

/** What one line says after the work order's number and title. */
function details(item: DigestItem, zone: string, now: Date): string[] {
  return [
    item.where,
    when(item, zone, now),
    item.scheduledStart ? `scheduled for ${localTime(item.scheduledStart, zone)}` : 'no slot yet',
    item.assignee ? `assigned to ${item.assignee}` : 'nobody assigned',
  ].filter(Boolean);
}

function grouped(summary: DigestSummary) {
  const listed = summary.items.slice(0, digestListed);
  return {
    sections: groups
      .map((g) => ({ ...g, items: listed.filter((i) => i.state === g.state) }))
      .filter((g) => g.items.length > 0),
    more: summary.items.length - listed.length,
  };
}

function digestTitle(summary: DigestSummary): string {
  const { counts } = summary;
  const parts = [
    counts.overdue ? `${counts.overdue} overdue` : '',
    counts.due ? `${counts.due} due now` : '',
    counts.due_soon ? `${counts.due_soon} due soon` : '',
  ].filter(Boolean);
  return `Maintenance digest for ${summary.day}: ${parts.join(', ')}`;
}

function digestPlain(summary: DigestSummary, now: Date): string {
  const { sections, more } = grouped(summary);
  const lines = [
    `Planned work that needs doing, as of ${localTime(now.toISOString(), summary.timezone)} (${summary.timezone}).`,
  ];
  for (const section of sections) {
    lines.push('', `${section.heading} (${summary.counts[section.state]}):`);
    for (const item of section.items) {
      lines.push(
        `- WO-${item.number} ${oneLine(item.title)} (${details(item, summary.timezone, now).join('; ')})`,
      );
      if (item.link) lines.push(`  ${item.link}`);
    }
  }
  if (more > 0) lines.push('', `… and ${more} more.`);
  return lines.join('\n');
}

/**
 * Slack's mrkdwn wants only these three escaped; a link is `<url|label>`. Unescaped, a device
 * named `<!channel>` would ping everyone in the channel.
 */
export const slackEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function digestSlack(summary: DigestSummary, now: Date): string {
  const { sections, more } = grouped(summary);
  const lines = [`*${slackEscape(digestTitle(summary))}*`];
  for (const section of sections) {
    lines.push('', `*${section.heading} (${summary.counts[section.state]})*`);
    for (const item of section.items) {
      const label = slackEscape(`WO-${item.number} ${oneLine(item.title)}`);
      const name = item.link ? `<${item.link}|${label.replace(/\|/g, '¦')}>` : label;
      lines.push(`• ${name} — ${slackEscape(details(item, summary.timezone, now).join('; '))}`);
    }
  }
  if (more > 0) lines.push('', `… and ${more} more.`);
  return lines.join('\n');
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Every value a person typed (titles, names) goes through this before it meets the markup. */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => htmlEscapes[c]!);

function digestHtml(summary: DigestSummary, now: Date): string {
  const { sections, more } = grouped(summary);
  const parts = [`<h1>${escapeHtml(digestTitle(summary))}</h1>`];
  for (const section of sections) {
    parts.push(`<h2>${section.heading} (${summary.counts[section.state]})</h2>`, '<ul>');
    for (const item of section.items) {
      const label = escapeHtml(`WO-${item.number} ${oneLine(item.title)}`);
      const name = item.link ? `<a href="${escapeHtml(item.link)}">${label}</a>` : label;
      parts.push(
        `<li>${name} — ${escapeHtml(details(item, summary.timezone, now).join('; '))}</li>`,
      );
    }
    parts.push('</ul>');
  }
  if (more > 0) parts.push(`<p>… and ${more} more.</p>`);
  return parts.join('\n');
}

/** The daily digest of due and overdue work, in plain text, Slack mrkdwn and HTML. */
export function renderDigest(summary: DigestSummary, now: Date): Rendered {
  const ordered = { ...summary, items: digestOrder(summary.items) };
  return {
    version: 1,
    kind: 'pm_digest',
    title: digestTitle(ordered).slice(0, titleMax),
    text: digestPlain(ordered, now),
    severity: null,
    root: null,
    consequences: [],
    consequenceCount: 0,
    digest: ordered,
    chatText: digestSlack(ordered, now),
    html: digestHtml(ordered, now),
  };
}
