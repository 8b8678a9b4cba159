import { execFileSync } from 'node:child_process';
import { withSession } from '../../probes/snmp/session.ts';
import { startSnmpd } from '../helpers/snmpd.ts';

const subtree = '1.3.6.1.2.1';
const rounds = 20;

/**
 * Walks mib-2 on one Debian snmpd with our session and with C `snmpbulkwalk -v2c -Cr25`, the
 * same repetitions, and prints the ratio of wall time per walk (lower is better for us).
 */
export async function benchSnmpWalk(): Promise<void> {
  const agent = await startSnmpd();
  try {
    const target = {
      host: '127.0.0.1',
      port: agent.port,
      version: '2c' as const,
      community: 'public',
      maxRepetitions: 25,
    };
    const cliArgs = [
      '-v2c',
      '-c',
      'public',
      '-Cr25',
      '-On',
      '-m',
      '',
      `127.0.0.1:${agent.port}`,
      subtree,
    ];
    const ours = async () => withSession(target, (s) => s.walk(subtree));
    const theirs = () => execFileSync('snmpbulkwalk', cliArgs, { encoding: 'utf8' });

    // Warm-up, and proof both see the same agent.
    const ourRows = (await ours()).length;
    const cliRows = theirs().trim().split('\n').length;

    let started = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < rounds; i += 1) await ours();
    const oursMs = (performance.now() - started) / rounds;
    const oursCpu = process.cpuUsage(cpu);
    started = performance.now();
    for (let i = 0; i < rounds; i += 1) theirs();
    const cliMs = (performance.now() - started) / rounds;

    console.log(
      `snmp walk of ${subtree} (${ourRows} varbinds; snmpbulkwalk saw ${cliRows}): ours ${oursMs.toFixed(1)} ms, ` +
        `snmpbulkwalk -Cr25 ${cliMs.toFixed(1)} ms per walk; ratio ours/snmpbulkwalk ${(oursMs / cliMs).toFixed(2)} ` +
        `(target <= 1.2); our CPU ${((oursCpu.user + oursCpu.system) / 1000 / rounds).toFixed(1)} ms per walk`,
    );
  } finally {
    await agent.stop();
  }
}
