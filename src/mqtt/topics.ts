/**
 * The topic layout, in one place, so the mirror, discovery and the command handler cannot disagree:
 *
 *   <prefix>/status                       online | offline (the LWT), retained
 *   <prefix>/<device>/state               JSON: every reading with unit and time, retained
 *   <prefix>/<device>/<value>             the value alone (ON/OFF for flags), retained
 *   <prefix>/<device>/availability        online | offline (the device answers or not), retained
 *   <prefix>/<device>/<command>/set       commands in
 *   <prefix>/<path...>                    anything published through Mirror.publish (scheduler, ...)
 *   <prefix>/errors                       rejected commands, not retained
 *   <prefix>/outbox                       outbox counters (queued, delivered, dropped), at each connection
 */

/** MQTT forbids + and # in topic names and / splits levels: a device id is made safe for one level. */
export function topicSegment(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return safe || '_';
}

export class Topics {
  constructor(readonly prefix: string) {
    if (!isPublishable(prefix)) throw new RangeError(`the MQTT topic prefix "${prefix}" must be a non-empty topic without +, # or empty levels`);
  }

  get status(): string {
    return `${this.prefix}/status`;
  }

  get errors(): string {
    return `${this.prefix}/errors`;
  }

  state(device: string): string {
    return `${this.prefix}/${topicSegment(device)}/state`;
  }

  value(device: string, name: string): string {
    return `${this.prefix}/${topicSegment(device)}/${name}`;
  }

  availability(device: string): string {
    return `${this.prefix}/${topicSegment(device)}/availability`;
  }

  command(device: string, command: string): string {
    return `${this.prefix}/${topicSegment(device)}/${command}/set`;
  }

  /** Every command topic, for one subscription. */
  get commandFilter(): string {
    return `${this.prefix}/+/+/set`;
  }

  /** `scheduler/decision` -> `<prefix>/scheduler/decision`; levels are made safe one by one. */
  path(path: string): string {
    const levels = path.split('/').filter((l) => l.length > 0).map(topicSegment);
    if (levels.length === 0) throw new RangeError(`"${path}" names no topic`);
    return `${this.prefix}/${levels.join('/')}`;
  }

  /** The device segment and command of a command topic, or undefined when it is not one. */
  parseCommand(topic: string): { device: string; command: string } | undefined {
    const head = `${this.prefix}/`;
    if (!topic.startsWith(head) || !topic.endsWith('/set')) return undefined;
    const levels = topic.slice(head.length, -'/set'.length).split('/');
    if (levels.length !== 2 || !levels[0] || !levels[1]) return undefined;
    return { device: levels[0], command: levels[1] };
  }
}

function isPublishable(topic: string): boolean {
  return topic.length > 0 && !/[+#\u0000]/.test(topic) && !topic.split('/').some((l) => l.length === 0);
}
