import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';

export const linkDown = '1.3.6.1.6.3.1.1.5.3';

/** Sends a trap with Debian's snmptrap CLI: v2c takes a trap OID, v1 an enterprise and numbers. */
export function sendTrap(
  port: number,
  community: string,
  version: '1' | '2c',
  args: string[],
): void {
  execFileSync(
    'snmptrap',
    [`-v${version === '1' ? '1' : '2c'}`, '-c', community, '-m', '', `127.0.0.1:${port}`, ...args],
    {
      stdio: 'ignore',
    },
  );
}

export const v2LinkDown = (port: number, community = 'public', ifIndex = 2) =>
  sendTrap(port, community, '2c', [
    '',
    linkDown,
    `1.3.6.1.2.1.2.2.1.1.${ifIndex}`,
    'i',
    String(ifIndex),
    `1.3.6.1.2.1.2.2.1.7.${ifIndex}`,
    'i',
    '1',
    `1.3.6.1.2.1.2.2.1.8.${ifIndex}`,
    'i',
    '2',
  ]);

/** A datagram that is not SNMP at all. */
export async function sendGarbage(port: number): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) =>
    socket.send(
      Buffer.from('this is not an SNMP packet \u0000\u00ff'),
      port,
      '127.0.0.1',
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  socket.close();
}
