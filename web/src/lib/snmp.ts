import type { Check, NewSnmpCheck, SnmpCheckConfig, SnmpLevel, SnmpVersion } from './types.ts';

// The profiles of probes/kinds/snmp.ts. The dashboard cannot import that file (it pulls in the
// SNMP stack); the server validates the name, so a profile missing here only lacks an option.
export const snmpProfiles: { name: string; description: string }[] = [
  { name: 'synology', description: 'Synology NAS' },
  { name: 'qnap', description: 'QNAP NAS' },
  { name: 'nexis', description: 'Avid NEXIS' },
  { name: 'megaraid', description: 'LSI/Broadcom MegaRAID' },
  { name: 'areca', description: 'Areca RAID' },
  { name: 'switch', description: 'Network switch' },
  { name: 'workstation', description: 'Workstation or server' },
  { name: 'system', description: 'Any SNMP agent: uptime only' },
];

export const authProtocols = ['sha', 'md5', 'sha256', 'sha512'] as const;
export const privProtocols = ['aes', 'des'] as const;

/** What the SNMP form holds, as typed; `snmpConfig` turns it into a check config. */
export interface SnmpSettings {
  version: SnmpVersion;
  community: string;
  userName: string;
  level: SnmpLevel;
  authProtocol: string;
  authKey: string;
  privProtocol: string;
  privKey: string;
  /** Empty: 161. A number input gives undefined (or null) when left empty. */
  port: number | null | undefined;
  profile: string;
  intervalS: number;
  /** '' is the server's own probe. */
  probeId: string;
}

export function defaultSnmpSettings(): SnmpSettings {
  return {
    version: '2c',
    community: '',
    userName: '',
    level: 'authPriv',
    authProtocol: 'sha',
    authKey: '',
    privProtocol: 'aes',
    privKey: '',
    port: null,
    profile: 'auto',
    intervalS: 60,
    probeId: '',
  };
}

export const needsAuth = (s: SnmpSettings) => s.version === '3' && s.level !== 'noAuthNoPriv';
export const needsPriv = (s: SnmpSettings) => s.version === '3' && s.level === 'authPriv';

/**
 * What is missing or wrong, in the server's words, before anything is created: a device made
 * with a check the server then refuses would be half a job.
 */
export function snmpProblem(s: SnmpSettings): string | null {
  if (s.version !== '3' && !s.community.trim()) return 'community: give the SNMP community';
  if (s.version === '3' && !s.userName.trim()) return 'user name: give the SNMPv3 user';
  if (needsAuth(s) && s.authKey.length < 8) return 'auth key: at least 8 characters (RFC 3414)';
  if (needsPriv(s) && s.privKey.length < 8) return 'privacy key: at least 8 characters (RFC 3414)';
  if (s.port != null && !(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535))
    return 'port: a whole number from 1 to 65535';
  if (!(Number.isInteger(s.intervalS) && s.intervalS >= 5 && s.intervalS <= 86_400))
    return 'interval: a whole number of seconds from 5 to 86400';
  return null;
}

export function snmpConfig(s: SnmpSettings): SnmpCheckConfig {
  const config: SnmpCheckConfig = { version: s.version, profile: s.profile };
  if (s.port != null) config.port = s.port;
  if (s.version !== '3') {
    config.community = s.community.trim();
    return config;
  }
  config.user = { name: s.userName.trim(), level: s.level };
  if (needsAuth(s)) {
    config.user.authProtocol = s.authProtocol;
    config.user.authKey = s.authKey;
  }
  if (needsPriv(s)) {
    config.user.privProtocol = s.privProtocol;
    config.user.privKey = s.privKey;
  }
  return config;
}

export function snmpCheck(deviceId: string, s: SnmpSettings): NewSnmpCheck {
  return {
    deviceId,
    kind: 'snmp',
    intervalS: s.intervalS,
    config: snmpConfig(s),
    probeId: s.probeId || null,
  };
}

/** "synology (auto-detected)" from a check's facts; null before its first poll. */
export function profileText(check: Check): string | null {
  const profile = check.facts.profile;
  if (!profile) return null;
  const how = check.facts.profileChosen === 'auto' ? 'auto-detected' : 'configured';
  return `${profile} (${how})`;
}
