/**
 * The package as npm would publish it, made from the working tree without touching it: the files git
 * sees (tracked, or new and not ignored) are copied to a temporary directory, built there with
 * tsconfig.build.json, packed with `npm pack`, and the tarball is unpacked beside it. The repository's own
 * dist/ is never deleted or rebuilt, so the custom UI, the end-to-end tests or a running Homebridge that
 * use it are not disturbed.
 *
 * The release test files share one build per content of the sources (a tsc run costs about 15 s on this
 * machine): the directory name carries a hash of every copied file, and older builds are removed when a
 * new one is made.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PREFIX = 'echonet-hems-release-';

/** One entry of `npm pack --json`'s files list. */
interface PackedFile {
  readonly path: string;
  readonly size: number;
  readonly mode: number;
}

export interface Packed {
  /** The staged copy of the working tree (with its own dist/ and planted decoys). */
  readonly stage: string;
  /** The tarball unpacked: exactly what an installation gets, plus a node_modules link to the repository's. */
  readonly installed: string;
  readonly files: readonly PackedFile[];
  /** Bytes of the .tgz, and of its files unpacked. */
  readonly size: number;
  readonly unpackedSize: number;
  /** tsc's exit status and output: type errors still emit JavaScript, so the build is judged separately. */
  readonly build: { readonly status: number | null; readonly output: string };
}

/**
 * Files a developer's tree may hold that must never be published: the output of the tests, a demo's
 * Homebridge storage (with its config.json), a log. They are ignored by git, so the copy would not have
 * them; they are planted so that the "files" list is tested against them, not merely against their absence.
 */
export const DECOYS = ['test-artifacts/decoy.txt', '.demo/config.json', '.demo/echonet-hems/data/energy-2026-11', 'npm-debug.log', '.hems-soak/status.json'];

function sourceFiles(): string[] {
  const r = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  // a tracked file deleted in the working tree is not part of what would be packed
  return r.stdout.split('\0').filter((f) => f !== '' && existsSync(join(REPO, f))).sort();
}

function contentKey(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update('\0').update(readFileSync(join(REPO, f))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

function run(command: string, args: readonly string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function make(dir: string, files: readonly string[]): void {
  const stage = join(dir, 'stage');
  for (const f of files) {
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    cpSync(join(REPO, f), join(stage, f));
  }
  for (const decoy of DECOYS) {
    mkdirSync(dirname(join(stage, decoy)), { recursive: true });
    writeFileSync(join(stage, decoy), 'decoy: must not be packed\n');
  }
  // the compiler, the types and (for loading the built entry) the runtime dependencies
  symlinkSync(join(REPO, 'node_modules'), join(stage, 'node_modules'), 'dir');
  const build = run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], stage);
  writeFileSync(join(dir, 'build.json'), JSON.stringify(build));
  // scripts off: what is checked is the files list, not whatever a prepack hook might do; and offline,
  // as a unit test: packing a folder needs nothing from the registry
  const pack = run('npm', ['pack', '--json', '--ignore-scripts', '--offline', '--no-update-notifier', '--pack-destination', dir], stage);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.output}`);
  writeFileSync(join(dir, 'pack.json'), pack.output.slice(pack.output.indexOf('[')));
  const [result] = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')) as [{ filename: string }];
  const installed = join(dir, 'installed');
  mkdirSync(installed);
  const untar = run('tar', ['-xzf', join(dir, result.filename), '-C', installed, '--strip-components=1'], dir);
  if (untar.status !== 0) throw new Error(`unpacking the tarball failed:\n${untar.output}`);
  symlinkSync(join(REPO, 'node_modules'), join(installed, 'node_modules'), 'dir');
}

let cached: Packed | undefined;

/** Builds and packs once per content of the sources; later calls (and other test files) reuse it. */
export function packed(): Packed {
  if (cached) return cached;
  const files = sourceFiles();
  const dir = join(tmpdir(), `${PREFIX}${contentKey(files)}`);
  if (!existsSync(join(dir, 'pack.json'))) {
    const temp = mkdtempSync(join(tmpdir(), `${PREFIX}tmp-`));
    try {
      make(temp, files);
    } catch (err) {
      rmSync(temp, { recursive: true, force: true });
      throw err;
    }
    // the links inside point at the repository by absolute path, so the finished build can be renamed;
    // when a test file running beside this one finished the same build first, its copy is used
    try {
      renameSync(temp, dir);
    } catch {
      rmSync(temp, { recursive: true, force: true });
      if (!existsSync(join(dir, 'pack.json'))) throw new Error(`cannot put the packed build at ${dir}`);
    }
    for (const old of readdirSync(tmpdir())) {
      if (old.startsWith(PREFIX) && join(tmpdir(), old) !== dir && !old.startsWith(`${PREFIX}tmp-`)) rmSync(join(tmpdir(), old), { recursive: true, force: true });
    }
  }
  const [result] = JSON.parse(readFileSync(join(dir, 'pack.json'), 'utf8')) as [{ files: PackedFile[]; size: number; unpackedSize: number }];
  const build = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as Packed['build'];
  cached = { stage: join(dir, 'stage'), installed: join(dir, 'installed'), files: result.files, size: result.size, unpackedSize: result.unpackedSize, build };
  return cached;
}

/** The repository's package.json. */
export function manifest(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
}
