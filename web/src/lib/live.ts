import type { LiveEvent } from './types.ts';

const sessionEndedCode = 4401;

const firstRetryMs = 1_000;
const maxRetryMs = 30_000;

export interface LiveHandlers {
  /** The server has said hello: we are subscribed, so a snapshot loaded now misses nothing. */
  onReady(): void;
  /** The socket is gone; `wasReady` is false when it never got as far as the hello. */
  onLost(wasReady: boolean): void;
  onEvent(event: LiveEvent): void;
}

function socketUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/ws`;
}

function parse(data: unknown): LiveEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const event: unknown = JSON.parse(data);
    if (event && typeof event === 'object' && 'type' in event && typeof event.type === 'string') {
      return event as LiveEvent;
    }
  } catch {
    // Not ours; ignore rather than drop the connection.
  }
  return null;
}

/**
 * The dashboard's one websocket. It reconnects with exponential backoff, 1 s doubling to 30 s,
 * and never polls: after a reconnect the caller reloads its snapshot in `onReady`.
 */
export class LiveSocket {
  private readonly handlers: LiveHandlers;
  private socket: WebSocket | null = null;
  private retryMs = firstRetryMs;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(handlers: LiveHandlers) {
    this.handlers = handlers;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.retryMs = firstRetryMs;
    this.connect();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'logged out');
  }

  private connect(): void {
    const socket = new WebSocket(socketUrl());
    this.socket = socket;
    let ready = false;
    socket.addEventListener('message', (message) => {
      if (this.socket !== socket) return;
      const event = parse(message.data);
      if (!event) return;
      if (event.type === 'hello') {
        ready = true;
        this.retryMs = firstRetryMs;
        this.handlers.onReady();
      } else {
        this.handlers.onEvent(event);
      }
    });
    socket.addEventListener('close', (event) => {
      // A socket we already replaced or stopped must not schedule anything.
      if (this.socket !== socket) return;
      this.socket = null;
      // 4401: the server ended this session (logout elsewhere, password change, account
      // disabled). Treat it like a refused upgrade, so the session is checked.
      this.handlers.onLost(ready && event.code !== sessionEndedCode);
      if (this.running) this.retryLater();
    });
  }

  private retryLater(): void {
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, maxRetryMs);
    this.timer = setTimeout(() => {
      if (this.running) this.connect();
    }, delay);
  }
}
