import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminPassword: string | undefined;
  logLevel: string;
  embeddedProbe: boolean;
  cookieSecure: boolean;
  sessionDays: number;
  retentionDays: number;
  /** How often probes heartbeat; a probe silent for three of these is shown down. */
  probeHeartbeatS: number;
  webDir: string;
  trapPort: number;
  secretKey: string | undefined;
  trapCommunities: string[];
  faults: FaultPolicy;
  notify: NotifyPolicy;
  /** Where the dashboard is reached, for links in notifications; '' leaves links out. */
  publicUrl: string;
  /** The largest file a ticket attachment may be. */
  attachmentMaxBytes: number;
  /** Requests get a 503 while the event loop lags this much (ms); 0 turns the guard off. */
  maxEventLoopDelayMs: number;
  /** How long a ticket list may be served from memory (ms); 0 asks the database every time. */
  listCacheMs: number;
}

export interface FaultPolicy {
  /** A fault improves or clears only after the better state held this many check intervals. */
  holdDownIntervals: number;
  /** A trap's fault (linkDown) clears this long after its good trap (linkUp). */
  trapHoldDownS: number;
  /** This many raw changes between bad and good inside the window mark a condition flapping. */
  flapChanges: number;
  flapWindowS: number;
  /** A check silent for this many intervals raises "no data". */
  noDataIntervals: number;
  /** How often the engine's clock runs: hold-down of traps, no data, windows, shelving. */
  tickMs: number;
}

export interface NotifyPolicy {
  /** A new root fault waits this long so its consequences can join the one message. */
  groupWaitS: number;
  /** A fault still open is announced again after this long; 0 never. */
  repeatMinutes: number;
  /** Failed deliveries are retried with backoff up to this many attempts. */
  maxAttempts: number;
  /** The shortest gap between the dispatcher's own runs; it sleeps until the next message is due. */
  pollMs: number;
}

export class ConfigError extends Error {}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function int(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${env[name] ?? ''}'`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://`);
  }
  if (databaseUrl && !URL.canParse(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL is not a valid URL (percent-encode special characters in the password)',
    );
  }
  const secretKey = env.SUITEWATCH_SECRET_KEY || undefined;
  if (secretKey !== undefined && secretKey.length < 16) {
    throw new ConfigError('SUITEWATCH_SECRET_KEY must be at least 16 characters');
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!logLevels.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, got '${logLevel}'`);
  }
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir: resolve(env.SUITEWATCH_DATA_DIR?.trim() || './data'),
    adminPassword: env.SUITEWATCH_ADMIN_PASSWORD || undefined,
    logLevel,
    embeddedProbe: bool(env, 'SUITEWATCH_EMBEDDED_PROBE', true),
    cookieSecure: bool(env, 'SUITEWATCH_COOKIE_SECURE', false),
    sessionDays: int(env, 'SUITEWATCH_SESSION_DAYS', 30, 1, 365),
    retentionDays: int(env, 'SUITEWATCH_RAW_RETENTION_DAYS', 14, 1, 3650),
    probeHeartbeatS: int(env, 'SUITEWATCH_PROBE_HEARTBEAT_S', 15, 1, 3600),
    webDir: resolve(
      env.SUITEWATCH_WEB_DIR?.trim() || new URL('../web/dist', import.meta.url).pathname,
    ),
    trapPort: int(env, 'SUITEWATCH_TRAP_PORT', 1162, 0, 65535),
    secretKey,
    trapCommunities: (env.SUITEWATCH_TRAP_COMMUNITIES ?? 'public')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
    faults: {
      holdDownIntervals: int(env, 'SUITEWATCH_HOLD_DOWN_INTERVALS', 2, 0, 100),
      trapHoldDownS: int(env, 'SUITEWATCH_TRAP_HOLD_DOWN_S', 60, 0, 86_400),
      flapChanges: int(env, 'SUITEWATCH_FLAP_CHANGES', 6, 2, 1000),
      flapWindowS: int(env, 'SUITEWATCH_FLAP_WINDOW_S', 900, 10, 86_400),
      noDataIntervals: int(env, 'SUITEWATCH_NO_DATA_INTERVALS', 3, 2, 1000),
      tickMs: int(env, 'SUITEWATCH_FAULT_TICK_MS', 2000, 50, 60_000),
    },
    notify: {
      groupWaitS: int(env, 'SUITEWATCH_NOTIFY_GROUP_WAIT_S', 30, 0, 3600),
      repeatMinutes: int(env, 'SUITEWATCH_NOTIFY_REPEAT_MIN', 240, 0, 10_080),
      maxAttempts: int(env, 'SUITEWATCH_NOTIFY_MAX_ATTEMPTS', 8, 1, 100),
      pollMs: int(env, 'SUITEWATCH_NOTIFY_POLL_MS', 1000, 50, 60_000),
    },
    publicUrl: (env.SUITEWATCH_PUBLIC_URL?.trim() ?? '').replace(/\/+$/, ''),
    attachmentMaxBytes: int(env, 'SUITEWATCH_ATTACHMENT_MAX_MB', 10, 1, 1024) * 1024 * 1024,
    maxEventLoopDelayMs: int(env, 'SUITEWATCH_MAX_EVENT_LOOP_DELAY_MS', 5000, 0, 600_000),
    listCacheMs: int(env, 'SUITEWATCH_LIST_CACHE_MS', 2000, 0, 60_000),
  };
}
