/**
 * The devices of the home and their change events. Sources (ECHONET pollers, the B-route meter) write
 * here; consumers read snapshots and listen. A snapshot is replaced, never mutated, so a consumer holding
 * one never sees it change under its feet.
 */
import { EventEmitter } from 'node:events';
import type { HomeDevice } from './device.js';
import { stamp, type ReadingUpdate } from './readings.js';

export interface HomeEvents {
  /** A device seen for the first time since start. */
  'device-added': [HomeDevice];
  /** New readings, online/offline, a new address or new commands. */
  'device-changed': [HomeDevice];
}

export class DeviceStore extends EventEmitter<HomeEvents> {
  private readonly devices = new Map<string, HomeDevice>();

  get(identity: string): HomeDevice | undefined {
    return this.devices.get(identity);
  }

  list(): HomeDevice[] {
    return [...this.devices.values()];
  }

  /** Adds a device, or replaces what is known about it (keeping its readings). */
  put(device: Omit<HomeDevice, 'readings'>): HomeDevice {
    const previous = this.devices.get(device.identity);
    const next: HomeDevice = { ...device, readings: previous?.readings ?? {} };
    this.devices.set(device.identity, next);
    this.emit(previous ? 'device-changed' : 'device-added', next);
    return next;
  }

  /** Merges new readings (received now, so the device is online) and announces the change. */
  record(identity: string, update: ReadingUpdate, at: number): void {
    const previous = this.devices.get(identity);
    if (!previous) return;
    const next: HomeDevice = { ...previous, online: true, readings: { ...previous.readings, ...stamp(update, at) } };
    this.devices.set(identity, next);
    this.emit('device-changed', next);
  }

  /** Marks a device online or offline; returns true when that changed its state. */
  setOnline(identity: string, online: boolean): boolean {
    const previous = this.devices.get(identity);
    if (!previous || previous.online === online) return false;
    const next: HomeDevice = { ...previous, online };
    this.devices.set(identity, next);
    this.emit('device-changed', next);
    return true;
  }
}
