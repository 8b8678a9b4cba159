import { connect, type Socket } from 'node:net';
import { Type, type Static } from 'typebox';
import type { ProbeContext, ProbeKind, ProbeOutcome, Reading } from '../types.ts';

// How much of a greeting is read looking for the banner.
const maxBannerBytes = 4096;

export const tcpConfigSchema = Type.Object(
  {
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    host: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: "Default: the device's host" }),
    ),
    banner: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Text expected in what the service sends first',
      }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
    warnConnectMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })),
  },
  { additionalProperties: false },
);

export type TcpConfig = Static<typeof tcpConfigSchema>;

/** Shows what a service sent in a message: printable, one line, short. */
export function printable(text: string, max = 80): string {
  const clean = text.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function open(
  host: string,
  port: number,
  signal: AbortSignal,
): Promise<{ socket: Socket; connectMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, signal });
    socket.once('connect', () =>
      resolve({ socket, connectMs: Math.round((performance.now() - started) * 10) / 10 }),
    );
    socket.once('error', reject);
  });
}

function readUntil(
  socket: Socket,
  wanted: string,
  signal: AbortSignal,
): Promise<{ text: string; found: boolean }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (found: boolean) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ text, found });
    };
    const onAbort = () => done(text.includes(wanted));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes(wanted)) done(true);
      else if (text.length >= maxBannerBytes) done(false);
    });
    socket.once('end', () => done(text.includes(wanted)));
    socket.once('error', reject);
  });
}

export const tcpProbe: ProbeKind<typeof tcpConfigSchema> = {
  kind: 'tcp',
  configSchema: tcpConfigSchema,
  async run(config, context: ProbeContext): Promise<ProbeOutcome> {
    const host = config.host ?? context.host;
    const { socket, connectMs } = await open(host, config.port, context.signal);
    try {
      const readings: Reading[] = [{ name: 'tcp.connect_ms', value: connectMs, unit: 'ms' }];
      if (config.banner) {
        // The banner may take longer than the connect; a silent service is reported, not hung on.
        // Give up a little before the runner's deadline, so the message says what was seen.
        const wait = AbortSignal.any([
          context.signal,
          AbortSignal.timeout(Math.max(50, Math.floor(context.timeoutMs * 0.8 - connectMs))),
        ]);
        const { text, found } = await readUntil(socket, config.banner, wait);
        if (!found) {
          const seen = printable(text);
          return {
            status: 'critical',
            message: `port ${config.port} answered but sent ${seen ? `'${seen}'` : 'nothing'}, not '${config.banner}'`,
            readings,
          };
        }
      }
      if (config.warnConnectMs && connectMs > config.warnConnectMs) {
        return {
          status: 'warning',
          message: `port ${config.port} open, slower than ${config.warnConnectMs} ms`,
          readings,
        };
      }
      return { status: 'ok', message: `port ${config.port} open`, readings };
    } finally {
      socket.destroy();
    }
  },
};
