/**
 * Rooftop solar: generation power and energy (Eve), a sensor that shows the generation indicator of the
 * reference controller (seed item 7, from the home model's generationState), and optionally a light
 * sensor whose lux are the watts generated, which Siri and Home automations can compare against.
 */
import { generationState, type HomeDevice } from '../home/index.js';
import { MAX_LUX, MIN_LUX } from '../settings.js';
import { DeviceAccessory } from './base.js';
import { whenKnown } from './grid.js';
import { READ_NOTIFY } from './hap-values.js';

export class SolarAccessory extends DeviceAccessory {
  protected build(device: HomeDevice): void {
    const { Service, Characteristic } = this.hap;
    const { names, eve, config } = this.ctx;
    const power = (d: HomeDevice): number | undefined => this.value(d, 'powerW');
    // Only solar is measured for now; an EneFarm / cogeneration unit would be the second argument.
    const generating = (w: number): boolean => ['solar', 'both'].includes(generationState(w, undefined));

    const generation = this.service(Service.Outlet, 'generation', names.generation);
    this.bind(generation, Characteristic.On, (d) => whenKnown(power(d), generating));
    generation.getCharacteristic(Characteristic.On).setProps({ perms: READ_NOTIFY });
    this.bind(generation, Characteristic.OutletInUse, (d) => whenKnown(power(d), generating));
    this.bind(generation, eve.Consumption, power);
    if (this.offers(device, 'generatedKwh')) this.bind(generation, eve.TotalConsumption, (d) => this.value(d, 'generatedKwh'));
    this.powerHistory(power);

    const indicator = this.service(Service.OccupancySensor, 'generating', names.generating);
    const { OCCUPANCY_DETECTED, OCCUPANCY_NOT_DETECTED } = Characteristic.OccupancyDetected;
    this.bind(indicator, Characteristic.OccupancyDetected, (d) =>
      whenKnown(power(d), (w) => (generating(w) ? OCCUPANCY_DETECTED : OCCUPANCY_NOT_DETECTED)),
    );

    if (!config.solarLightSensor) return;
    const lux = this.service(Service.LightSensor, 'lux', names.solarLux);
    this.bind(lux, Characteristic.CurrentAmbientLightLevel, (d) => whenKnown(power(d), (w) => Math.min(MAX_LUX, Math.max(MIN_LUX, w))));
  }
}
