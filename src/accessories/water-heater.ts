/**
 * The EcoCute. HomeKit has no water heater, so: the tank temperature as a temperature sensor, the hot
 * water left as a Battery service (level = share of the tank, "charging" while it heats), a switch for
 * 沸き増し (manual heating now; off hands the tank back to its schedule) and one for the daytime
 * reheating permission. The switches are writable only when the unit's Set map allows the property.
 * Where the unit measures its own draw (super-class 84/85), the 沸き増し switch carries it as Eve's watts
 * and kWh, as the EV charger's outlet does, with the Eve power history.
 */
import type { HomeDevice } from '../home/index.js';
import { LOW_LEVEL_PCT } from '../settings.js';
import { DeviceAccessory } from './base.js';
import { whenKnown } from './grid.js';

export class WaterHeaterAccessory extends DeviceAccessory {
  protected build(device: HomeDevice): void {
    const { Service, Characteristic } = this.hap;
    const { names, home, eve } = this.ctx;

    if (this.offers(device, 'tankTempC')) {
      const tank = this.service(Service.TemperatureSensor, 'tank', names.tankTemperature);
      // HAP's default range stops at 100 but starts below zero; a tank is 0..100 degC
      tank.getCharacteristic(Characteristic.CurrentTemperature).setProps({ minValue: 0, maxValue: 100 });
      this.bind(tank, Characteristic.CurrentTemperature, (d) => this.value(d, 'tankTempC'));
    }

    if (this.offers(device, 'remainingHotWaterL', 'tankCapacityL')) {
      const level = (d: HomeDevice): number | undefined => {
        const left = this.value(d, 'remainingHotWaterL');
        const capacity = this.value(d, 'tankCapacityL');
        return left === undefined || !capacity ? undefined : Math.max(0, Math.min(100, Math.round((left / capacity) * 100)));
      };
      const water = this.service(Service.Battery, 'hot-water', names.hotWater);
      const { BATTERY_LEVEL_LOW, BATTERY_LEVEL_NORMAL } = Characteristic.StatusLowBattery;
      const { CHARGING, NOT_CHARGING } = Characteristic.ChargingState;
      this.bind(water, Characteristic.BatteryLevel, level);
      this.bind(water, Characteristic.StatusLowBattery, (d) => whenKnown(level(d), (l) => (l < LOW_LEVEL_PCT ? BATTERY_LEVEL_LOW : BATTERY_LEVEL_NORMAL)));
      this.bind(water, Characteristic.ChargingState, (d) => whenKnown(this.value(d, 'heating'), (h) => (h ? CHARGING : NOT_CHARGING)));
    }

    if (this.offers(device, 'heatingMode')) {
      const manual = this.service(Service.Switch, 'manual-heating', names.manualHeating);
      this.control(
        manual,
        Characteristic.On,
        (d) => whenKnown(this.value(d, 'heatingMode'), (m) => m === 'manual_heating'),
        device.commands.has('manual-heating'),
        (on) => home.setManualHeating(this.identity, on === true),
      );
      if (this.offers(device, 'powerW')) {
        const power = (d: HomeDevice): number | undefined => this.value(d, 'powerW');
        this.bind(manual, eve.Consumption, power);
        this.powerHistory(power);
      }
      if (this.offers(device, 'consumedKwh')) this.bind(manual, eve.TotalConsumption, (d) => this.value(d, 'consumedKwh'));
    }

    if (this.offers(device, 'daytimeReheating')) {
      const daytime = this.service(Service.Switch, 'daytime-reheating', names.daytimeReheating);
      this.control(
        daytime,
        Characteristic.On,
        (d) => this.value(d, 'daytimeReheating'),
        device.commands.has('daytime-reheating'),
        (on) => home.setDaytimeReheating(this.identity, on === true),
      );
    }
  }
}
