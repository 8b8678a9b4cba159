import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withSession } from '../../probes/snmp/session.ts';
import { waitFor } from './http-server.ts';

export const v3 = {
  authPriv: { name: 'swAuthPriv', authKey: 'auth-pass-123', privKey: 'priv-pass-123' },
  authOnly: { name: 'swAuthOnly', authKey: 'auth-pass-456' },
};

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

export interface Snmpd {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Debian's snmpd on loopback with its own config and state directory, never the system
 * service. The address is given only on the command line.
 */
export async function startSnmpd(extraConfig = ''): Promise<Snmpd> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-snmpd-'));
  const port = await freeUdpPort();
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(
    conf,
    [
      'rocommunity public 127.0.0.1',
      'rocommunity facility-ro 127.0.0.1',
      `createUser ${v3.authPriv.name} SHA "${v3.authPriv.authKey}" AES "${v3.authPriv.privKey}"`,
      `createUser ${v3.authOnly.name} MD5 "${v3.authOnly.authKey}"`,
      `rouser ${v3.authPriv.name} priv`,
      `rouser ${v3.authOnly.name} auth`,
      'sysLocation Machine room, rack 4',
      'sysContact engineering@facility.example',
      extraConfig,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    '/usr/sbin/snmpd',
    ['-f', '-C', '-c', conf, '-m', '', '-Lf', join(dir, 'snmpd.log'), `udp:127.0.0.1:${port}`],
    { env: { ...process.env, SNMP_PERSISTENT_DIR: dir }, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error('snmpd exited; see its log in ' + dir);
      const values = await withSession(
        { host: '127.0.0.1', port, version: '2c', community: 'public', timeoutMs: 200, retries: 0 },
        (s) => s.get(['1.3.6.1.2.1.1.3.0']),
      );
      return values.size > 0;
    },
    { timeoutMs: 15_000, what: 'snmpd to answer' },
  );
  return {
    port,
    dir,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface RaidAgent {
  agent: Snmpd;
  /** Sets the Synology raidStatus the agent answers: 1 normal, 11 degraded, 2 repairing. */
  setRaid(code: number): void;
  stop(): Promise<void>;
}

/**
 * snmpd answering Synology's RAID table through a pass script that reads a file: the state
 * changes with no agent restart, as a real array's would.
 */
export async function startRaidAgent(): Promise<RaidAgent> {
  const probe = await startSnmpd();
  await probe.stop();
  const stateFile = join(probe.dir, 'raid-state');
  const script = join(probe.dir, 'raid.py');
  writeFileSync(stateFile, '1');
  writeFileSync(
    script,
    [
      'import sys',
      `state = open(${JSON.stringify(stateFile)}).read().strip()`,
      "base = '.1.3.6.1.4.1.6574.3.1.1'",
      "rows = [(base + '.1.0', 'integer', '0'), (base + '.2.0', 'string', 'Volume 1'), (base + '.3.0', 'integer', state),",
      "        (base + '.4.0', 'counter64', '4000000000000'), (base + '.5.0', 'counter64', '8000000000000')]",
      "key = lambda oid: [int(x) for x in oid.strip('.').split('.')]",
      'mode, oid = sys.argv[1], sys.argv[2]',
      "match = [r for r in rows if r[0] == oid] if mode == '-g' else [r for r in rows if key(r[0]) > key(oid)][:1]",
      'if match: print("\\n".join(match[0]))',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  const agent = await startSnmpd(`pass .1.3.6.1.4.1.6574.3 /usr/bin/python3 ${script}`);
  return {
    agent,
    setRaid: (code) => writeFileSync(stateFile, String(code)),
    stop: () => agent.stop(),
  };
}
