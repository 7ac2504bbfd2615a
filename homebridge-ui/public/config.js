/**
 * The wizard's choices merged into the plugin's config block. Fields the wizard does not manage are
 * kept as they are, so the wizard and the plain settings form can be used in turn.
 */
export const PLATFORM = 'EchonetHems';

/** The block to edit: the existing one, or a new one with the schema's defaults. */
export function currentBlock(blocks) {
  return structuredClone(blocks.find((b) => b.platform === PLATFORM) ?? { platform: PLATFORM, name: 'ECHONET HEMS' });
}

/**
 * @param {Record<string, any>} block
 * @param {{port: string, brouteId: string, broutePassword: string, iface: string, devices: any[], picks: Record<string, {use: boolean, name: string}>, purchaseMode: string, tariff: string, office: string, area: string}} w the wizard's state
 */
export function applyWizard(block, w) {
  const out = { ...block, platform: PLATFORM };
  if (w.port) {
    out.meter = { ...block.meter, serialPort: w.port, brouteId: w.brouteId.trim().toUpperCase(), broutePassword: w.broutePassword.trim() };
  }
  if (w.iface || w.devices.length > 0 || block.echonet) {
    const echonet = { ...block.echonet };
    if (w.iface) echonet.interface = w.iface;
    else delete echonet.interface;
    // devices were searched for and picked here: looking for them must be on
    if (w.devices.length > 0) echonet.enabled = true;
    out.echonet = echonet;
  }
  const picked = w.devices.filter((d) => d.kind);
  if (picked.length > 0) {
    const ids = new Set(picked.map((d) => d.identity));
    const kept = (block.devices ?? []).filter((d) => !ids.has(d.id));
    out.devices = [
      ...kept,
      ...picked.map((d) => {
        const pick = w.picks[d.identity] ?? { use: true, name: '' };
        const name = pick.name.trim();
        return { id: d.identity, ...(name ? { name } : {}), hide: !pick.use };
      }),
    ];
  }
  out.purchaseMode = w.purchaseMode;
  // the scheduler's own sections (src/scheduler/config.ts): tariff.preset and scheduler.forecast.jma;
  // an empty choice leaves them as they are (an own plan or settings made in the plain form)
  if (w.tariff) out.tariff = { ...block.tariff, preset: w.tariff };
  if (w.office) {
    const forecast = block.scheduler?.forecast ?? {};
    const jma = { ...forecast.jma, office: w.office };
    if (w.area.trim()) jma.area = w.area.trim();
    else delete jma.area;
    out.scheduler = { ...block.scheduler, forecast: { ...forecast, jma } };
  }
  return out;
}
