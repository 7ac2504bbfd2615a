/**
 * ECHONET Lite codec throughput against the independent `echonet-lite` package's parser on the same
 * frames in the same process. Both sides do comparable work: ours decodes to typed fields with the
 * property data as byte views; theirs decodes to hex strings. Encoding: ours from a Frame, theirs from
 * its ELDATA form.
 */
import EL from 'echonet-lite';
import { decodeFrame, encodeFrame, isArbitrary, type Frame } from '../src/echonet/frame.js';
import { fromHex } from '../src/util/hex.js';
import { table, type BenchSection } from './report.js';

/** Frames a controller of this project sees all day: meter, solar, EcoCute, EV and discovery answers. */
const CORPUS = [
  '1081000102880105ff017202e704000001f4e80400320000', // meter E7 + E8
  '1081000202790105ff017203800130e00201f4e104000186a0', // solar 80, E0, E1
  '10810003026b0105ff017205b00141b20142c00141e10200c8e2020190', // EcoCute
  '10810004027e0105ff017204c70141da0142d304000005dce40132', // EV charger
  '10810005027d0105ff017203da0146e40141d304fffffc18', // battery discharging
  '108100060ef00105ff017201d60d04027901026b01027e01027d01', // D6 instance list
  '10810007027d0105ff0172039d06058081888fda9e040380c1da9f1111c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1', // maps
  '1081000805ff01027d016e01da014202e400d300', // SetGet
].map((h) => fromHex(h)!);

function rate(iterations: number, fn: () => void): number {
  for (let i = 0; i < Math.min(20000, iterations); i++) fn(); // warm up the JIT before timing
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return iterations / seconds;
}

export async function run(): Promise<BenchSection> {
  const iterations = 400_000;
  let sink = 0;
  let k = 0;
  const ours = rate(iterations, () => {
    const r = decodeFrame(CORPUS[k++ % CORPUS.length]!);
    if (r.ok && !isArbitrary(r.frame)) sink += r.frame.properties.length;
  });
  k = 0;
  const theirs = rate(iterations, () => {
    const r = EL.parseBytes(CORPUS[k++ % CORPUS.length]!);
    if (r) sink += r.OPC.length;
  });
  const frames = CORPUS.map((b) => {
    const r = decodeFrame(b);
    if (!r.ok || isArbitrary(r.frame)) throw new Error('corpus frame does not decode');
    return r.frame as Frame;
  });
  const eldata = CORPUS.map((b) => EL.parseBytes(b)!);
  k = 0;
  const oursEnc = rate(iterations, () => {
    sink += encodeFrame(frames[k++ % frames.length]!).length;
  });
  k = 0;
  const theirsEnc = rate(iterations, () => {
    sink += Buffer.from(EL.ELDATA2Array(eldata[k++ % eldata.length]!)).length;
  });
  if (sink === 0) throw new Error('benchmark did no work');
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const rows = [
    ['decode', fmt(ours), fmt(theirs), `${(ours / theirs).toFixed(1)}x`],
    ['encode', fmt(oursEnc), fmt(theirsEnc), `${(oursEnc / theirsEnc).toFixed(1)}x`],
  ];
  return {
    id: 'codec',
    title: 'ECHONET Lite codec throughput vs the echonet-lite package',
    command: 'npm run bench -- codec',
    body: `${iterations.toLocaleString('en-US')} operations each over ${CORPUS.length} real-shaped frames (meter, solar, EcoCute, EV, battery, instance list, property maps, SetGet), same process, JIT warmed up.\n\n${table(['operation', 'ours (frames/s)', 'echonet-lite 2.16 (frames/s)', 'ratio'], rows)}\n\nAim: at least 10x. \`echonet-lite\` converts every frame to hex strings and parses those; we read bytes once and hand out zero-copy views of each EDT.`,
  };
}
