import { createServer, type Server, type Socket } from 'node:net';

export interface VideohubSimulatorOptions {
  model?: string;
  inputs?: number;
  outputs?: number;
  /** Sent in the prelude, to show that clients skip blocks they do not know. */
  extraBlocks?: string[];
}

/**
 * A Blackmagic Videohub on loopback, speaking the TCP 9990 text protocol: the prelude on
 * connect, then changes as they happen. Tests and the demo change its routing at run time.
 */
export class VideohubSimulator {
  readonly routing: number[];
  readonly locks: Array<'O' | 'L' | 'U'>;
  private readonly clients = new Set<Socket>();
  private server: Server | null = null;
  readonly model: string;
  readonly inputs: number;
  readonly outputs: number;

  constructor(private readonly options: VideohubSimulatorOptions = {}) {
    this.model = options.model ?? 'Blackmagic Smart Videohub 12G 40x40';
    this.inputs = options.inputs ?? 40;
    this.outputs = options.outputs ?? 40;
    this.routing = Array.from({ length: this.outputs }, (_, i) => i % this.inputs);
    this.locks = Array.from({ length: this.outputs }, () => 'U' as const);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    return (this.server.address() as { port: number }).port;
  }

  private prelude(): string {
    const numbered = (count: number, f: (i: number) => string) =>
      Array.from({ length: count }, (_, i) => `${i} ${f(i)}`).join('\n');
    return [
      'PROTOCOL PREAMBLE:\nVersion: 2.8\n',
      `VIDEOHUB DEVICE:\nDevice present: true\nModel name: ${this.model}\nVideo inputs: ${this.inputs}\nVideo processing units: 0\nVideo outputs: ${this.outputs}\nVideo monitoring outputs: 0\nSerial ports: 0\n`,
      ...(this.options.extraBlocks ?? []),
      `INPUT LABELS:\n${numbered(this.inputs, (i) => `Input ${i + 1}`)}\n`,
      `OUTPUT LABELS:\n${numbered(this.outputs, (i) => `Output ${i + 1}`)}\n`,
      `VIDEO OUTPUT LOCKS:\n${numbered(this.outputs, (i) => this.locks[i]!)}\n`,
      `VIDEO OUTPUT ROUTING:\n${numbered(this.outputs, (i) => String(this.routing[i]))}\n`,
      'END PRELUDE:\n',
    ]
      .map((block) => `${block}\n`)
      .join('');
  }

  private accept(socket: Socket): void {
    this.clients.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.clients.delete(socket));
    socket.write(this.prelude());
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        this.command(socket, buffer.slice(0, end).split('\n'));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    });
  }

  private command(socket: Socket, lines: string[]): void {
    const [header, ...body] = lines;
    if (header === 'PING:') {
      socket.write('ACK\n\n');
    } else if (header === 'VIDEO OUTPUT ROUTING:') {
      const changes = body.map((line) => line.split(' ').map(Number) as [number, number]);
      if (changes.some(([o, i]) => !(o >= 0 && o < this.outputs && i >= 0 && i < this.inputs))) {
        socket.write('NAK\n\n');
        return;
      }
      socket.write('ACK\n\n');
      for (const [output, input] of changes) this.setRoute(output, input);
    } else {
      socket.write('NAK\n\n');
    }
  }

  /** Routes an input to an output (zero-based, as on the wire) and tells every client. */
  setRoute(output: number, input: number): void {
    this.routing[output] = input;
    this.broadcast(`VIDEO OUTPUT ROUTING:\n${output} ${input}\n\n`);
  }

  /** Sends raw text to every client: for garbage and unknown blocks in tests. */
  broadcast(text: string): void {
    for (const socket of this.clients) socket.write(text);
  }

  /** Drops every connection, as a router reboot or a network blip would. */
  dropClients(): void {
    for (const socket of this.clients) socket.destroy();
    this.clients.clear();
  }

  async close(): Promise<void> {
    this.dropClients();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
