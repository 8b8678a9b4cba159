import { EventEmitter } from 'node:events';
import type { Status } from './db/schema/index.ts';

export interface Health {
  status: Status;
  deviceId: string | null;
  deviceName: string | null;
  message: string;
}

/** What the dashboard hears. Every event describes state that is already committed. */
export type LiveEvent =
  | { type: 'device.status'; deviceId: string; status: Status; message: string; at: string }
  | { type: 'suite.health'; suiteId: string; health: Health }
  | { type: 'readings'; deviceIds: string[] }
  | {
      type: 'changed';
      entity: 'site' | 'room' | 'suite' | 'device' | 'check' | 'user';
      id: string;
    };

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
}
