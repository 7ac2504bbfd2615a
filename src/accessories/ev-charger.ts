/**
 * The EV charger, as verified HomeKit plugins show one: an Outlet to start and stop charging (with the
 * charging power for Eve), a contact sensor that closes while a car is plugged in (for automations) and
 * the car's battery as a Battery service.
 */
import type { HomeDevice, VehicleStatus } from '../home/index.js';
import { LOW_LEVEL_PCT } from '../settings.js';
import { DeviceAccessory } from './base.js';
import { whenKnown } from './grid.js';

const UNPLUGGED: readonly VehicleStatus[] = ['not_connected', 'undefined'];
/** Whether a car is connected, by the charger's vehicle status (C7). */
export const isPluggedIn = (status: VehicleStatus): boolean => !UNPLUGGED.includes(status);
/** DA values that mean "charging is switched on". */
export const CHARGING_MODES: readonly string[] = ['charge', 'rapid_charge'];

export class EvChargerAccessory extends DeviceAccessory {
  protected build(device: HomeDevice): void {
    const { Service, Characteristic } = this.hap;
    const { names, eve, home } = this.ctx;
    const power = (d: HomeDevice): number | undefined => this.value(d, 'powerW');
    const plugged = (d: HomeDevice): boolean | undefined => whenKnown(this.value(d, 'vehicle'), isPluggedIn);

    if (this.offers(device, 'operationMode')) {
      const charging = this.service(Service.Outlet, 'charging', names.evCharging);
      this.control(
        charging,
        Characteristic.On,
        (d) => whenKnown(this.value(d, 'operationMode'), (m) => CHARGING_MODES.includes(m)),
        device.commands.has('ev-charging'),
        (on) => home.setEvCharging(this.identity, on === true),
      );
      this.bind(charging, Characteristic.OutletInUse, (d) => whenKnown(power(d), (w) => w > 0));
      if (this.offers(device, 'powerW')) this.bind(charging, eve.Consumption, (d) => whenKnown(power(d), (w) => Math.max(0, w)));
    }

    if (this.offers(device, 'vehicle')) {
      const contact = this.service(Service.ContactSensor, 'plugged-in', names.pluggedIn);
      const { CONTACT_DETECTED, CONTACT_NOT_DETECTED } = Characteristic.ContactSensorState;
      this.bind(contact, Characteristic.ContactSensorState, (d) => whenKnown(plugged(d), (p) => (p ? CONTACT_DETECTED : CONTACT_NOT_DETECTED)));
    }

    if (this.offers(device, 'socPct')) {
      const battery = this.service(Service.Battery, 'car-battery', names.evBattery);
      const { BATTERY_LEVEL_LOW, BATTERY_LEVEL_NORMAL } = Characteristic.StatusLowBattery;
      const { CHARGING, NOT_CHARGING, NOT_CHARGEABLE } = Characteristic.ChargingState;
      this.bind(battery, Characteristic.BatteryLevel, (d) => whenKnown(this.value(d, 'socPct'), Math.round));
      this.bind(battery, Characteristic.StatusLowBattery, (d) =>
        whenKnown(this.value(d, 'socPct'), (p) => (p < LOW_LEVEL_PCT ? BATTERY_LEVEL_LOW : BATTERY_LEVEL_NORMAL)),
      );
      this.bind(battery, Characteristic.ChargingState, (d) => {
        if (plugged(d) === false) return NOT_CHARGEABLE;
        return whenKnown(power(d), (w) => (w > 0 ? CHARGING : NOT_CHARGING));
      });
    }
  }
}
