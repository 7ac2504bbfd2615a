/**
 * The energy dashboard: renders the status document the plugin writes (see src/ui-status) and polls
 * the server for a new one. Every number shown comes from that document; nothing is computed here
 * beyond formatting and the month comparison.
 */
import { fill, h } from './dom.js';
import { fmt, t, currentLang } from './i18n.js';
import { todayChart } from './chart.js';

/** The plugin writes every minute; polling a little faster shows a new file soon after it lands. */
const POLL_MS = 20_000;
/** Three missed writes: the plugin is probably not running. */
const STALE_MS = 3 * 60_000;

export function startDashboard(root) {
  let last;
  let timer;
  const load = async () => {
    try {
      last = await homebridge.request('/status');
    } catch (err) {
      last = { ok: false, reason: 'invalid', detail: err?.message ?? String(err) };
    }
    render(root, last);
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!document.hidden) await load();
      schedule();
    }, POLL_MS);
  };
  load().then(schedule);
  // the chart is drawn for the width it has (text stays readable on a phone): redraw when that changes
  let width = root.clientWidth;
  new ResizeObserver(() => {
    if (last && root.clientWidth > 0 && Math.abs(root.clientWidth - width) > 40) {
      width = root.clientWidth;
      render(root, last);
    }
  }).observe(root);
  return { rerender: () => last && render(root, last), reload: load };
}

function render(root, read) {
  if (!read.ok) {
    fill(root, h('p', { class: 'eh-notice', 'data-testid': 'status-missing' }, read.reason === 'absent' ? t('noStatus') : t('badStatus', { detail: read.detail })));
    return;
  }
  const st = read.status;
  fill(
    root,
    h('p', { class: read.ageMs > STALE_MS ? 'eh-notice eh-warn' : 'eh-muted', 'data-testid': 'age' }, read.ageMs > STALE_MS ? t('stale', { age: fmt.age(read.ageMs) }) : t('updated', { age: fmt.age(read.ageMs) })),
    warningsCard(st),
    flowCard(st.flow),
    // the card's padding and border take 26 px of the width
    chartCard(st, root.clientWidth - 26),
    moneyCard(st),
    schedulerCard(st.scheduler),
    weatherCard(st.weather),
    completenessCard(st),
  );
}

function card(title, testid, ...body) {
  return h('section', { class: 'eh-card', 'data-testid': testid }, h('h2', {}, title), ...body);
}

function warningsCard(st) {
  if (st.warnings.length === 0) return null;
  return card(t('warnings'), 'warnings', h('ul', { class: 'eh-list' }, st.warnings.map((w) => h('li', { class: 'eh-warn' }, currentLang() === 'ja' && w.textJa ? w.textJa : w.text))));
}

function flowCard(flow) {
  const tile = (key, label, value, detail, cls = '') =>
    h('div', { class: `eh-tile ${cls}`, 'data-testid': `flow-${key}` }, h('div', { class: 'eh-tile-label' }, label), h('div', { class: /\d/.test(value) ? 'eh-tile-value' : 'eh-tile-value eh-text' }, value), h('div', { class: 'eh-tile-detail' }, detail ?? ''));
  const direction = (w, plus, minus) => (w === null ? t('noReading') : w > 0 ? plus : w < 0 ? minus : t('idle'));
  const tiles = [
    tile('grid', t('grid'), fmt.w(flow.gridW === null ? null : Math.abs(flow.gridW)), direction(flow.gridW, t('buying'), t('selling')), flow.gridW > 0 ? 'eh-buy' : flow.gridW < 0 ? 'eh-sell' : ''),
    tile('solar', t('solar'), fmt.w(flow.solarW), null, 'eh-sun'),
    // the EcoCute's measured draw is shown on its own tile and left out of the home's
    tile('home', t('home'), fmt.w(flow.homeW), flow.ecocute && flow.ecocute.w !== null ? t('withoutEcocute') : null),
  ];
  if (flow.battery) tiles.push(tile('battery', t('battery'), fmt.w(flow.battery.w === null ? null : Math.abs(flow.battery.w)), `${direction(flow.battery.w, t('charging'), t('discharging'))} · ${fmt.pct(flow.battery.socPct)}`));
  if (flow.ev) {
    const vehicle = flow.ev.vehicle ? t(`vehicle.${flow.ev.vehicle}`) : '';
    tiles.push(tile('ev', t('ev'), fmt.w(flow.ev.w === null ? null : Math.abs(flow.ev.w)), [direction(flow.ev.w, t('charging'), t('discharging')), fmt.pct(flow.ev.socPct), vehicle].filter((x) => x && x !== '–').join(' · ')));
  }
  if (flow.ecocute) {
    const e = flow.ecocute;
    const state = e.heating === null ? t('noReading') : e.heating ? t('heating') : t('notHeating');
    // watts where the unit measures them (84); otherwise only whether it heats
    const details = [t('tank', { temp: fmt.temp(e.tankTempC) }), t('hotWater', { litres: fmt.litres(e.remainingHotWaterL) })];
    tiles.push(e.w === null ? tile('ecocute', t('ecocute'), state, details.join(' · ')) : tile('ecocute', t('ecocute'), fmt.w(e.w), [state, ...details].join(' · ')));
  }
  return card(t('flow'), 'flow', h('div', { class: 'eh-tiles' }, tiles));
}

