import { connect, type Socket } from 'node:net';
import { emptyState, VideohubParser, type VideohubState } from './protocol.ts';

const firstRetryMs = 1000;
const maxRetryMs = 30_000;
// A router no check has asked about for this long is let go.
const idleMs = 10 * 60_000;

/**
 * One long-lived connection to a router. The router sends its whole state once (the prelude) and
 * then only changes, so the connection stays open and the state is kept up to date between
 * polls. A dropped connection is retried with backoff, and the next prelude replaces the state.
 */
export class VideohubConnection {
  state: VideohubState = emptyState();
  lastError: string | null = null;
  lastUsed = Date.now();
  private socket: Socket | null = null;
  private retryMs = firstRetryMs;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private garbageBefore = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.open();
  }

  private open(): void {
    // Garbage is counted across reconnects; everything else comes again with the prelude.
    this.garbageBefore += this.state.garbageLines;
    this.state = emptyState();
    const state = this.state;
    const parser = new VideohubParser(state);
    const socket = connect({ host: this.host, port: this.port });
    this.socket = socket;
    socket.setKeepAlive(true, 10_000);
    socket.on('connect', () => {
      this.retryMs = firstRetryMs;
      this.lastError = null;
    });
    socket.on('data', (chunk: Buffer) => {
      parser.feed(chunk.toString('utf8'));
      if (state.preludeDone) for (const wake of this.waiters) wake();
    });
    socket.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      state.preludeDone = false;
      this.lastError ??= 'the router closed the connection';
      if (this.closed) return;
      this.timer = setTimeout(() => this.open(), this.retryMs);
      this.timer.unref();
      this.retryMs = Math.min(this.retryMs * 2, maxRetryMs);
    });
  }

  get garbageLines(): number {
    return this.garbageBefore + this.state.garbageLines;
  }

  /** The state once the prelude has arrived; rejects, saying why, if it does not in time. */
  ready(timeoutMs: number, signal?: AbortSignal): Promise<VideohubState> {
    this.lastUsed = Date.now();
    if (this.state.preludeDone) return Promise.resolve(this.state);
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', abort);
        if (error) reject(error);
        else resolve(this.state);
      };
      const wake = () => finish();
      const abort = () => finish(new Error('aborted'));
      const timer = setTimeout(
        () =>
          finish(
            new Error(
              `router not connected: ${this.lastError ?? `no prelude within ${timeoutMs} ms`}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.add(wake);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.destroy();
    this.socket = null;
  }
}

const pool = new Map<string, VideohubConnection>();

/** The open connection to a router, made on first use; routers idle for 10 minutes are let go. */
export function connectionFor(host: string, port: number): VideohubConnection {
  const now = Date.now();
  for (const [key, connection] of pool) {
    if (now - connection.lastUsed > idleMs) {
      connection.close();
      pool.delete(key);
    }
  }
  const key = `${host}:${port}`;
  let connection = pool.get(key);
  if (!connection) {
    connection = new VideohubConnection(host, port);
    pool.set(key, connection);
  }
  return connection;
}

export function closeVideohubConnections(): void {
  for (const connection of pool.values()) connection.close();
  pool.clear();
}
