/**
 * A stand-in for homebridge-config-ui-x around the plugin's custom UI, faithful where the plugin can
 * tell the difference:
 *  - the UI server (homebridge-ui/server.js) is forked with an IPC channel and the HOMEBRIDGE_* variables,
 *    optionally inside a network namespace (`ip netns exec` keeps the IPC descriptor);
 *  - the plugin page is served the way config-ui-x serves it: index.html inside a generated document
 *    that sets window._homebridge and loads plugin-ui-utils' own ui.js, body hidden until 'ready',
 *    assets from public/, in an iframe of a host page;
 *  - the host page answers the iframe's postMessage protocol: 'loaded' -> 'ready', requests relayed to
 *    the server (and its pushEvent streams back), config.get/update/save/schema, toasts, schema.show.
 * What the host saw (toasts, saves, the schema form) is kept for the test in `log`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const UI_JS = join(REPO, 'node_modules/@homebridge/plugin-ui-utils/dist/ui.js');
const PLUGIN = 'homebridge-echonet-hems';
const PLUGIN_BASE = `/api/plugins/settings-ui/${PLUGIN}/`;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
/** Same-origin only: a request to anywhere else (a CDN font, a script) is refused and shows in the console. */
const CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'";

interface HostLog {
  toasts: { type: string; message: string; title?: string }[];
  saved: Record<string, unknown>[][];
  schemaShown: boolean;
  serverOutput: string;
}

export interface UiHost {
  readonly url: string;
  readonly log: HostLog;
  close(): Promise<void>;
}

export interface UiHostOptions {
  /** The directory holding server.js and public/ (a copy beside a built dist/). */
  readonly uiDir: string;
  readonly storagePath: string;
  /** config.json's blocks for this plugin at the start. */
  readonly config: Record<string, unknown>[];
  readonly schema: Record<string, unknown>;
  readonly env?: Record<string, string>;
  /** Run the server inside this network namespace. */
  readonly netns?: string;
  /** navigator.language of the page is the browser's; this is what i18n.lang answers. */
  readonly uiLang?: string;
}

export async function startUiHost(options: UiHostOptions): Promise<UiHost> {
  const log: HostLog = { toasts: [], saved: [], schemaShown: false, serverOutput: '' };
  const child = forkServer(options, log);
  const pending = new Map<string, (payload: unknown) => void>();
  const streams = new Set<ServerResponse>();
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`the UI server did not say ready; output:\n${log.serverOutput}`)), 20_000);
    child.on('message', (message: { action?: string; payload?: { requestId?: string; event?: string } }) => {
      if (message.action === 'ready') {
        clearTimeout(timer);
        resolveReady();
      } else if (message.action === 'response' && message.payload?.requestId) {
        pending.get(message.payload.requestId)?.(message.payload);
        pending.delete(message.payload.requestId);
      } else if (message.action === 'stream') {
        for (const res of streams) res.write(`data: ${JSON.stringify(message.payload)}\n\n`);
      }
    });
    child.once('exit', (code) => reject(new Error(`the UI server exited (${code}); output:\n${log.serverOutput}`)));
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (req.method === 'GET' && url.pathname === '/') return send(res, 'text/html', hostPage(options));
    if (req.method === 'GET' && url.pathname === '/host/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': open\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/host/request') {
      const request = JSON.parse(await body(req)) as { requestId: string };
      const payload = await new Promise((r) => {
        pending.set(request.requestId, r);
        child.send(request);
      });
      return send(res, 'application/json', JSON.stringify(payload));
    }
    if (req.method === 'POST' && url.pathname === '/host/saved') {
      log.saved.push(JSON.parse(await body(req)) as Record<string, unknown>[]);
      return send(res, 'application/json', '{}');
    }
    if (req.method === 'POST' && url.pathname === '/host/log') {
      const entry = JSON.parse(await body(req)) as { action: string; message?: string; title?: string };
      if (entry.action === 'schema.show') log.schemaShown = true;
      else log.toasts.push({ type: entry.action.slice('toast.'.length), message: entry.message ?? '', ...(entry.title ? { title: entry.title } : {}) });
      return send(res, 'application/json', '{}');
    }
    // the real UI has an icon; without one chromium logs a 404 that would hide real ones
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (req.method === 'GET' && url.pathname === '/assets/plugin-ui-utils/ui.js') return send(res, 'text/javascript', await readFile(UI_JS));
    if (req.method === 'GET' && url.pathname === `${PLUGIN_BASE}index.html`) {
      const body = await readFile(join(options.uiDir, 'public', 'index.html'), 'utf8');
      return send(res, 'text/html', pluginDocument(body), { 'content-security-policy': CSP });
    }
    if (req.method === 'GET' && url.pathname.startsWith(PLUGIN_BASE)) {
      const publicDir = resolve(options.uiDir, 'public');
      const file = normalize(join(publicDir, decodeURIComponent(url.pathname.slice(PLUGIN_BASE.length))));
      if (!file.startsWith(publicDir + sep)) return void res.writeHead(403).end();
      const content = await readFile(file).catch(() => undefined);
      if (!content) return void res.writeHead(404).end('Not Found');
      return send(res, TYPES[extname(file)] ?? 'application/octet-stream', content);
    }
    res.writeHead(404).end('Not Found');
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    log,
    close: async () => {
      for (const res of streams) res.end();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await stopChild(child);
    },
  };
}