function chartCard(st, width) {
  const slots = st.today.slots;
  const finished = slots.filter((x) => x.mark !== 'future');
  const legend = h(
    'div',
    { class: 'eh-legend' },
    [
      ['eh-key-consumption', t('consumption')],
      ['eh-key-generation', t('generation')],
      ['eh-key-bought', t('bought')],
      ['eh-key-sold', t('sold')],
      ['eh-key-backfill', t('backfilled')],
      ['eh-key-missing', t('missing')],
    ].map(([cls, label]) => h('span', {}, h('i', { class: `eh-key ${cls}` }), label)),
  );
  return card(t('chartTitle'), 'chart', finished.length === 0 ? h('p', { class: 'eh-muted' }, t('chartEmpty')) : [h('div', { class: 'eh-chart-wrap' }, todayChart(slots, width)), legend]);
}

function moneyCard(st) {
  const rows = [
    ['today', st.totals.today],
    ['thisMonth', st.totals.thisMonth],
    ['lastMonthToDate', st.totals.lastMonthToDate],
    ['lastMonth', st.totals.lastMonth],
  ];
  const table = h(
    'table',
    { class: 'eh-table' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, t('bought')), h('th', {}, t('sold')), h('th', {}, t('cost')), h('th', {}, t('earned')), h('th', {}, t('co2')))),
    h(
      'tbody',
      {},
      rows.map(([key, x]) =>
        h(
          'tr',
          { 'data-testid': `totals-${key}` },
          h('th', { scope: 'row' }, t(key)),
          h('td', { 'data-label': t('bought') }, fmt.kwh(x.boughtKwh)),
          h('td', { 'data-label': t('sold') }, fmt.kwh(x.soldKwh)),
          h('td', { 'data-label': t('cost') }, fmt.yen(x.costYen)),
          h('td', { 'data-label': t('earned') }, fmt.yen(x.earnedYen)),
          h('td', { 'data-label': t('co2') }, fmt.kg(x.co2Kg)),
        ),
      ),
    ),
  );
  // net = bought for - sold for: with solar it can be negative, so the difference is said in yen
  const now = st.totals.thisMonth;
  const before = st.totals.lastMonthToDate;
  let comparison = null;
  if (now.costYen !== null && before.slots > 0) {
    const diff = now.costYen - now.earnedYen - (before.costYen - before.earnedYen);
    comparison = h('p', { class: diff > 0 ? 'eh-up' : 'eh-down', 'data-testid': 'month-compare' }, t(diff > 0 ? 'moreThanLastMonth' : 'lessThanLastMonth', { yen: fmt.yen(Math.abs(diff)) }));
  }
  const tariff = st.tariff ? h('p', { class: 'eh-muted' }, currentLang() === 'ja' ? st.tariff.nameJa : st.tariff.name) : h('p', { class: 'eh-muted' }, t('noTariff'));
  return card(t('money'), 'money', h('div', { class: 'eh-scroll' }, table), comparison, tariff);
}

