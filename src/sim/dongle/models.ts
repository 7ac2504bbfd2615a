/**
 * The dongles the simulator can pretend to be. Only what changes the conversation is modelled: the
 * family (side argument and field), whether ROPT/WOPT exist, the ERXUDP field count and the version.
 */
import type { DongleFamily } from '../../wisun/dialects.js';

export type DongleModel = 'BP35A1' | 'RL7023-IPS' | 'BP35C2' | 'RS-WSUHA-P' | 'RL7023-DSS' | 'J11';

export interface ModelTraits {
  readonly family: DongleFamily;
  readonly version: string;
  /** No ROPT/WOPT (FAIL ER04): always prints ERXUDP data as ASCII hex. */
  readonly asciiOnly: boolean;
  /** ERXUDP fields: 9 single-hop; 10 (with LQI) or 11 (LQI and side) dual-stack. */
  readonly erxudpFields: 9 | 10 | 11;
  /** A J11 binary-protocol dongle: answers nothing in text. */
  readonly j11: boolean;
}

export const MODELS: Readonly<Record<DongleModel, ModelTraits>> = {
  BP35A1: { family: 'single-hop', version: '1.2.10', asciiOnly: false, erxudpFields: 9, j11: false },
  'RL7023-IPS': { family: 'single-hop', version: '1.2.8', asciiOnly: true, erxudpFields: 9, j11: false },
  BP35C2: { family: 'dual-stack', version: '1.5.2', asciiOnly: false, erxudpFields: 11, j11: false },
  'RS-WSUHA-P': { family: 'dual-stack', version: '1.5.2', asciiOnly: false, erxudpFields: 11, j11: false },
  'RL7023-DSS': { family: 'dual-stack', version: '1.5.0', asciiOnly: true, erxudpFields: 10, j11: false },
  J11: { family: 'dual-stack', version: '', asciiOnly: false, erxudpFields: 11, j11: true },
};

export const DEFAULT_MODEL: Readonly<Record<DongleFamily, DongleModel>> = { 'single-hop': 'BP35A1', 'dual-stack': 'BP35C2' };