function forkServer(options: UiHostOptions, log: HostLog): ChildProcess {
  const serverPath = join(options.uiDir, 'server.js');
  const env = {
    ...process.env,
    ...options.env,
    HOMEBRIDGE_STORAGE_PATH: options.storagePath,
    HOMEBRIDGE_CONFIG_PATH: join(options.storagePath, 'config.json'),
    HOMEBRIDGE_UI_VERSION: '5.0.0-test',
  };
  // what config-ui-x does is fork(serverPath, [], {silent: true, env}); the namespace variant wraps it
  const [cmd, args] = options.netns ? ['ip', ['netns', 'exec', options.netns, process.execPath, serverPath]] : [process.execPath, [serverPath]];
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.stdout?.on('data', (d: Buffer) => (log.serverOutput += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log.serverOutput += d.toString()));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // config-ui-x closes the IPC channel; the server's 'disconnect' handler then ends the process
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function send(res: ServerResponse, type: string, content: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', ...headers });
  res.end(content);
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((r, reject) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => r(data));
    req.on('error', reject);
  });
}

const escapeScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** What config-ui-x renders around a plugin's index.html. */
function pluginDocument(indexBody: string): string {
  const plugin = { name: PLUGIN, displayName: 'ECHONET HEMS', description: '', verifiedPlugin: false, installedVersion: '0.1.0', latestVersion: null, updateAvailable: false, publicPackage: true, globalInstall: false, settingsSchema: true, installPath: REPO, links: [] };
  const serverEnv = { theme: 'auto', serverTimestamp: new Date().toISOString(), formAuth: true, env: { lang: null, platform: 'linux', packageName: 'homebridge-config-ui-x', packageVersion: '5.0.0-test' } };
  return `<!doctype html>
<html>
  <head>
    <meta charset="utf-8">
    <title>${PLUGIN}</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <script>window._homebridge = { plugin: ${escapeScript(plugin)}, serverEnv: ${escapeScript(serverEnv)} };</script>
    <script src="/assets/plugin-ui-utils/ui.js"></script>
    <script>window.addEventListener('load', () => window.parent.postMessage({ action: 'loaded' }, '*'), false);</script>
  </head>
  <body style="display:none;">
${indexBody}
  </body>
</html>`;
}

/** The settings modal: an iframe, the message protocol, the config in memory until saved. */
function hostPage(options: UiHostOptions): string {
  return `<!doctype html>
<html>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>host</title>
<style>html,body{margin:0;padding:0;background:#fff} body.dark{background:#242424} iframe{border:0;width:100%;display:block}</style></head>
<body>
<script>if (new URLSearchParams(location.search).has('dark')) document.body.className = 'dark';</script>
<iframe id="plugin" src="${PLUGIN_BASE}index.html?v=0.1.0"></iframe>
<script>
const frame = document.getElementById('plugin');
let pluginConfig = ${escapeScript(options.config)};
const schema = ${escapeScript(options.schema)};
const post = (data) => frame.contentWindow.postMessage(data, location.origin);
const note = (entry) => fetch('/host/log', { method: 'POST', body: JSON.stringify(entry) });
// the schema form below the plugin page: config-ui-x announces its edits as a 'configChanged' stream
window.currentConfig = () => pluginConfig;
window.schemaFormEdit = (blocks) => { pluginConfig = blocks; post({ action: 'stream', event: 'configChanged', data: blocks }); };
new EventSource('/host/events').onmessage = (m) => { const p = JSON.parse(m.data); post({ action: 'stream', event: p.event, data: p.data }); };
window.addEventListener('message', async (e) => {
  if (e.source !== frame.contentWindow || e.origin !== location.origin) return;
  const reply = (data, success = true) => e.source.postMessage({ action: 'response', requestId: e.data.requestId, success, data }, e.origin);
  switch (e.data.action) {
    case 'loaded': {
      // what config-ui-x sends before 'ready': its body classes and the modal's colours (?dark=1: its dark mode)
      const dark = new URLSearchParams(location.search).has('dark');
      e.source.postMessage({ action: 'body-class', class: 'modal-content' }, e.origin);
      if (dark) e.source.postMessage({ action: 'body-class', class: 'dark-mode' }, e.origin);
      e.source.postMessage({ action: 'inline-style', style: 'body { height: unset !important; background-color: ' + (dark ? '#242424' : '#FFFFFF') + ' !important; color: ' + (dark ? '#FFFFFF' : '#000000') + ' !important; }' }, e.origin);
      e.source.postMessage({ action: 'ready' }, e.origin);
      break;
    }
    case 'scrollHeight': frame.style.height = (e.data.scrollHeight + 10) + 'px'; break;
    case 'request': {
      const r = await fetch('/host/request', { method: 'POST', body: JSON.stringify(e.data) });
      const payload = await r.json();
      reply(payload.data, payload.success);
      break;
    }
    case 'config.get': reply(pluginConfig); break;
    case 'config.update': {
      const blocks = e.data.pluginConfig;
      if (!Array.isArray(blocks) || blocks.some((b) => typeof b !== 'object' || b === null || Array.isArray(b))) { reply({ message: 'must be an array of objects' }, false); break; }
      for (const b of blocks) b.platform = ${escapeScript(String(options.schema.pluginAlias))};
      pluginConfig = blocks;
      reply(pluginConfig);
      break;
    }
    case 'config.save': await fetch('/host/saved', { method: 'POST', body: JSON.stringify(pluginConfig) }); reply(pluginConfig); break;
    case 'config.schema': reply(schema); break;
    case 'i18n.lang': reply(${escapeScript(options.uiLang ?? 'en')}); break;
    case 'user.lightingMode': reply('light'); break;
    case 'schema.show': note({ action: 'schema.show' }); break;
    case 'toast.success': case 'toast.error': case 'toast.warning': case 'toast.info': note(e.data); break;
  }
});
</script>
</body>
</html>`;
}
