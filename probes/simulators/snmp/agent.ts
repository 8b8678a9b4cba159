import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import snmp from 'net-snmp';
import { Mib, T, type NetSnmpMib } from './mib.ts';

interface BulkMessage {
  pdu: { nonRepeaters: number; maxRepetitions: number; varbinds: Array<{ oid: string }> };
}

interface NetSnmpAgent {
  getMib(): NetSnmpMib & { getTableRowCells(): unknown };
  getAuthorizer(): { addCommunity(community: string): void };
  listener: { sockets: Record<string, Socket> };
  getBulkRequest(socket: Socket, message: BulkMessage, rinfo: RemoteInfo): void;
  addGetNextVarbind(
    out: unknown[],
    oid: string,
  ): { oid: string; type: snmp.ObjectType } | undefined;
  request(socket: Socket, message: BulkMessage, rinfo: RemoteInfo): void;
}

/**
 * GetBulk as RFC 3416 says: up to maxRepetitions rows for each repeated OID. net-snmp's agent
 * caps the whole answer at maxRepetitions varbinds instead, so a manager asking for several
 * table columns at once (as Suitewatch and every NMS does) would get a sliver of each. Real
 * agents (Debian's snmpd) follow the RFC; the simulator must too.
 */
function answerBulkAsTheRfcSays(agent: NetSnmpAgent): void {
  agent.getBulkRequest = (socket, message, rinfo) => {
    const { pdu } = message;
    const answer: unknown[] = [];
    const fixed = Math.max(0, Math.min(pdu.nonRepeaters, pdu.varbinds.length));
    for (const { oid } of pdu.varbinds.slice(0, fixed)) agent.addGetNextVarbind(answer, oid);
    const cursors = pdu.varbinds.slice(fixed).map((v) => v.oid);
    // Bounded whatever a client asks: a datagram holds only so much.
    const rows = Math.min(
      Math.max(0, pdu.maxRepetitions),
      Math.floor(2000 / (cursors.length || 1)),
    );
    for (let row = 0; row < rows && cursors.length > 0; row += 1) {
      let moving = false;
      cursors.forEach((oid, i) => {
        const next = agent.addGetNextVarbind(answer, oid);
        if (!next) return;
        cursors[i] = next.oid;
        if (next.type !== snmp.ObjectType.EndOfMibView) moving = true;
      });
      if (!moving) break;
    }
    pdu.varbinds = answer as BulkMessage['pdu']['varbinds'];
    agent.request(socket, message, rinfo);
  };
}

export interface AgentOptions {
  /** sysName, and the host name in sysDescr. */
  name?: string;
  /** v1/v2c communities answered; a request with any other is dropped, as a real agent does. */
  communities?: string[];
  /** How long the device has been up when the simulator starts. */
  uptimeS?: number;
  sysLocation?: string;
}

export interface ListenOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Loopback by default. Several addresses give several "devices" (one per address) one MIB. */
  addresses?: string[];
}

type MessageListener = (message: Buffer, rinfo: RemoteInfo) => void;

