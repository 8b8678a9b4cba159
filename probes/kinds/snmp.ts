import { Type } from 'typebox';
import { arecaProfile } from '../profiles/areca.ts';
import { megaraidProfile } from '../profiles/megaraid.ts';
import { nexisProfile } from '../profiles/nexis.ts';
import { qnapProfile } from '../profiles/qnap.ts';
import { applyThresholds, covers, type Overrides } from '../profiles/rules.ts';
import { switchProfile } from '../profiles/switch.ts';
import { synologyProfile } from '../profiles/synology.ts';
import { oids, systemProfile } from '../profiles/system.ts';
import type { Profile } from '../profiles/types.ts';
import { workstationProfile } from '../profiles/workstation.ts';
import {
  withSession,
  type SnmpSession,
  type SnmpTarget,
  type SnmpUser,
  type SnmpValue,
  type SnmpVersion,
} from '../snmp/session.ts';
import {
  summarize,
  worse,
  type Finding,
  type ProbeKind,
  type ProbeOutcome,
  type Reading,
} from '../types.ts';

/**
 * One line per profile. The order is the order users see in the config schema; `auto` does not
 * depend on it (see `pick`).
 */
export const profiles: Record<string, Profile> = {
  [synologyProfile.name]: synologyProfile,
  [nexisProfile.name]: nexisProfile,
  [switchProfile.name]: switchProfile,
  [workstationProfile.name]: workstationProfile,
  [systemProfile.name]: systemProfile,
  [qnapProfile.name]: qnapProfile,
  [megaraidProfile.name]: megaraidProfile,
  [arecaProfile.name]: arecaProfile,
};

const maxSysDescr = 200;

export interface SnmpConfig {
  version: SnmpVersion;
  port?: number;
  community?: string;
  user?: SnmpUser;
  /** Per request, not per poll: the runner bounds the whole poll by the check's interval. */
  requestTimeoutMs?: number;
  retries?: number;
  profile?: string;
  thresholds?: Overrides;
  /**
   * Numeric OIDs read on every poll besides the profile's, each under its own reading name: a
   * disk's power-on hours or a projector lamp's hours, for maintenance meters.
   */
  extraReadings?: Array<{ oid: string; name: string; unit?: string }>;
}

const key = {
  type: 'string',
  minLength: 8,
  maxLength: 200,
  description: 'At least 8 characters (RFC 3414)',
};

// Written as plain JSON Schema: which fields are required depends on the version and the v3
// security level, which if/then expresses and TypeBox's builders do not.
export const snmpConfigSchema = Type.Unsafe<SnmpConfig>({
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: { type: 'string', enum: ['1', '2c', '3'] },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    community: { type: 'string', minLength: 1, maxLength: 255 },
    user: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'level'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        level: { type: 'string', enum: ['noAuthNoPriv', 'authNoPriv', 'authPriv'] },
        authProtocol: {
          type: 'string',
          enum: ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'],
        },
        authKey: key,
        privProtocol: { type: 'string', enum: ['des', 'aes', 'aes256b', 'aes256r'] },
        privKey: key,
      },
      allOf: [
        {
          if: { properties: { level: { enum: ['authNoPriv', 'authPriv'] } } },
          then: { required: ['authProtocol', 'authKey'] },
        },
        {
          if: { properties: { level: { const: 'authPriv' } } },
          then: { required: ['privProtocol', 'privKey'] },
        },
      ],
    },
    requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 30_000 },
    retries: { type: 'integer', minimum: 0, maximum: 5 },
    profile: { type: 'string', enum: ['auto', ...Object.keys(profiles)] },
    extraReadings: {
      type: 'array',
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['oid', 'name'],
        properties: {
          oid: { type: 'string', pattern: '^[0-2](\\.\\d+)+$', maxLength: 200 },
          name: { type: 'string', pattern: '^[a-z][a-z0-9_.]*$', maxLength: 100 },
          unit: { type: 'string', maxLength: 20 },
        },
      },
      description: 'Numeric OIDs read on every poll, each under its own reading name',
    },
    thresholds: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { warning: { type: 'number' }, critical: { type: 'number' } },
      },
    },
  },
  if: { properties: { version: { const: '3' } } },
  then: { required: ['user'] },
  else: { required: ['community'] },
});

const configured = (config: SnmpConfig) =>
  config.profile && config.profile !== 'auto' ? profiles[config.profile] : undefined;
const vendors = () => Object.values(profiles).filter((p) => p.detectOids?.length);

/** What the one identifying GET asks: sysObjectID, sysDescr, and for `auto` each vendor's OID. */
const identityOids = (config: SnmpConfig) => [
  oids.sysObjectID,
  oids.sysDescr,
  ...(configured(config) ? [] : vendors().flatMap((p) => p.detectOids ?? [])),
];

/**
 * `auto`: a vendor profile whose own OID answers wins (a Synology runs a Linux agent, so its
 * sysObjectID alone would say "workstation"; the LSI agent lives inside the host's snmpd); then
 * sysObjectID and sysDescr, vendor profiles before the generic ones; then `system`.
 */
function pick(config: SnmpConfig, identity: Map<string, SnmpValue>): Profile {
  const named = configured(config);
  if (named) return named;
  const answered = (oid: string) => identity.get(oid) !== null && identity.get(oid) !== undefined;
  const vendor = vendors().find((p) => p.detectOids?.some(answered));
  if (vendor) return vendor;
  const sysObjectID = String(identity.get(oids.sysObjectID) ?? '');
  const sysDescr = String(identity.get(oids.sysDescr) ?? '');
  const candidates = [
    ...vendors(),
    ...Object.values(profiles).filter((p) => !p.detectOids?.length),
  ];
  return (
    candidates.find((p) => p !== systemProfile && p.matches(sysObjectID, sysDescr)) ?? systemProfile
  );
}

