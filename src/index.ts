/** Homebridge's entry point: registers the platform, nothing else. */
import type { API } from 'homebridge';
import { EchonetHemsPlatform } from './platform.js';
import { PLATFORM_NAME, PLUGIN_NAME } from './settings.js';

export default (api: API): void => {
  api.registerPlatform(PLUGIN_NAME, PLATFORM_NAME, EchonetHemsPlatform);
};
