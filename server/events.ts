import { EventEmitter } from 'node:events';
import type { LiveEvent } from './live-events.ts';

export type { Health, LiveEvent } from './live-events.ts';

export interface EndedSessions {
  sessionId?: string;
  tokenId?: string;
  /** Every session of this user, except `exceptSessionId` (the one that changed the password). */
  userId?: string;
  exceptSessionId?: string | null;
}

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: LiveEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Credentials that stopped being valid: live sockets opened with them are closed. */
  endSessions(ended: EndedSessions): void {
    this.emitter.emit('ended', ended);
  }

  onSessionsEnded(listener: (ended: EndedSessions) => void): () => void {
    this.emitter.on('ended', listener);
    return () => this.emitter.off('ended', listener);
  }
}
