import { makeTariff, TARIFF_PRESETS } from '../src/scheduler/tariff.js';
const t = makeTariff(TARIFF_PRESETS['kepco-hapie-time-r']!);
const start = Date.UTC(2025, 0, 1); let s = 0;
const t0 = performance.now();
for (let i = 0; i < 1_000_000; i++) s += t.buyPrice(start + i * 1_800_000);
console.log('ns/call', ((performance.now() - t0) * 1e6) / 1e6, s > 0);
