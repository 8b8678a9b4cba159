import type { Static, TSchema } from 'typebox';

// Ordered best to worst: the index is the severity used to find the worst of several.
export const statuses = ['ok', 'unknown', 'warning', 'critical'] as const;
export type Status = (typeof statuses)[number];

export function worse(a: Status, b: Status): Status {
  return statuses.indexOf(a) >= statuses.indexOf(b) ? a : b;
}

/** The longest message the server stores; the runner cuts longer ones (a DNS error on a long URL). */
export const maxMessageLength = 2000;

/** How many facts a result may carry, and how long each may be (a router's port labels). */
export const maxFacts = 600;
export const maxFactLength = 500;

/**
 * Thrown by a transport when the server refused a batch for what it holds (HTTP 400, 413, 422):
 * sending it again cannot succeed, so the runner drops it rather than retrying forever.
 */
export class BatchRejected extends Error {
  override name = 'BatchRejected';
  constructor(
    message: string,
    /** The HTTP status, where there was one. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface Reading {
  name: string;
  value: number;
  unit: string;
  /** Set when a rule judged this reading; the dashboard colours it. Absent means not judged. */
  status?: Status;
  /** What the rule found, on a judged reading that is not ok: the message its fault carries. */
  note?: string;
}

/** The longest reading note the server stores. */
export const maxNoteLength = 500;

/** One thing a check found wrong. */
export interface Finding {
  status: Exclude<Status, 'ok'>;
  message: string;
  /** The reading this finding judged, so that reading can be coloured. */
  reading?: string;
}

/** The worst finding decides the status; the message lists every finding at that level. */
export function summarize(
  findings: Finding[],
  okMessage: string,
): { status: Status; message: string } {
  const status = findings.reduce<Status>((worst, f) => worse(worst, f.status), 'ok');
  if (status === 'ok') return { status, message: okMessage };
  const message = findings
    .filter((f) => f.status === status)
    .map((f) => f.message)
    .join('; ');
  return { status, message };
}

export interface ProbeOutcome {
  status: Status;
  message: string;
  readings: Reading[];
  /**
   * What the check learned about the device rather than measured: the matched SNMP profile,
   * sysDescr, a router's model and port labels. Stored on the check, shown on the device page.
   */
  facts?: Record<string, string>;
}

export interface ProbeContext {
  signal: AbortSignal;
  timeoutMs: number;
  /** The device's host, for kinds whose config may leave the address out. */
  host: string;
  /** Kept by the runner between runs of one check (counter samples, last uptime). */
  state: Map<string, unknown>;
}

export interface ProbeKind<S extends TSchema = TSchema> {
  kind: string;
  configSchema: S;
  /** Dot paths of config fields that are secrets: stored sealed, never returned by the API. */
  secretFields?: readonly string[];
  /**
   * Checks the schema cannot express (a threshold on a reading the profile has). Returns what is
   * wrong, each naming its field under the config, or nothing.
   */
  validate?(config: Static<S>): string[];
  /** Run once. Throwing is fine: the runner turns a throw into a critical result. */
  run(config: Static<S>, context: ProbeContext): Promise<ProbeOutcome>;
}

/** One check as the server hands it to a probe. */
export interface CheckSpec {
  id: string;
  deviceId: string;
  kind: string;
  intervalS: number;
  config: Record<string, unknown>;
  host: string;
}

/** One run's result as a probe posts it to the server. */
export interface CheckResult extends ProbeOutcome {
  checkId: string;
  durationMs: number;
  at: string;
}

/** How a runner reaches the server: over HTTP for a remote probe, in-process when embedded. */
export interface ProbeTransport {
  fetchChecks(): Promise<CheckSpec[]>;
  postResults(results: CheckResult[]): Promise<void>;
}
