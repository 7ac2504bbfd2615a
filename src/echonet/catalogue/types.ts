/**
 * Shapes of the property catalogue: what an EPC of a class means and how its EDT converts to a value.
 * Decoders never throw: a device that sends a short or odd EDT gets `ok: false` with a reason.
 */

export type PropertyValue =
  | number
  | string
  | boolean
  | null
  | readonly PropertyValue[]
  | { readonly [key: string]: PropertyValue };
// null means the device said "no data" (a sentinel such as 0x7FFFFFFE, 0x7FFE, 0xFFFFFFFE, 0xFD)

/**
 * `unit` is set only when this particular value is in another unit than the definition's, e.g. the
 * meter's E0 reads as a raw "count" when its unit EPC E1 is not known yet.
 */
export type DecodeOutcome = { ok: true; value: PropertyValue; unit?: string } | { ok: false; reason: string };
export type EncodeOutcome = { ok: true; edt: Uint8Array } | { ok: false; reason: string };

/** Other EDTs of the same object already known (same frame or cache), e.g. E1 unit and D3 coefficient for the meter's E0. */
export type DecodeContext = ReadonlyMap<number, Uint8Array>;

export interface PropertyDef {
  readonly epc: number;
  /** English, short: "Instantaneous electric power". */
  readonly name: string;
  readonly nameJa?: string;
  /** Stable snake_case id used in JSON/MQTT: "instantaneous_power". */
  readonly key: string;
  /** "W", "kWh", "A", "L", "%", "Wh", "degC". */
  readonly unit?: string;
  decode(edt: Uint8Array, context?: DecodeContext): DecodeOutcome;
  /** Present for properties a controller may Set or an emulator must produce; the exact inverse of decode without context. */
  encode?(value: PropertyValue): EncodeOutcome;
}

export interface ClassDef {
  readonly classCode: number;
  readonly name: string;
  readonly nameJa: string;
  /** For device classes this includes the super-class properties the class does not redefine. */
  readonly properties: ReadonlyMap<number, PropertyDef>;
}

/** The descriptive part of a PropertyDef, what every builder in codecs.ts takes. */
export interface PropertyMeta {
  readonly epc: number;
  readonly name: string;
  readonly nameJa?: string;
  readonly key: string;
  readonly unit?: string;
}
