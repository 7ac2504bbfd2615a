/** `npm run bench [-- <id> ...]`: runs the benchmarks (all, or the ones named) and updates BENCHMARKS.md. */
import { writeSection, type BenchSection } from './report.js';

const BENCHES: Record<string, () => Promise<BenchSection>> = {
  codec: async () => (await import('./codec.js')).run(),
  wisun: async () => (await import('./wisun.js')).run(),
  mqtt: async () => (await import('./mqtt.js')).run(),
  scheduler: async () => (await import('./scheduler.js')).run(),
  homebridge: async () => (await import('./homebridge.js')).run(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((id) => !(id in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const id of wanted.length ? wanted : Object.keys(BENCHES)) {
  console.error(`running ${id} ...`);
  const section = await BENCHES[id]!();
  writeSection(section);
  console.log(section.body);
}
