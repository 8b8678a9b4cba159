import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const isCI = process.env.CI === 'true';

export interface Part {
  name: string;
  /** Why it is missing, or null when it is here. */
  missing(): string | null;
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Real-world fixtures kept beside the repository (../shared), never copied into it. */
export const sharedReferenceDir = new URL('../../../shared/reference/', import.meta.url);

export const parts = {
  postgres: {
    name: 'PostgreSQL',
    missing: () =>
      process.env.DATABASE_URL
        ? null
        : 'DATABASE_URL is not set (.ci/run starts a throwaway PostgreSQL)',
  },
  chromium: {
    name: 'Chromium',
    missing: () =>
      existsSync('/usr/bin/chromium')
        ? null
        : '/usr/bin/chromium is not installed (apt-get install chromium)',
  },
  snmpd: {
    name: 'snmpd',
    missing: () =>
      existsSync('/usr/sbin/snmpd')
        ? null
        : '/usr/sbin/snmpd is not installed (apt-get install snmpd)',
  },
  snmpCli: {
    name: 'snmp',
    missing: () =>
      onPath('snmpbulkwalk') ? null : 'snmpbulkwalk is not on PATH (apt-get install snmp)',
  },
  snmpsim: {
    name: 'snmpsim',
    missing: () =>
      onPath('snmpsimd') ? null : 'snmpsimd is not on PATH (apt-get install snmpsim)',
  },
  snmptrap: {
    name: 'snmptrap',
    missing: () => (onPath('snmptrap') ? null : 'snmptrap is not on PATH (apt-get install snmp)'),
  },
  openssl: {
    name: 'openssl',
    missing: () => (onPath('openssl') ? null : 'openssl is not on PATH (apt-get install openssl)'),
  },
  promtool: {
    name: 'promtool',
    missing: () =>
      onPath('promtool') ? null : 'promtool is not on PATH (apt-get install prometheus)',
  },
  sharedReference: {
    name: 'shared reference files',
    missing: () =>
      existsSync(fileURLToPath(sharedReferenceDir))
        ? null
        : `${fileURLToPath(sharedReferenceDir)} is absent (the reference files live beside the repository)`,
  },
} satisfies Record<string, Part>;

/**
 * A describe block that needs system parts. Where one is missing it is skipped with the reason
 * in its title, except under CI=true, where the missing part fails the block.
 */
export function describeWith(needs: Part[], title: string, body: () => void): void {
  const missing = needs.map((p) => p.missing()).filter((m): m is string => m !== null);
  if (missing.length === 0) {
    describe(title, body);
  } else if (isCI) {
    describe(title, () => {
      it(`has its system parts`, () => {
        throw new Error(`CI=true but ${missing.join('; ')}`);
      });
    });
  } else {
    describe.skip(`${title} [skipped: ${missing.join('; ')}]`, body);
  }
}
