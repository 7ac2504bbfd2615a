/**
 * BENCHMARKS.md is written by the benchmarks themselves: each one owns a section between markers and
 * replaces only that section, so benchmarks can be re-run one at a time without losing the others.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

export interface BenchSection {
  id: string;
  title: string;
  /** The exact command that produced the numbers. */
  command: string;
  body: string;
}

const FILE = new URL('../BENCHMARKS.md', import.meta.url);
const HEADER = `# Benchmarks

Every number below was produced by the command shown with it, on the machine described in its section.
Sections are rewritten by \`npm run bench\` (or \`npm run bench -- <id>\` for one).
`;

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function writeSection(section: BenchSection): void {
  const begin = `<!-- bench:${section.id} -->`;
  const end = `<!-- /bench:${section.id} -->`;
  const block = `${begin}\n## ${section.title}\n\nCommand: \`${section.command}\`  \nMachine: ${machineLine()}\n\n${section.body.trim()}\n${end}`;
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? current.slice(0, start) + block + current.slice(stop + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, next);
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