/**
 * Each reading's status for the dashboard: the worst finding that judged it; `ok` when a rule of
 * the profile covers it and found nothing; none when nothing judges it (a traffic rate).
 */
export function judgeReadings(
  readings: Reading[],
  findings: Finding[],
  profile: Profile,
): Reading[] {
  const worst = new Map<string, Finding>();
  for (const f of findings) {
    if (!f.reading) continue;
    const seen = worst.get(f.reading);
    if (!seen || worse(seen.status, f.status) !== seen.status) worst.set(f.reading, f);
  }
  const prefixes = [...profile.thresholds.map((t) => t.prefix), ...(profile.judged ?? [])];
  return readings.map((reading) => {
    const finding = worst.get(reading.name);
    if (finding) return { ...reading, status: finding.status, note: finding.message };
    return prefixes.some((p) => covers(p, reading.name))
      ? { ...reading, status: 'ok' as const }
      : reading;
  });
}

/** What the poll learned about the device; a value the agent did not give is left out. */
export function factsOf(
  profile: Profile,
  config: SnmpConfig,
  identity: Map<string, SnmpValue>,
): Record<string, string> {
  const facts: Record<string, string> = {
    profile: profile.name,
    profileChosen: configured(config) ? 'configured' : 'auto',
  };
  const sysDescr = identity.get(oids.sysDescr);
  const sysObjectID = identity.get(oids.sysObjectID);
  if (sysDescr !== null && sysDescr !== undefined && String(sysDescr).trim())
    facts.sysDescr = String(sysDescr).trim().slice(0, maxSysDescr);
  if (sysObjectID !== null && sysObjectID !== undefined && String(sysObjectID))
    facts.sysObjectID = String(sysObjectID);
  return facts;
}

/**
 * Threshold overrides must name a rule of the profile (or, for `auto`, of any profile) and keep
 * the warning on the near side of the critical: a typo would otherwise silently change nothing.
 */
export function thresholdProblems(config: SnmpConfig): string[] {
  const named = configured(config);
  const candidates = named ? [named] : Object.values(profiles);
  const rules = new Map(candidates.flatMap((p) => p.thresholds.map((t) => [t.prefix, t] as const)));
  const problems: string[] = [];
  for (const [prefix, limits] of Object.entries(config.thresholds ?? {})) {
    const rule = rules.get(prefix);
    const field = `thresholds.${prefix}`;
    if (!rule) {
      problems.push(
        `${field}: no ${named ? `${named.name} profile` : 'profile'} rule on '${prefix}'; rules: ${[...rules.keys()].sort().join(', ')}`,
      );
      continue;
    }
    const warning = limits.warning ?? rule.warning;
    const critical = limits.critical ?? rule.critical;
    if (!rule.below && warning > critical)
      problems.push(
        `${field}: warning ${warning} is above critical ${critical}; higher is worse here`,
      );
    if (rule.below && warning < critical)
      problems.push(
        `${field}: warning ${warning} is below critical ${critical}; lower is worse here`,
      );
  }
  return problems;
}

/** The extra OIDs that answered with a number; one that is missing on this agent is left out. */
async function extraReadings(session: SnmpSession, config: SnmpConfig): Promise<Reading[]> {
  const wanted = config.extraReadings ?? [];
  if (wanted.length === 0) return [];
  const values = await session.get(wanted.map((w) => w.oid));
  return wanted.flatMap((w) => {
    const value = numeric(values.get(w.oid));
    return value === null ? [] : [{ name: w.name, value, unit: w.unit ?? '' }];
  });
}

function numeric(value: SnmpValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  // An agent's `extend` or a vendor table often hands numbers back as strings.
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

export const snmpProbe: ProbeKind<typeof snmpConfigSchema> = {
  kind: 'snmp',
  configSchema: snmpConfigSchema,
  secretFields: ['community', 'user.authKey', 'user.privKey'],
  validate: thresholdProblems,
  async run(config, context): Promise<ProbeOutcome> {
    const target: SnmpTarget = {
      host: context.host,
      port: config.port,
      version: config.version,
      community: config.community,
      user: config.user,
      timeoutMs: config.requestTimeoutMs,
      retries: config.retries,
    };
    return withSession(
      target,
      async (session) => {
        const identity = await session.get(identityOids(config));
        const profile = pick(config, identity);
        // Work on a copy: a poll that fails half-way must leave no half-updated counters or
        // uptime behind (a reboot seen on a failed poll would otherwise be lost).
        const draft = new Map(context.state);
        const collected = await profile.collect({ session, state: draft, nowMs: Date.now() });
        context.state.clear();
        for (const [key, value] of draft) context.state.set(key, value);
        collected.readings.push(...(await extraReadings(session, config)));
        const findings = [
          ...collected.findings,
          ...applyThresholds(collected.readings, profile.thresholds, config.thresholds),
        ];
        const { status, message } = summarize(
          findings,
          `${profile.name} profile: ${collected.readings.length} readings, all within limits`,
        );
        return {
          status,
          message,
          readings: judgeReadings(collected.readings, findings, profile),
          facts: factsOf(profile, config, identity),
        };
      },
      context.signal,
    );
  },
};
