/**
 * The setup wizard: the dongle (ports with their USB identity, a live B-route test), the ECHONET Lite
 * devices (search on a chosen address, pick and name), purchase mode, tariff and forecast area; then
 * save into config.json through the Homebridge UI. Every server call is homebridge.request().
 */
import { fill, h } from './dom.js';
import { currentLang, fmt, t } from './i18n.js';
import { JMA_OFFICES } from './areas.js';
import { applyWizard, currentBlock } from './config.js';

export async function startWizard(root) {
  const [initialBlocks, schema, options] = await Promise.all([homebridge.getPluginConfig(), homebridge.getPluginConfigSchema(), homebridge.request('/options')]);
  let blocks = initialBlocks;
  let block = currentBlock(blocks);
  const meterSchema = schema.schema?.properties?.meter?.properties ?? {};
  const state = {
    ports: [],
    port: block.meter?.serialPort ?? '',
    brouteId: block.meter?.brouteId ?? '',
    broutePassword: block.meter?.broutePassword ?? '',
    progress: [],
    testing: false,
    test: null,
    interfaces: options.interfaces,
    iface: block.echonet?.interface ?? '',
    devices: [],
    picks: Object.fromEntries((block.devices ?? []).map((d) => [d.id, { use: !d.hide, name: d.name ?? '' }])),
    searching: false,
    searched: false,
    purchaseMode: block.purchaseMode ?? 'surplus',
    tariffs: options.tariffs,
    tariff: block.tariff?.preset ?? '',
    office: block.scheduler?.forecast?.jma?.office ?? '',
    area: block.scheduler?.forecast?.jma?.area ?? firstArea(block.scheduler?.forecast?.jma?.office),
    errors: [],
  };

  // edits in the plain form (shown below this page) become the base the wizard's choices merge into
  homebridge.addEventListener('configChanged', (event) => {
    blocks = event.data;
    block = currentBlock(blocks);
  });

  /** Hands the choices to the Homebridge UI as they change, so its own Save button keeps them too. */
  let syncTimer;
  const sync = () => {
    clearTimeout(syncTimer);
    syncTimer = setTimeout(() => {
      homebridge.updatePluginConfig(merged()).catch(() => undefined);
    }, 300);
  };
  const merged = () => {
    const next = applyWizard(block, state);
    return [next, ...blocks.filter((b) => b.platform !== next.platform)];
  };
  const set = (key, value) => {
    state[key] = value;
    sync();
  };

  homebridge.addEventListener('broute-progress', (event) => {
    state.progress.push(event.data);
    render();
  });

  const refreshPorts = async () => {
    state.ports = await homebridge.request('/ports');
    const known = state.ports.some((p) => p.path === state.port || p.stablePath === state.port);
    // a configured port that is not there now (dongle unplugged) stays choosable rather than silently replaced
    if (!known && state.port) state.ports.push({ path: state.port, stablePath: null, usb: false, missing: true });
    if (!state.port && state.ports.length > 0) state.port = state.ports[0].stablePath ?? state.ports[0].path;
    render();
  };

  const testMeter = async () => {
    state.testing = true;
    state.progress = [];
    state.test = null;
    render();
    try {
      const r = await homebridge.request('/broute/test', { port: state.port, id: state.brouteId, password: state.broutePassword });
      state.test = { ok: true, reading: r };
    } catch (err) {
      state.test = { ok: false, message: err?.message ?? String(err) };
    }
    state.testing = false;
    render();
  };

  const search = async () => {
    state.searching = true;
    render();
    try {
      const found = await homebridge.request('/echonet/discover', { interface: state.iface });
      state.devices = found.devices;
      state.fromPlugin = found.source === 'plugin';
      for (const d of state.devices) state.picks[d.identity] ??= { use: Boolean(d.kind), name: '' };
      sync();
    } catch (err) {
      homebridge.toast.error(err?.message ?? String(err));
    }
    state.searching = false;
    state.searched = true;
    render();
  };

  const save = async () => {
    state.errors = validate(state, meterSchema);
    if (state.errors.length > 0) return render();
    clearTimeout(syncTimer);
    try {
      await homebridge.updatePluginConfig(merged());
      await homebridge.savePluginConfig();
      homebridge.toast.success(t('saved'));
    } catch (err) {
      homebridge.toast.error(err?.message ?? String(err), t('saveFailed'));
    }
  };

  const bind = (key) => ({ value: state[key], oninput: (e) => set(key, e.target.value) });

  /** The chosen office's forecast areas (static data, no request); an area set by hand elsewhere stays choosable. */
  const areaField = () => {
    const areas = officeOf(state.office)?.areas ?? [];
    const own = state.area && !areas.some((a) => a.code === state.area);
    return [
      h('label', { for: 'eh-area' }, t('area')),
      h(
        'select',
        { id: 'eh-area', 'data-testid': 'area', onchange: (e) => set('area', e.target.value) },
        areas.map((a) => h('option', { value: a.code, selected: a.code === state.area }, `${a.nameJa} (${a.code})`)),
        own ? h('option', { value: state.area, selected: true }, t('ownArea', { code: state.area })) : null,
      ),
      h('p', { class: 'eh-muted' }, areas.length === 1 ? t('oneArea') : t('areaHelp')),
    ];
  };

  function render() {
    const portLabel = (p) => {
      if (p.missing) return `${p.path} · ${t('portMissing')}`;
      const ids = p.usb ? t('usbIds', { vendor: p.vendorId, product: p.productId }) : t('notUsb');
      return [p.path, ids, p.manufacturer, p.serialNumber ? t('serial', { serial: p.serialNumber }) : null].filter(Boolean).join(' · ');
    };
    const chosen = state.ports.find((p) => (p.stablePath ?? p.path) === state.port);
    const meter = h(
      'section',
      { class: 'eh-card', 'data-testid': 'wizard-meter' },
      h('h2', {}, t('meterStep')),
      h('label', { for: 'eh-port' }, t('port')),
      h(
        'div',
        { class: 'eh-row' },
        state.ports.length === 0
          ? h('p', { class: 'eh-muted', 'data-testid': 'no-ports' }, t('noPorts'))
          : h(
              'select',
              { id: 'eh-port', 'data-testid': 'port', onchange: (e) => (set('port', e.target.value), render()) },
              state.ports.map((p) => h('option', { value: p.stablePath ?? p.path, selected: (p.stablePath ?? p.path) === state.port }, portLabel(p))),
            ),
        h('button', { type: 'button', class: 'eh-btn-secondary', onclick: refreshPorts }, t('refresh')),
      ),
      chosen ? h('p', { class: 'eh-muted', 'data-testid': 'port-detail' }, portLabel(chosen)) : null,
      chosen?.stablePath ? h('p', { class: 'eh-muted' }, t('useStable', { path: chosen.stablePath })) : null,
      h('label', { for: 'eh-id' }, t('brouteId')),
      h('input', { id: 'eh-id', 'data-testid': 'broute-id', autocomplete: 'off', spellcheck: 'false', maxlength: 32, ...bind('brouteId') }),
      h('label', { for: 'eh-pw' }, t('broutePassword')),
      h('input', { id: 'eh-pw', 'data-testid': 'broute-password', type: 'password', autocomplete: 'off', maxlength: 12, ...bind('broutePassword') }),
      h('p', { class: 'eh-muted' }, t('brouteHelp')),
      h('button', { type: 'button', 'data-testid': 'broute-test', disabled: state.testing || !state.port, onclick: testMeter }, state.testing ? t('testing') : t('testMeter')),
      state.progress.length > 0 ? h('ol', { class: 'eh-progress', 'data-testid': 'broute-progress' }, state.progress.map((p) => h('li', { class: p.level === 'info' ? '' : 'eh-warn' }, `${(p.at / 1000).toFixed(1)} s  ${p.text}`))) : null,
      state.test ? h('p', { class: state.test.ok ? 'eh-result eh-ok' : 'eh-result eh-no', 'data-testid': 'broute-result' }, testText(state.test)) : null,
    );

    const found = state.devices;
    const lan = h(
      'section',
      { class: 'eh-card', 'data-testid': 'wizard-lan' },
      h('h2', {}, t('lanStep')),
      h('label', { for: 'eh-iface' }, t('iface')),
      h(
        'div',
        { class: 'eh-row' },
        h(
          'select',
          { id: 'eh-iface', 'data-testid': 'iface', onchange: (e) => set('iface', e.target.value) },
          h('option', { value: '', selected: state.iface === '' }, t('allInterfaces')),
          state.interfaces.map((i) => h('option', { value: i.address, selected: i.address === state.iface }, `${i.address} (${i.name}${i.internal ? `, ${t('loopback')}` : ''})`)),
        ),
        h('button', { type: 'button', 'data-testid': 'search', disabled: state.searching, onclick: search }, state.searching ? t('searching') : t('search')),
      ),
      state.searched && state.fromPlugin ? h('p', { class: 'eh-notice', 'data-testid': 'from-plugin' }, t('fromPlugin')) : null,
      state.searched ? h('p', { class: 'eh-muted', 'data-testid': 'found' }, found.length > 0 ? t('found', { n: found.length }) : t('noneFound')) : null,
      found.length > 0
        ? h(
            'ul',
            { class: 'eh-devices-pick' },
            found.map((d) => {
              const pick = state.picks[d.identity];
              return h(
                'li',
                { 'data-testid': 'device', 'data-kind': d.kind ?? '', class: d.kind ? '' : 'eh-muted' },
                h(
                  'label',
                  { class: 'eh-check' },
                  h('input', { type: 'checkbox', checked: pick.use && Boolean(d.kind), disabled: !d.kind, onchange: (e) => ((pick.use = e.target.checked), sync()) }),
                  h('strong', {}, d.kind ? t(`kind.${d.kind}`) : `${d.class} (${t('notModelled')})`),
                ),
                h('span', { class: 'eh-muted' }, ` ${d.address} · ${d.eoj}${d.maker ? ` · maker ${d.maker}` : ''}`),
                d.kind ? h('input', { class: 'eh-name', 'data-testid': 'device-name', placeholder: t('name'), value: pick.name, oninput: (e) => ((pick.name = e.target.value), sync()) }) : null,
              );
            }),
          )
        : null,
    );

    const ja = currentLang() === 'ja';
    const opts = h(
      'section',
      { class: 'eh-card', 'data-testid': 'wizard-options' },
      h('h2', {}, t('optionsStep')),
      h(
        'fieldset',
        {},
        h('legend', {}, t('purchaseMode')),
        ['surplus', 'full'].map((mode) =>
          h('label', { class: 'eh-check' }, h('input', { type: 'radio', name: 'eh-purchase', value: mode, 'data-testid': `purchase-${mode}`, checked: state.purchaseMode === mode, onchange: () => set('purchaseMode', mode) }), t(mode)),
        ),
      ),
      h('label', { for: 'eh-tariff' }, t('tariff')),
      h(
        'select',
        { id: 'eh-tariff', 'data-testid': 'tariff', onchange: (e) => set('tariff', e.target.value) },
        h('option', { value: '' }, t('noTariffChoice')),
        state.tariffs.map((x) => h('option', { value: x.id, selected: x.id === state.tariff }, ja ? x.nameJa : x.name)),
        state.tariff && !state.tariffs.some((x) => x.id === state.tariff) ? h('option', { value: state.tariff, selected: true }, t('ownTariff')) : null,
      ),
      h('label', { for: 'eh-office' }, t('office')),
      h(
        'select',
        {
          id: 'eh-office',
          'data-testid': 'office',
          // another office has other areas: its first one until the homeowner picks
          onchange: (e) => (set('office', e.target.value), set('area', firstArea(e.target.value)), render()),
        },
        h('option', { value: '' }, t('noTariffChoice')),
        JMA_OFFICES.map((o) => h('option', { value: o.code, selected: o.code === state.office }, `${ja ? o.nameJa : o.name} (${o.code})`)),
      ),
      state.office ? areaField() : null,
    );

    const actions = h(
      'div',
      { class: 'eh-actions' },
      state.errors.length > 0 ? h('ul', { class: 'eh-list eh-warn', 'data-testid': 'errors' }, state.errors.map((e) => h('li', {}, e))) : null,
      h('button', { type: 'button', 'data-testid': 'save', onclick: save }, t('save')),
      h('button', { type: 'button', class: 'eh-btn-secondary', 'data-testid': 'schema-form', onclick: () => homebridge.showSchemaForm() }, t('schemaForm')),
    );
    fill(root, h('p', { class: 'eh-muted' }, t('setupIntro')), meter, lan, opts, actions);
  }

  render();
  await refreshPorts();
  return { rerender: render };
}

