/**
 * The grid, as the smart meter sees it: what is bought and what is sold, each an Outlet carrying Eve's
 * power and energy (the Eve app graphs them; a separate service for the sold side, as the meter counts
 * the two directions apart), and an occupancy sensor that trips while surplus is sold, for automations
 * ("when we sell, start the dishwasher"). In full purchase mode (全量買取) all generation is sold through
 * a separate meter, so selling and surplus are not this meter's business and are not shown.
 */
import type { HomeDevice } from '../home/index.js';
import { DeviceAccessory } from './base.js';
import { READ_NOTIFY } from './hap-values.js';

export class GridAccessory extends DeviceAccessory {
  protected build(device: HomeDevice): void {
    const { Service, Characteristic } = this.hap;
    const { names, eve, config } = this.ctx;
    const power = (d: HomeDevice): number | undefined => this.value(d, 'powerW');
    const buying = this.service(Service.Outlet, 'buying', names.buying);
    this.bind(buying, Characteristic.On, (d) => whenKnown(power(d), (w) => w > 0));
    this.bind(buying, Characteristic.OutletInUse, (d) => whenKnown(power(d), (w) => w > 0));
    this.readOnly(buying);
    this.bind(buying, eve.Consumption, (d) => whenKnown(power(d), (w) => Math.max(0, w)));
    if (this.offers(device, 'boughtKwh')) this.bind(buying, eve.TotalConsumption, (d) => this.value(d, 'boughtKwh'));
    // the Eve app graphs what is bought: the home's draw from the grid
    this.powerHistory((d) => whenKnown(power(d), (w) => Math.max(0, w)));
    if (config.purchaseMode === 'full') return;

    const selling = this.service(Service.Outlet, 'selling', names.selling);
    this.bind(selling, Characteristic.On, (d) => whenKnown(power(d), (w) => w < 0));
    this.bind(selling, Characteristic.OutletInUse, (d) => whenKnown(power(d), (w) => w < 0));
    this.readOnly(selling);
    this.bind(selling, eve.Consumption, (d) => whenKnown(power(d), (w) => Math.max(0, -w)));
    if (this.offers(device, 'soldKwh')) this.bind(selling, eve.TotalConsumption, (d) => this.value(d, 'soldKwh'));

    const surplus = this.service(Service.OccupancySensor, 'selling-surplus', names.sellingSurplus);
    const { OCCUPANCY_DETECTED, OCCUPANCY_NOT_DETECTED } = Characteristic.OccupancyDetected;
    this.bind(surplus, Characteristic.OccupancyDetected, (d) =>
      whenKnown(power(d), (w) => (w <= -config.surplusThresholdW ? OCCUPANCY_DETECTED : OCCUPANCY_NOT_DETECTED)),
    );
  }

  /** The meter only measures: the Home app must not offer to switch the grid off. */
  private readOnly(service: ReturnType<DeviceAccessory['service']>): void {
    service.getCharacteristic(this.hap.Characteristic.On).setProps({ perms: READ_NOTIFY });
  }
}

/** f(value) when the value is known, else undefined ("No Response"). */
export function whenKnown<T, R>(value: T | undefined, f: (v: T) => R): R | undefined {
  return value === undefined ? undefined : f(value);
}
