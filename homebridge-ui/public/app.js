/**
 * Entry point: two tabs (energy dashboard, setup wizard) and the language toggle. The dashboard opens
 * first once the plugin is configured; a first visit starts in the setup.
 */
import { fill, h } from './dom.js';
import { currentLang, setLang, t } from './i18n.js';
import { startDashboard } from './dashboard.js';
import { startWizard } from './wizard.js';
import { PLATFORM } from './config.js';

async function main() {
  const app = document.getElementById('eh-app');
  const dashboardRoot = h('div', { 'data-testid': 'dashboard' });
  const wizardRoot = h('div', { 'data-testid': 'wizard', hidden: true });
  const blocks = await homebridge.getPluginConfig();
  let tab = blocks.some((b) => b.platform === PLATFORM) ? 'dashboard' : 'setup';
  let dashboard;
  let wizard;

  const header = () => {
    const tabButton = (name, label) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(tab === name), 'data-testid': `tab-${name}`, onclick: () => show(name) }, label);
    return h(
      'header',
      { class: 'eh-header' },
      h('h1', {}, t('title')),
      h('nav', { role: 'tablist' }, tabButton('dashboard', t('tabDashboard')), tabButton('setup', t('tabSetup'))),
      h('button', { type: 'button', class: 'eh-lang', 'data-testid': 'lang', lang: currentLang() === 'ja' ? 'en' : 'ja', onclick: toggleLang }, t('langToggle')),
    );
  };
  const headerSlot = h('div');

  async function show(name) {
    tab = name;
    fill(headerSlot, header());
    dashboardRoot.hidden = name !== 'dashboard';
    wizardRoot.hidden = name !== 'setup';
    if (name === 'dashboard') dashboard ??= startDashboard(dashboardRoot);
    else wizard ??= await startWizard(wizardRoot);
  }

  function toggleLang() {
    setLang(currentLang() === 'ja' ? 'en' : 'ja');
    document.documentElement.lang = currentLang();
    fill(headerSlot, header());
    dashboard?.rerender();
    wizard?.rerender();
  }

  document.documentElement.lang = currentLang();
  fill(app, headerSlot, dashboardRoot, wizardRoot);
  await show(tab);
}

/** The Homebridge UI reveals the page once it is ready; requests work from then on. */
let started = false;
const start = () => {
  if (started) return;
  started = true;
  main().catch((err) => homebridge.toast.error(err?.message ?? String(err)));
};
homebridge.addEventListener('ready', start);
if (document.body.style.display === 'block') start();
