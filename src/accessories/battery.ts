/**
 * The home storage battery: its charge as a Battery service, and a switch that makes it charge now (off
 * hands it back to its automatic mode), writable when the unit's Set map allows the operation mode.
 * The switch carries the charge (+) / discharge power for Eve as the magnitude.
 */
import type { HomeDevice } from '../home/index.js';
import { LOW_LEVEL_PCT } from '../settings.js';
import { DeviceAccessory } from './base.js';
import { CHARGING_MODES } from './ev-charger.js';
import { whenKnown } from './grid.js';

export class BatteryAccessory extends DeviceAccessory {
  protected build(device: HomeDevice): void {
    const { Service, Characteristic } = this.hap;
    const { names, eve, home } = this.ctx;
    const power = (d: HomeDevice): number | undefined => this.value(d, 'powerW');

    if (this.offers(device, 'socPct')) {
      const level = this.service(Service.Battery, 'level', names.homeBattery);
      const { BATTERY_LEVEL_LOW, BATTERY_LEVEL_NORMAL } = Characteristic.StatusLowBattery;
      const { CHARGING, NOT_CHARGING } = Characteristic.ChargingState;
      this.bind(level, Characteristic.BatteryLevel, (d) => whenKnown(this.value(d, 'socPct'), Math.round));
      this.bind(level, Characteristic.StatusLowBattery, (d) =>
        whenKnown(this.value(d, 'socPct'), (p) => (p < LOW_LEVEL_PCT ? BATTERY_LEVEL_LOW : BATTERY_LEVEL_NORMAL)),
      );
      this.bind(level, Characteristic.ChargingState, (d) => whenKnown(power(d), (w) => (w > 0 ? CHARGING : NOT_CHARGING)));
    }

    if (this.offers(device, 'operationMode')) {
      const charge = this.service(Service.Switch, 'charge-now', names.batteryCharging);
      this.control(
        charge,
        Characteristic.On,
        (d) => whenKnown(this.value(d, 'operationMode'), (m) => CHARGING_MODES.includes(m)),
        device.commands.has('battery-mode'),
        (on) => home.setBatteryMode(this.identity, on === true ? 'charge' : 'automatic'),
      );
      if (this.offers(device, 'powerW')) this.bind(charge, eve.Consumption, (d) => whenKnown(power(d), Math.abs));
    }
  }
}
