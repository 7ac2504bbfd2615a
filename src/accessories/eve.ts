/**
 * Eve's energy characteristics (Consumption E863F10D in W, Total Consumption E863F10C in kWh) and its
 * History service (E863F007) with the four characteristics the Eve app pages the history through (see
 * eve-history.ts). The Eve app shows them and Apple's Home app ignores them. They are built from the
 * running Homebridge's HAP, because the plugin must not import hap-nodejs itself (Homebridge 1.x and 2.x
 * ship different ones).
 */
import type { API, Characteristic, Service, WithUUID } from 'homebridge';
import { DATA, FLOAT, READ_NOTIFY, READ_NOTIFY_HIDDEN, WRITE_HIDDEN } from './hap-values.js';

type CharacteristicType = WithUUID<new () => Characteristic>;

export interface EveCharacteristics {
  readonly Consumption: CharacteristicType;
  readonly TotalConsumption: CharacteristicType;
  readonly History: WithUUID<typeof Service>;
  /** Where the history stands: reference time, what one entry holds, how many entries (read). */
  readonly HistoryStatus: CharacteristicType;
  /** The entries from the requested one on, a page per read (read). */
  readonly HistoryEntries: CharacteristicType;
  /** The entry the Eve app wants next (written). */
  readonly HistoryRequest: CharacteristicType;
  /** The phone's clock, written while the Eve app shows the accessory; the bridge keeps its own. */
  readonly SetTime: CharacteristicType;
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

  const data = (name: string, short: string, perms: typeof READ_NOTIFY): CharacteristicType =>
    class extends Base {
      static readonly UUID = EVE_UUID(short);
      constructor() {
        super(name, EVE_UUID(short), { format: DATA, perms });
      }
    };

  class History extends api.hap.Service {
    static readonly UUID = EVE_UUID('F007');
    constructor(displayName?: string, subtype?: string) {
      super(displayName, History.UUID, subtype);
    }
  }

  return {
    Consumption,
    TotalConsumption,
    History,
    HistoryStatus: data('History Status', 'F116', READ_NOTIFY_HIDDEN),
    HistoryEntries: data('History Entries', 'F117', READ_NOTIFY_HIDDEN),
    HistoryRequest: data('History Request', 'F11C', WRITE_HIDDEN),
    SetTime: data('Set Time', 'F121', WRITE_HIDDEN),
  };
}
