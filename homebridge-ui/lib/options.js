/** Choices the wizard offers that come from the plugin itself, so the page never has a stale copy. */
import { TARIFF_PRESETS } from '../../dist/scheduler/tariff.js';

export function tariffChoices() {
  return Object.values(TARIFF_PRESETS).map((t) => ({ id: t.id, name: t.name, nameJa: t.nameJa, kind: t.kind }));
}
