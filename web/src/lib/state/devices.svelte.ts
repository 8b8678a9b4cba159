import { api } from '../api.ts';
import type { Device, Status } from '../types.ts';
import { ListState } from './list.svelte.ts';

export interface StatusChange {
  deviceId: string;
  status: Status;
  message: string;
  at: string;
}

/** Applies a status change unless the device already holds a newer one. */
export function applyStatus(device: Device, change: StatusChange): void {
  if (Date.parse(change.at) < Date.parse(device.statusChangedAt)) return;
  device.status = change.status;
  device.statusMessage = change.message;
  device.statusChangedAt = change.at;
}

export class DevicesState extends ListState<Device> {
  constructor() {
    super(() => api.devices());
  }

  setStatus(change: StatusChange): void {
    this.change(change.deviceId, (device) => applyStatus(device, change));
  }
}

export const devices = new DevicesState();
