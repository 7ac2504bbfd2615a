import highsLoader from 'highs';
import { readFileSync } from 'node:fs';
const base = readFileSync('/tmp/m.lp','utf8');
const h = await highsLoader({ print: (m) => console.log(m) });
const K = 12;
const lp = base.replace(/Binary\n (.*)\n/, (m, g) => 'Binary\n ' + g.split(' ').filter((v) => Number(v.slice(1)) < K).join(' ') + '\n');
h.solve(lp, { time_limit: 10, mip_rel_gap: 0.005, output_flag: true, log_to_console: true });