async function freeUdpPort(address: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * One simulated device speaking SNMP v1/v2c on UDP, served by net-snmp's agent. Subclasses add
 * their MIB (a workstation's, a NAS's) and a typed way to change the device's state at run time.
 */
export abstract class SimulatedSnmpAgent {
  readonly name: string;
  /** Datagrams dropped as malformed, refused (unknown community) or failing: counted, never fatal. */
  rejected = 0;
  /** Requests answered. */
  answered = 0;
  /** Off the network (unplugged, powered off, mid-reboot): requests go unanswered. */
  reachable = true;
  port = 0;
  protected bootMs: number;
  private agent: NetSnmpAgent | null = null;
  private readonly communities: string[];
  private readonly sysLocation: string;

  constructor(options: AgentOptions = {}) {
    this.name = options.name ?? 'device';
    this.communities = options.communities ?? ['public'];
    this.sysLocation = options.sysLocation ?? 'Machine room';
    this.bootMs = Date.now() - (options.uptimeS ?? 12 * 86_400) * 1000;
  }

  protected abstract readonly sysDescr: string;
  protected abstract readonly sysObjectID: string;
  /** Registers the device's own MIB beyond the system group. */
  protected abstract build(mib: Mib): void;
  /** Puts counters back to zero after a reboot. */
  protected onReboot(_nowMs: number): void {}

  /** sysUpTime: hundredths of a second since the (simulated) boot. */
  uptimeTicks(nowMs = Date.now()): number {
    return Math.floor((nowMs - this.bootMs) / 10);
  }

  /** Starts answering; resolves with the UDP port. */
  async start({ port = 0, addresses = ['127.0.0.1'] }: ListenOptions = {}): Promise<number> {
    if (this.agent) throw new Error('the simulated agent is already running');
    if (addresses.length === 0) throw new Error('an agent needs an address to listen on');
    // net-snmp reads port 0 as "the default, 161", and every address shares one port: so a free
    // port is found first and then used for all.
    const chosen = port === 0 ? await freeUdpPort(addresses[0]!) : port;
    const agent = snmp.createAgent(
      {
        disableAuthorization: false,
        sockets: addresses.map((address) => ({ transport: 'udp4', address, port: chosen })),
      },
      (error: unknown) => {
        if (error) this.rejected += 1;
        else this.answered += 1;
      },
    ) as NetSnmpAgent;
    this.agent = agent;
    // net-snmp rebuilds a varbind's whole table row on every read only to hand it to the agent's
    // callback, which counts and ignores it here. Skipping that halves the simulator's CPU, so a
    // demo's devices or a benchmark's thousands share two cores with the poller. Only SETs that
    // create rows would need it, and this MIB is read-only.
    agent.getMib().getTableRowCells = () => null;
    answerBulkAsTheRfcSays(agent);
    const sockets = Object.values(agent.listener.sockets);
    try {
      for (const community of this.communities) agent.getAuthorizer().addCommunity(community);
      const mib = new Mib(agent.getMib());
      this.buildSystem(mib);
      this.build(mib);
      await Promise.all(sockets.map((socket) => this.guard(socket)));
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.port = sockets[0]!.address().port;
    return this.port;
  }

  /**
   * Waits for the socket to listen, and wraps net-snmp's handler so that a datagram it cannot
   * cope with is counted rather than thrown out of the event loop, and so that an unreachable
   * device stays silent.
   */
  private async guard(socket: Socket): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      socket.once('listening', resolve);
      socket.once('error', reject);
    });
    const handlers = socket.listeners('message') as MessageListener[];
    socket.removeAllListeners('message');
    socket.on('message', (message: Buffer, rinfo: RemoteInfo) => {
      if (!this.reachable) return;
      try {
        for (const handle of handlers) handle(message, rinfo);
      } catch {
        this.rejected += 1;
      }
    });
  }

  private buildSystem(mib: Mib): void {
    const system = '1.3.6.1.2.1.1';
    mib.scalar('sysDescr', `${system}.1.0`, T.OctetString, () => this.sysDescr);
    mib.scalar('sysObjectID', `${system}.2.0`, T.OID, () => this.sysObjectID);
    mib.scalar('sysUpTime', `${system}.3.0`, T.TimeTicks, () => this.uptimeTicks());
    mib.scalar('sysContact', `${system}.4.0`, T.OctetString, () => 'engineering@facility.example');
    mib.scalar('sysName', `${system}.5.0`, T.OctetString, () => this.name);
    mib.scalar('sysLocation', `${system}.6.0`, T.OctetString, () => this.sysLocation);
    mib.scalar('sysServices', `${system}.7.0`, T.Integer, () => 72);
  }

  /** Restarts the device: sysUpTime begins again at 0 and counters at zero. */
  reboot(): void {
    const now = Date.now();
    this.bootMs = now;
    this.onReboot(now);
  }

  /** Takes the device off the network (or puts it back): requests time out meanwhile. */
  setReachable(reachable: boolean): void {
    this.reachable = reachable;
  }

  async stop(): Promise<void> {
    const agent = this.agent;
    this.agent = null;
    if (!agent) return;
    // Each socket on its own: net-snmp's close() gives up at the first socket that never bound.
    await Promise.all(
      Object.values(agent.listener.sockets).map(
        (socket) =>
          new Promise<void>((resolve) => {
            try {
              socket.close(() => resolve());
            } catch {
              resolve(); // already closed
            }
          }),
      ),
    );
  }
}
