import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snmp from 'net-snmp';
import WebSocket, { WebSocketServer } from 'ws';
import { freePort, startServer } from '../helpers/server-process.ts';

const traps = 1000;
// One trap every 5 ms: a storm of 200 a second, as a core switch rebooting sends, while each
// trap's own latency is still measurable.
const gapMs = 5;
const linkDown = '1.3.6.1.6.3.1.1.5.3';
const ifIndexOid = '1.3.6.1.2.1.2.2.1.1';

function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  return new Promise((resolve) =>
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * Sends `traps` linkDown traps, each naming its sequence number as ifIndex, and returns each one's
 * time from send to the websocket message that reports it.
 */
async function measure(
  trapPort: number,
  socket: WebSocket,
  indexOf: (message: unknown) => number | null,
): Promise<number[]> {
  const sent = new Map<number, number>();
  const latencies: number[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  socket.on('message', (data: Buffer) => {
    const index = indexOf(JSON.parse(data.toString()));
    const at = index === null ? undefined : sent.get(index);
    if (at === undefined) return;
    latencies.push(performance.now() - at);
    sent.delete(index!);
    if (latencies.length === traps) done();
  });
  const session = snmp.createSession('127.0.0.1', 'public', {
    version: snmp.Version2c,
    trapPort,
  });
  for (let i = 1; i <= traps; i += 1) {
    sent.set(i, performance.now());
    session.trap(
      linkDown,
      [{ oid: `${ifIndexOid}.${i}`, type: snmp.ObjectType.Integer, value: i }],
      () => {},
    );
    await sleep(gapMs);
  }
  await Promise.race([all, sleep(30_000)]);
  session.close();
  if (latencies.length < traps)
    throw new Error(`only ${latencies.length} of ${traps} traps reached the websocket`);
  return latencies.sort((a, b) => a - b);
}

/**
 * The floor: the same traps decoded by net-snmp and forwarded straight to a websocket, with no
 * database, no matching to devices, no authentication.
 */
async function baseline(): Promise<number[]> {
  const trapPort = await freeUdpPort();
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const clients = new Set<WebSocket>();
  wss.on('connection', (client) => clients.add(client));
  const forwarder = snmp.createReceiver(
    { port: trapPort, disableAuthorization: true },
    (error: Error | null, notification?: { pdu: { varbinds: Array<{ oid: string }> } }) => {
      if (error || !notification) return;
      const vb = notification.pdu.varbinds.find((v) => v.oid.startsWith(`${ifIndexOid}.`));
      const message = JSON.stringify({ ifIndex: vb ? Number(vb.oid.split('.').pop()) : null });
      for (const client of clients) client.send(message);
    },
  );
  const { port } = wss.address() as { port: number };
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((resolve) => socket.once('open', resolve));
  try {
    return await measure(trapPort, socket, (m) => (m as { ifIndex: number | null }).ifIndex);
  } finally {
    socket.close();
    forwarder.close();
    await new Promise((resolve) => wss.close(resolve));
  }
}

/** Trap received → live event at a logged-in dashboard's websocket, through the real server. */
export async function benchTrapLatency(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-bench-traps-'));
  const trapPort = await freeUdpPort();
  const password = 'bench-traps-password';
  const server = await startServer({
    PORT: String(await freePort()),
    SUITEWATCH_DATA_DIR: dataDir,
    SUITEWATCH_ADMIN_PASSWORD: password,
    SUITEWATCH_TRAP_PORT: String(trapPort),
    SUITEWATCH_EMBEDDED_PROBE: 'false',
  });
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    // The traps come from a known switch, so each one also opens its port's fault: the whole path.
    const device = await fetch(`${server.url}/api/devices`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench core switch', kind: 'switch', host: '127.0.0.1' }),
    });
    if (device.status !== 201) throw new Error(`bench device: ${device.status}`);
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/ws`, {
      headers: { cookie },
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const ours = await measure(trapPort, socket, (m) => {
      const event = m as { type?: string; ifIndex?: number | null };
      return event.type === 'trap' ? (event.ifIndex ?? null) : null;
    });
    socket.close();
    const floor = await baseline();
    const p = (list: number[], q: number) => percentile(list, q).toFixed(1);
    console.log(
      `trap -> websocket event, ${traps} linkDown traps at one per ${gapMs} ms, embedded database:\n` +
        `  ours (receive, match to device, store, publish; each trap also opens its port's fault): p50 ${p(ours, 50)} ms, p99 ${p(ours, 99)} ms, max ${p(ours, 100)} ms (target p99 <= 250 ms)\n` +
        `  baseline (net-snmp receiver straight to a websocket): p50 ${p(floor, 50)} ms, p99 ${p(floor, 99)} ms\n` +
        `  ratio ours/baseline p99: ${(percentile(ours, 99) / percentile(floor, 99)).toFixed(2)}`,
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
