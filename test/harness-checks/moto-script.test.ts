/**
 * `scripts/moto stop` stops only the moto this checkout started. It used to
 * recognise its process by the name `moto_server` alone, so a copied checkout (which carries the
 * original's `.moto/pid`) stopped the original's moto, and a reused pid could be another
 * checkout's. Two checkouts here, each with a stand-in `.venv/bin/moto_server` (a python entry
 * point, as pip writes one: argv is `python <script> -H 127.0.0.1 -p <port>`), started as the
 * script starts the real one; no real moto is needed to tell whose process is whose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/project-paths';

const SCRIPT = join(projectRoot(), 'scripts', 'moto');

interface Started {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  done: boolean;
}

const started: Started[] = [];
const temp = mkdtempSync(join(tmpdir(), 'sfb-moto-script-'));

afterAll(() => {
  for (const s of started) if (!s.done) s.child.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

/** A checkout with scripts/moto and a stand-in moto_server in its .venv. */
function checkout(name: string): string {
  const root = join(temp, name);
  mkdirSync(join(root, 'scripts'), { recursive: true });
  mkdirSync(join(root, '.venv', 'bin'), { recursive: true });
  mkdirSync(join(root, '.moto'), { recursive: true });
  cpSync(SCRIPT, join(root, 'scripts', 'moto'));
  const server = join(root, '.venv', 'bin', 'moto_server');
  writeFileSync(server, '#!/usr/bin/env python3\nimport time\ntime.sleep(600)\n');
  chmodSync(server, 0o755);
  return root;
}

/** Starts `root`'s moto_server as scripts/moto does, and records it there (pid, endpoint). */
function startMoto(root: string, port: number): Started {
  const child = spawn(join(root, '.venv', 'bin', 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const entry: Started = { child, done: false, exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) };
  void entry.exited.then(() => (entry.done = true));
  started.push(entry);
  writeFileSync(join(root, '.moto', 'pid'), `${child.pid}\n`);
  writeFileSync(join(root, '.moto', 'endpoint'), `http://127.0.0.1:${port}\n`);
  return entry;
}

/** Runs `scripts/moto <command>` of `root` (asynchronously: this process reaps the stand-ins). */
function moto(root: string, command: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, 'scripts', 'moto'), [command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout }));
  });
}

/** Waits for the process to be ready (python started and sleeping), so its cmdline is final. */
async function ready(s: Started): Promise<void> {
  for (let i = 0; i < 100 && !s.done; i++) {
    const cmdline = await new Promise<string>((resolve) => {
      const cat = spawn('cat', [`/proc/${s.child.pid}/cmdline`], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      cat.stdout.on('data', (d: Buffer) => (out += d.toString()));
      cat.once('close', () => resolve(out));
    });
    // Past /usr/bin/env: python runs the entry point, argv[1] is its path.
    if (cmdline.split('\0')[1]?.endsWith('/.venv/bin/moto_server')) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('the stand-in moto_server did not start');
}

describe('scripts/moto stop', () => {
  it('a copied checkout (carrying the original\'s .moto/pid) leaves the original\'s moto running; each checkout stops its own', async () => {
    const original = checkout('original');
    const mine = startMoto(original, 45101);
    await ready(mine);
    // The copy: the whole checkout, .moto/pid and .moto/endpoint included.
    const copy = join(temp, 'copy');
    cpSync(original, copy, { recursive: true });

    const fromCopy = await moto(copy, 'stop');
    expect(fromCopy.code).toBe(0);
    expect(fromCopy.stdout).toContain(`recorded pid ${mine.child.pid} is not this checkout's running moto server (${copy}/.venv/bin/moto_server); left alone`);
    expect(mine.done).toBe(false);

    // The copy's own moto, on its own port: its stop ends that one only.
    const theirs = startMoto(copy, 45102);
    await ready(theirs);
    const ownStop = await moto(copy, 'stop');
    expect(ownStop.stdout).toContain(`stopped (pid ${theirs.child.pid})`);
    await theirs.exited;
    expect(mine.done).toBe(false);

    const originalStop = await moto(original, 'stop');
    expect(originalStop.stdout).toContain(`stopped (pid ${mine.child.pid})`);
    await mine.exited;
  });

  it('a moto_server of this checkout\'s venv on another port than the recorded endpoint is not the one recorded: left alone', async () => {
    const root = checkout('port');
    const running = startMoto(root, 45103);
    await ready(running);
    writeFileSync(join(root, '.moto', 'endpoint'), 'http://127.0.0.1:45104\n');
    const stop = await moto(root, 'stop');
    expect(stop.stdout).toContain('left alone');
    expect(running.done).toBe(false);
    running.child.kill('SIGTERM');
    await running.exited;
  });
});
