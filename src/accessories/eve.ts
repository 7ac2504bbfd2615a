/**
 * Eve's energy characteristics (Consumption E863F10D in W, Total Consumption E863F10C in kWh). The Eve app
 * shows them and Apple's Home app ignores them. They are built from the running Homebridge's HAP, because
 * the plugin must not import hap-nodejs itself (Homebridge 1.x and 2.x ship different ones).
 */
import type { API, Characteristic, WithUUID } from 'homebridge';
import { FLOAT, READ_NOTIFY } from './hap-values.js';

export interface EveCharacteristics {
  readonly Consumption: WithUUID<new () => Characteristic>;
  readonly TotalConsumption: WithUUID<new () => Characteristic>;
}

const EVE_UUID = (short: string): string => `E863${short}-079E-48FF-8F27-9C2605A29F52`;

export function eveCharacteristics(api: API): EveCharacteristics {
  const Base = api.hap.Characteristic;

  class Consumption extends Base {
    static readonly UUID = EVE_UUID('F10D');
    constructor() {
      super('Consumption', Consumption.UUID, { format: FLOAT, unit: 'W', minValue: 0, maxValue: 1_000_000, minStep: 0.1, perms: READ_NOTIFY });
      this.value = this.getDefaultValue();
    }
  }

  class TotalConsumption extends Base {
    static readonly UUID = EVE_UUID('F10C');
    constructor() {
      super('Total Consumption', TotalConsumption.UUID, {
        format: FLOAT,
        unit: 'kWh',
        minValue: 0,
        maxValue: 1_000_000_000,
        minStep: 0.001,
        perms: READ_NOTIFY,
      });
      this.value = this.getDefaultValue();
    }
  }

  return { Consumption, TotalConsumption };
}
