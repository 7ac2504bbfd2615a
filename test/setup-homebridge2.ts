// Installs Node 22 and Homebridge 2.4 under test-artifacts/homebridge2 for the Homebridge 2.x end-to-end
// tests (`npm run test:setup-homebridge2`; .ci/run calls it before `npm test`). Does nothing when present.
import { homebridge2, installHomebridge2 } from './helpers/homebridge2.js';

if (!homebridge2()) installHomebridge2();
console.log(homebridge2() ? 'Homebridge 2.4 and Node 22 are ready in test-artifacts/homebridge2' : 'installation did not produce Homebridge 2.4');
