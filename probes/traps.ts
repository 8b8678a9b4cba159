import snmp from 'net-snmp';
import type { Socket } from 'node:dgram';
import { decode } from './snmp/session.ts';

export type TrapKind = 'coldStart' | 'warmStart' | 'linkDown' | 'linkUp' | 'other';

export interface Trap {
  source: string;
  version: '1' | '2c';
  trapOid: string;
  kind: TrapKind;
  /** The interface a link trap is about (from ifIndex in its varbinds). */
  ifIndex: number | null;
  varbinds: Array<{ oid: string; value: string | number | null }>;
  receivedAt: string;
}

export type TrapRejection = 'unknown_community' | 'bad_packet';

const snmpTrapOid = '1.3.6.1.6.3.1.1.4.1.0';
const sysUpTime = '1.3.6.1.2.1.1.3.0';
const ifIndexColumn = '1.3.6.1.2.1.2.2.1.1.';
const standardTraps = '1.3.6.1.6.3.1.1.5.';
const kinds: Record<string, TrapKind> = {
  [`${standardTraps}1`]: 'coldStart',
  [`${standardTraps}2`]: 'warmStart',
  [`${standardTraps}3`]: 'linkDown',
  [`${standardTraps}4`]: 'linkUp',
};

interface Pdu {
  type: number;
  varbinds: snmp.Varbind[];
  enterprise?: string;
  generic?: number;
  specific?: number;
}

/** A v1 trap's generic/specific numbers as the v2 trap OID (RFC 3584, section 3.1). */
function v1TrapOid(pdu: Pdu): string {
  if (pdu.generic === 6) return `${pdu.enterprise ?? ''}.0.${pdu.specific ?? 0}`;
  return `${standardTraps}${(pdu.generic ?? 0) + 1}`;
}

export function toTrap(pdu: Pdu, source: string, receivedAt = new Date()): Trap {
  const v1 = pdu.type === snmp.PduType.Trap;
  const all = pdu.varbinds.map((vb) => {
    const value = decode(vb);
    return { oid: vb.oid, value: typeof value === 'bigint' ? value.toString() : value };
  });
  const trapOid = v1
    ? v1TrapOid(pdu)
    : String(all.find((vb) => vb.oid === snmpTrapOid)?.value ?? '');
  const varbinds = all.filter((vb) => vb.oid !== snmpTrapOid && vb.oid !== sysUpTime);
  const index = varbinds.find((vb) => vb.oid.startsWith(ifIndexColumn))?.value;
  return {
    source,
    version: v1 ? '1' : '2c',
    trapOid,
    kind: kinds[trapOid] ?? 'other',
    ifIndex: typeof index === 'number' ? index : null,
    varbinds,
    receivedAt: receivedAt.toISOString(),
  };
}

export interface TrapReceiverOptions {
  port: number;
  address?: string;
  /** Traps with any other community are refused and counted. */
  communities: string[];
  onTrap(trap: Trap): void;
  onReject(reason: TrapRejection, source: string | null): void;
}

/**
 * Listens for SNMP v1 and v2c traps (and informs) on UDP. Nothing a sender does is fatal: a
 * packet that does not parse or carries an unknown community is reported and dropped.
 */
export class TrapReceiver {
  private receiver: {
    close(callback?: () => void): void;
    listener: { sockets: Record<string, Socket> };
  } | null = null;

  constructor(private readonly options: TrapReceiverOptions) {}

  /** Resolves with the bound port once listening; rejects when the port cannot be bound. */
  async start(): Promise<number> {
    let bound = false;
    let failStart: (error: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      failStart = reject;
    });
    const receiver = snmp.createReceiver(
      {
        port: this.options.port,
        address: this.options.address ?? null,
        transport: 'udp4',
        accessControlModelType: snmp.AccessControlModelType.None,
      },
      (
        error: (Error & { code?: string; rinfo?: { address: string } }) | null,
        notification?: { pdu: Pdu; rinfo: { address: string } },
      ) => {
        if (error) {
          if (!bound && error.code) return failStart(error);
          // The error's text names the community that was sent; it is never logged.
          const reason: TrapRejection = /community/i.test(error.message)
            ? 'unknown_community'
            : 'bad_packet';
          this.options.onReject(reason, error.rinfo?.address ?? null);
          return;
        }
        if (notification) this.options.onTrap(toTrap(notification.pdu, notification.rinfo.address));
      },
    ) as NonNullable<TrapReceiver['receiver']> & {
      getAuthorizer(): { addCommunity(c: string): void };
    };
    for (const community of this.options.communities)
      receiver.getAuthorizer().addCommunity(community);
    this.receiver = receiver;
    const socket = Object.values(receiver.listener.sockets)[0];
    if (!socket) throw new Error('the trap receiver opened no socket');
    await Promise.race([
      new Promise<void>((resolve) => socket.once('listening', () => resolve())),
      failed,
    ]);
    bound = true;
    return socket.address().port;
  }

  close(): Promise<void> {
    const receiver = this.receiver;
    this.receiver = null;
    if (!receiver) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        receiver.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
