import { run } from './bench/scheduler.js';
const s = await run();
console.log(s.body);
