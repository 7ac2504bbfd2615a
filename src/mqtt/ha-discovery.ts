/**
 * Home Assistant MQTT discovery: one retained config message per entity, at
 * `<discovery prefix>/<component>/<node id>/<object id>/config`. Pure: the mirror decides when to send
 * (device found, HA restarted, device removed -> the same topics with an empty payload).
 *
 * Every entity is available only while both this bridge (its LWT) and the device are online, so HA shows
 * "unavailable" instead of a stale value when either is gone.
 */
import type { HomeDevice } from '../home/index.js';
import type { DeviceKind } from '../home/index.js';
import { BATTERY_MODES } from '../home/commands.js';
import { COMMAND_NAMES, SCHEDULER_ENABLED, SCHEDULER_SEGMENT, isMqttCommand, type MqttCommand } from './commands.js';
import { topicSegment, type Topics } from './topics.js';
import { VALUE_SPECS, type ReadingKey } from './values.js';

export const DEFAULT_DISCOVERY_PREFIX = 'homeassistant';

export interface DiscoveryContext {
  readonly discoveryPrefix: string;
  readonly topics: Topics;
  /** The plugin's version, shown by HA as the origin's. */
  readonly version: string;
}

export interface DiscoveryMessage {
  readonly topic: string;
  /** The config object; serialised by the mirror. */
  readonly config: Record<string, unknown>;
}

const ORIGIN_NAME = 'homebridge-echonet-hems';
const SUPPORT_URL = 'https://github.com/homebridge-echonet-hems/homebridge-echonet-hems';

const KIND_MODEL: Readonly<Record<DeviceKind, string>> = {
  meter: 'Smart electricity meter',
  solar: 'Solar power generation',
  'water-heater': 'Heat-pump water heater (EcoCute)',
  'ev-charger': 'EV charger',
  battery: 'Home battery',
};

function nodeId(ctx: DiscoveryContext, device: string): string {
  return `${topicSegment(ctx.topics.prefix)}_${topicSegment(device)}`;
}

function configTopic(ctx: DiscoveryContext, component: string, node: string, object: string): string {
  return `${ctx.discoveryPrefix}/${component}/${node}/${object}/config`;
}

function origin(ctx: DiscoveryContext): Record<string, string> {
  return { name: ORIGIN_NAME, sw_version: ctx.version, support_url: SUPPORT_URL };
}

/** Every entity of a device: one per reading it offers, one per command it allows. */
export function deviceDiscovery(device: HomeDevice, name: string, ctx: DiscoveryContext): DiscoveryMessage[] {
  const node = nodeId(ctx, device.identity);
  const base = {
    device: {
      identifiers: [node],
      name,
      model: KIND_MODEL[device.kind],
      ...(device.maker === undefined ? {} : { manufacturer: `ECHONET maker 0x${device.maker.toString(16).padStart(6, '0')}` }),
    },
    origin: origin(ctx),
    availability: [{ topic: ctx.topics.status }, { topic: ctx.topics.availability(device.identity) }],
    availability_mode: 'all',
    qos: 1,
  };
  const messages: DiscoveryMessage[] = [];
  for (const key of [...device.offers].sort() as ReadingKey[]) {
    const spec = VALUE_SPECS[key];
    messages.push({
      topic: configTopic(ctx, spec.component, node, spec.name),
      config: {
        ...base,
        name: spec.label,
        unique_id: `${node}_${spec.name}`,
        object_id: `${node}_${spec.name}`,
        state_topic: ctx.topics.value(device.identity, spec.name),
        ...(spec.unit === undefined ? {} : { unit_of_measurement: spec.unit }),
        ...(spec.deviceClass === undefined ? {} : { device_class: spec.deviceClass }),
        ...(spec.stateClass === undefined ? {} : { state_class: spec.stateClass }),
      },
    });
  }
  for (const command of [...device.commands].sort()) {
    if (!isMqttCommand(command)) continue; // daytime reheating stays a HomeKit-only setting
    const object = COMMAND_NAMES[command];
    const entity = commandEntity(command, device.identity, ctx);
    messages.push({
      topic: configTopic(ctx, entity.component, node, object),
      config: {
        ...base,
        ...entity.config,
        unique_id: `${node}_${object}`,
        object_id: `${node}_${object}`,
        command_topic: ctx.topics.command(device.identity, object),
      },
    });
  }
  return messages;
}

/**
 * Every config topic a device could have (all readings, all commands), for deleting the entities of a
 * device this run never saw: an earlier run announced them, and only their topics are known now.
 */
export function possibleDiscoveryTopics(identity: string, ctx: DiscoveryContext): string[] {
  const node = nodeId(ctx, identity);
  const commands = Object.keys(COMMAND_NAMES) as MqttCommand[];
  return [
    ...Object.values(VALUE_SPECS).map((spec) => configTopic(ctx, spec.component, node, spec.name)),
    ...commands.map((command) => configTopic(ctx, commandEntity(command, identity, ctx).component, node, COMMAND_NAMES[command])),
  ];
}

/** Switches show the device's own state (what it reports), not the last command sent. */
function commandEntity(command: MqttCommand, device: string, ctx: DiscoveryContext): { component: string; config: Record<string, unknown> } {
  switch (command) {
    case 'manual-heating':
      return {
        component: 'switch',
        config: {
          name: 'Manual heating',
          icon: 'mdi:water-boiler',
          state_topic: ctx.topics.value(device, VALUE_SPECS.heatingMode.name),
          value_template: "{{ 'ON' if value == 'manual_heating' else 'OFF' }}",
        },
      };
    case 'ev-charging':
      return {
        component: 'switch',
        config: {
          name: 'Charging',
          icon: 'mdi:ev-station',
          state_topic: ctx.topics.value(device, VALUE_SPECS.operationMode.name),
          value_template: "{{ 'ON' if value == 'charge' else 'OFF' }}",
        },
      };
    case 'battery-mode':
      return {
        component: 'select',
        config: { name: 'Mode', icon: 'mdi:home-battery', state_topic: ctx.topics.value(device, VALUE_SPECS.operationMode.name), options: [...BATTERY_MODES] },
      };
  }
}

/** The scheduler's on/off switch. */
export function schedulerDiscovery(ctx: DiscoveryContext): DiscoveryMessage[] {
  const node = nodeId(ctx, SCHEDULER_SEGMENT);
  return [
    {
      topic: configTopic(ctx, 'switch', node, SCHEDULER_ENABLED),
      config: {
        name: 'Surplus-solar scheduler',
        unique_id: `${node}_${SCHEDULER_ENABLED}`,
        object_id: `${node}_${SCHEDULER_ENABLED}`,
        icon: 'mdi:solar-power-variant',
        device: { identifiers: [node], name: 'ECHONET HEMS scheduler', model: 'Surplus-solar scheduler' },
        origin: origin(ctx),
        availability_topic: ctx.topics.status,
        qos: 1,
        state_topic: ctx.topics.value(SCHEDULER_SEGMENT, SCHEDULER_ENABLED),
        command_topic: ctx.topics.command(SCHEDULER_SEGMENT, SCHEDULER_ENABLED),
      },
    },
  ];
}
