import { Type } from 'typebox';
import { applyThresholds, type Overrides } from '../profiles/rules.ts';
import { oids, systemProfile } from '../profiles/system.ts';
import type { Profile } from '../profiles/types.ts';
import { nexisProfile } from '../profiles/nexis.ts';
import { switchProfile } from '../profiles/switch.ts';
import { synologyProfile } from '../profiles/synology.ts';
import { workstationProfile } from '../profiles/workstation.ts';
import {
  withSession,
  type SnmpTarget,
  type SnmpUser,
  type SnmpValue,
  type SnmpVersion,
} from '../snmp/session.ts';
import { summarize, type ProbeKind, type ProbeOutcome } from '../types.ts';

/** One line per profile; `auto` tries them in this order and falls back to `system`. */
export const profiles: Record<string, Profile> = {
  [synologyProfile.name]: synologyProfile,
  [nexisProfile.name]: nexisProfile,
  [switchProfile.name]: switchProfile,
  [workstationProfile.name]: workstationProfile,
  [systemProfile.name]: systemProfile,
};

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

/**
 * `auto`: a vendor profile whose own OID answers wins (a Synology runs a Linux agent, so its
 * sysObjectID alone would say "workstation"); then sysObjectID and sysDescr; then `system`.
 */
async function pick(
  config: SnmpConfig,
  get: (oids: string[]) => Promise<Map<string, SnmpValue>>,
): Promise<Profile> {
  const named = config.profile && config.profile !== 'auto' ? profiles[config.profile] : undefined;
  if (named) return named;
  const vendors = Object.values(profiles).filter((p) => p.detectOid);
  const values = await get([oids.sysObjectID, oids.sysDescr, ...vendors.map((p) => p.detectOid!)]);
  const vendor = vendors.find(
    (p) => values.get(p.detectOid!) !== null && values.get(p.detectOid!) !== undefined,
  );
  if (vendor) return vendor;
  const sysObjectID = String(values.get(oids.sysObjectID) ?? '');
  const sysDescr = String(values.get(oids.sysDescr) ?? '');
  return (
    Object.values(profiles).find((p) => p !== systemProfile && p.matches(sysObjectID, sysDescr)) ??
    systemProfile
  );
}

export const snmpProbe: ProbeKind<typeof snmpConfigSchema> = {
  kind: 'snmp',
  configSchema: snmpConfigSchema,
  secretFields: ['community', 'user.authKey', 'user.privKey'],
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
        const profile = await pick(config, (o) => session.get(o));
        // Work on a copy: a poll that fails half-way must leave no half-updated counters or
        // uptime behind (a reboot seen on a failed poll would otherwise be lost).
        const draft = new Map(context.state);
        const collected = await profile.collect({ session, state: draft, nowMs: Date.now() });
        context.state.clear();
        for (const [key, value] of draft) context.state.set(key, value);
        const findings = [
          ...collected.findings,
          ...applyThresholds(collected.readings, profile.thresholds, config.thresholds),
        ];
        const { status, message } = summarize(
          findings,
          `${profile.name} profile: ${collected.readings.length} readings, all within limits`,
        );
        return { status, message, readings: collected.readings };
      },
      context.signal,
    );
  },
};
