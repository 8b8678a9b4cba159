import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printable, tcpProbe, type TcpConfig } from '../../probes/kinds/tcp.ts';

async function listen(
  onConnection: (socket: Socket) => void,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    // The probe closes its side as soon as it has its answer; a reset here is expected.
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('tcp probe against real local services', () => {
  const servers: Server[] = [];
  let ftp: number;
  let silent: number;
  beforeAll(async () => {
    const a = await listen((socket) => socket.end('220 Avid Interplay FTP ready\r\n'));
    const b = await listen(() => {});
    servers.push(a.server, b.server);
    ftp = a.port;
    silent = b.port;
  });
  afterAll(() => {
    for (const server of servers) server.close();
  });

  const run = (config: TcpConfig, timeoutMs = 1000) =>
    tcpProbe.run(config, {
      signal: AbortSignal.timeout(timeoutMs),
      timeoutMs,
      host: '127.0.0.1',
      state: new Map(),
    });

  it('is ok when the port accepts, and reports the connect time', async () => {
    const outcome = await run({ port: ftp });
    expect(outcome).toMatchObject({ status: 'ok', message: `port ${ftp} open` });
    expect(outcome.readings[0]).toMatchObject({ name: 'tcp.connect_ms', unit: 'ms' });
    expect(outcome.readings[0]?.value).toBeGreaterThanOrEqual(0);
  });

  it('matches a banner, and names what it saw when the banner is wrong or missing', async () => {
    expect((await run({ port: ftp, banner: '220 Avid' })).status).toBe('ok');
    const wrong = await run({ port: ftp, banner: 'SSH-2.0' });
    expect(wrong).toMatchObject({
      status: 'critical',
      message: `port ${ftp} answered but sent '220 Avid Interplay FTP ready', not 'SSH-2.0'`,
    });
    const quiet = await run({ port: silent, banner: 'SSH-2.0' }, 500);
    expect(quiet).toMatchObject({
      status: 'critical',
      message: `port ${silent} answered but sent nothing, not 'SSH-2.0'`,
    });
  });

  it('rejects on a refused port', async () => {
    const closed = await listen(() => {});
    closed.server.close();
    await expect(run({ port: closed.port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('keeps messages printable', () => {
    expect(printable('\u0000\u0001hello\r\nworld\u00ff')).toBe('hello world');
    expect(printable('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
  });
});
