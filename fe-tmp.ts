import { readFileSync } from 'node:fs';
import { forecastErrors } from './src/scheduler/replay/forecast-skill.js';
for (const b of ['01']) {
const csv = readFileSync(`/work/shared/data/households/citylearn-b${b}.csv`, 'utf8');
for (const mode of ['history', 'skill'] as const) console.log(b, mode, JSON.stringify(forecastErrors(csv, mode, { from: 21, count: 330 })));
}
