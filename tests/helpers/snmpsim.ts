import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { withSession } from '../../probes/snmp/session.ts';
import { waitFor } from './http-server.ts';
import { freeUdpPort } from './snmpd.ts';
import { root } from './server-process.ts';

export interface Snmpsim {
  port: number;
  stop(): Promise<void>;
}

/** The project's own recordings: tests/fixtures/snmprec/<name>.snmprec, community <name>. */
export const recording = (name: string) =>
  join(root, 'tests', 'fixtures', 'snmprec', `${name}.snmprec`);

/**
 * snmpsim replaying recordings on loopback. It refuses to run as root, so it drops to nobody,
 * who must be able to read a copy of the recordings.
 */
export async function startSnmpsim(recordings: string[]): Promise<Snmpsim> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-snmpsim-'));
  for (const file of recordings) copyFileSync(file, join(dir, basename(file)));
  chmodSync(dir, 0o755);
  for (const file of recordings) chmodSync(join(dir, basename(file)), 0o644);
  // snmpsimd indexes the recordings into its cache as nobody, so that folder must be nobody's.
  const cache = join(dir, 'cache');
  mkdirSync(cache);
  chmodSync(cache, 0o777);
  const port = await freeUdpPort();
  const child: ChildProcess = spawn(
    'snmpsimd',
    [
      `--data-dir=${dir}`,
      `--agent-udpv4-endpoint=127.0.0.1:${port}`,
      '--process-user=nobody',
      '--process-group=nogroup',
      `--cache-dir=${cache}`,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const community = basename(recordings[0]!, '.snmprec');
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error('snmpsimd exited');
      const values = await withSession(
        { host: '127.0.0.1', port, version: '2c', community, timeoutMs: 300, retries: 0 },
        (s) => s.get(['1.3.6.1.2.1.1.3.0']),
      );
      return values.get('1.3.6.1.2.1.1.3.0') !== null;
    },
    { timeoutMs: 30_000, what: 'snmpsimd to answer' },
  );
  return {
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
