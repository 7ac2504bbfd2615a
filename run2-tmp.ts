import { readFileSync } from 'node:fs';
import { simulateYear } from './src/scheduler/replay/index.js';
const csv = readFileSync('/work/shared/data/households/citylearn-b01.csv', 'utf8');
const lines = csv.split('\n');
const text = [lines[0], ...lines.slice(1, 1 + 24 * 22)].join('\n');
const r = await simulateYear(text, {}, { days: 7, strategies: [process.argv[2] as any] });