function schedulerCard(sch) {
  if (!sch) return card(t('scheduler'), 'scheduler', h('p', { class: 'eh-muted', 'data-testid': 'plan-summary' }, t('schedulerNotRunning')));
  const ja = currentLang() === 'ja';
  // the scheduler words everything in both languages; a text from an older plugin may lack the Japanese
  const said = (english, japanese) => (ja && japanese ? japanese : english);
  const state = h('p', { class: 'eh-muted', 'data-testid': 'plan-summary' }, sch.enabled ? (said(sch.summary, sch.summaryJa) ?? t('noPlan')) : t('schedulerOff'));
  const plan =
    sch.plan.length === 0
      ? h('p', { class: 'eh-muted' }, t('nothingPlanned'))
      : h(
          'ul',
          { class: 'eh-list eh-plan' },
          sch.plan.map((w) =>
            h('li', { 'data-testid': 'plan-window' }, h('strong', {}, `${fmt.time(w.from)}–${fmt.time(w.to)} ${t(`device.${w.device}`)}: ${t(`action.${w.action}`)}`), h('div', { class: 'eh-muted', 'data-testid': 'plan-reason' }, said(w.reason.text, w.reason.textJa))),
          ),
        );
  const gates = h(
    'ul',
    { class: 'eh-list' },
    sch.gates.map((g) => {
      const failed = g.gates.filter((x) => !x.passed);
      const step = sch.steps.find((x) => x.role === g.device);
      return h(
        'li',
        { 'data-testid': `gates-${g.device}` },
        h('span', { class: g.allowed ? 'eh-badge eh-ok' : 'eh-badge eh-no' }, g.allowed ? t('allowed') : t('blocked')),
        ' ',
        h('strong', {}, t(`device.${g.device}`)),
        failed.length > 0 ? h('ul', { class: 'eh-sublist' }, failed.map((x) => h('li', { 'data-code': x.code }, ja ? x.messageJa : x.message))) : null,
        step ? h('div', { class: 'eh-muted', 'data-testid': 'step' }, said(step.text, step.textJa)) : null,
      );
    }),
  );
  const shortfalls = sch.shortfalls.length > 0 ? [h('h3', {}, t('shortfalls')), h('ul', { class: 'eh-list' }, sch.shortfalls.map((r) => h('li', {}, said(r.text, r.textJa))))] : [];
  return card(t('scheduler'), 'scheduler', state, plan, gates, ...shortfalls);
}

function weatherCard(w) {
  if (!w) return card(t('weather'), 'weather', h('p', { class: 'eh-muted' }, t('noWeather')));
  const ja = currentLang() === 'ja';
  const day = (label, d) => (d ? h('div', { class: 'eh-tile' }, h('div', { class: 'eh-tile-label' }, label), h('div', { class: 'eh-tile-value' }, t(`weatherClass.${d.weatherClass}`)), h('div', { class: 'eh-tile-detail' }, d.popPercent === undefined ? '' : t('pop', { pct: fmt.pct(d.popPercent) }))) : null);
  const warnings = w.warnings.length === 0 ? h('p', { class: 'eh-muted' }, t('noWarnings')) : h('ul', { class: 'eh-list' }, w.warnings.map((x) => h('li', { class: x.level === 'advisory' ? '' : 'eh-warn' }, ja ? x.nameJa : x.name)));
  // JMA's terms ask for the source to be named wherever its data is shown
  const issued = h('p', { class: 'eh-muted', 'data-testid': 'weather-issued' }, t('weatherIssued', { when: fmt.dateTime(w.issuedAt) }), w.source.split('+').includes('jma') ? ` · ${t('jmaSource')}` : '');
  return card(t('weather'), 'weather', h('div', { class: 'eh-tiles' }, day(t('today'), w.today), day(t('tomorrow'), w.tomorrow)), warnings, issued);
}

function completenessCard(st) {
  const c = st.completeness;
  const bar = h('div', { class: 'eh-bar' }, ['live', 'backfill', 'missing'].map((k) => (c[k] > 0 ? h('span', { class: `eh-bar-${k}`, style: `flex:${c[k]}` }) : null)));
  const devices = h(
    'ul',
    { class: 'eh-list eh-devices' },
    st.devices.map((d) => h('li', {}, h('span', { class: d.online ? 'eh-badge eh-ok' : 'eh-badge eh-no' }, d.online ? t('online') : t('offline')), ' ', t(`kind.${d.kind}`), d.lastReadingAt ? h('span', { class: 'eh-muted' }, ` · ${fmt.time(d.lastReadingAt)}`) : null)),
  );
  return card(t('completeness'), 'completeness', h('p', { 'data-testid': 'completeness-text' }, t('completenessText', c)), bar, h('h3', {}, t('devices')), devices);
}