function officeOf(code) {
  return JMA_OFFICES.find((o) => o.code === code);
}

/** An office's first forecast area (its only one for a single-area office); '' without an office. */
function firstArea(office) {
  return officeOf(office)?.areas[0]?.code ?? '';
}

/** Formatted when shown, so the language toggle changes it too (the meter client's message stays as it is). */
function testText(test) {
  return test.ok ? t('testOk', { power: fmt.w(test.reading.power_w), bought: fmt.kwh(test.reading.bought_kwh) }) : `${t('testFailed')}: ${test.message}`;
}

/** Checks against the patterns of config.schema.json itself, so the page and the schema cannot disagree. */
function validate(state, meterSchema) {
  const errors = [];
  const matches = (value, field) => !meterSchema[field]?.pattern || new RegExp(meterSchema[field].pattern).test(value.trim());
  if (state.port) {
    if (!matches(state.brouteId, 'brouteId')) errors.push(t('invalidId'));
    if (!matches(state.broutePassword, 'broutePassword')) errors.push(t('invalidPassword'));
  }
  // the same rule as the plugin's (src/scheduler/config.ts): an area is six digits; a city code is a warning area
  if (state.office && !/^\d{6}$/.test(state.area.trim())) errors.push(t('invalidArea'));
  return errors;
}
