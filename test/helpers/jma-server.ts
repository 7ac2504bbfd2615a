/**
 * JMA's bosai files on 127.0.0.1 for tests: the recorded Tokyo forecast (test/fixtures/forecast, issued
 * 2026-01-05 17:00 JST) and the constructed warnings file of the same office, at the paths the providers
 * request. `shiftDays` moves every time in both files by whole days (a browser test that runs on today's
 * date needs today's forecast); the contents are otherwise as recorded. Counts requests, fails on demand.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/forecast/${name}`, import.meta.url), 'utf8');

/** When the recorded forecast was issued. */
export const RECORDED_ISSUED_AT = Date.parse('2026-01-05T17:00:00+09:00');

export interface JmaServer {
  readonly url: string;
  /** Paths requested so far. */
  readonly requests: string[];
  /** 'ok' serves the files, a number answers with that HTTP status. */
  mode: 'ok' | number;
  close(): Promise<void>;
}

/** Every JST timestamp of a bosai file ("2026-01-05T17:00:00+09:00") moved by `days`. */
function shifted(text: string, days: number): string {
  if (days === 0) return text;
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00/g, (iso) => {
    const t = new Date(Date.parse(iso) + days * 86_400_000 + 9 * 3_600_000).toISOString();
    return `${t.slice(0, 19)}+09:00`;
  });
}

export async function startJmaServer(options: { shiftDays?: number } = {}): Promise<JmaServer> {
  const days = options.shiftDays ?? 0;
  const routes: Record<string, string> = {
    '/bosai/forecast/data/forecast/130000.json': shifted(fixture('jma_forecast_130000_2026-01-05T1700.json'), days),
    '/bosai/warning/data/warning/130000.json': shifted(fixture('jma_warning_130000_constructed.json'), days),
  };
  const requests: string[] = [];
  const state: { mode: 'ok' | number } = { mode: 'ok' };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const body = routes[path];
    if (state.mode !== 'ok' || body === undefined) {
      res.writeHead(typeof state.mode === 'number' ? state.mode : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
