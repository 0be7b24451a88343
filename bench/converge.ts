/**
 * bench:converge: a scheduled roll across 1, 10 and 50 emulated Front End Servers,
 * through the real PowerShell adapter and the Skype cmdlet emulator (one process per shell call).
 * Each size runs in its own Node process: the wall time of `convergePool` (assign the roll, wait
 * for replication, verify every server) and the peak memory of the process tree (the provider and
 * the shells it runs at once, sampled every 50 ms), with their ratios to the 1-server baseline.
 * Servers are inspected in at most `parallelism` (8) calls at once, so both grow far slower than
 * the server count. Usage: npm run bench:converge
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPoolSpec } from '../provider/domain/front-end-pool-spec';
import { convergePool } from '../provider/pulumi/front-end-pool-step';
import { bytesOf, entry } from '../test/support/pfx-corpus';

const EMULATOR = join(__dirname, '..', 'bin', 'sfb-skype-emulator');
const SIZES = [1, 10, 50];

/** In the child: one roll across `count` servers; prints the wall time in ms. */
async function child(count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-bench-converge-'));
  try {
    const servers = Array.from({ length: count }, (_, i) => `fe${String(i + 1).padStart(2, '0')}.contoso.com`);
    execFileSync(EMULATOR, ['admin', 'init', '--servers', servers.join(','), '--replication-delay', '1', '--now', 'real'], { env: { ...process.env, SFB_SKYPE_EMULATOR_DIR: dir } });
    const { spec } = checkPoolSpec({ kind: 'powershell', servers, command: ['env', `SFB_SKYPE_EMULATOR_DIR=${dir}`, EMULATOR, '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'], pollIntervalSeconds: 1, replicationTimeoutSeconds: 300 });
    const A = entry('openssl3-default');
    const B = entry('rsa-4096');
    const quiet = { progress: () => undefined };
    const deps = { open: (await import('../provider/adapters/powershell')).createPowerShellPool, clock: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), ...quiet };
    const now = new Date();
    const inputs = (e: typeof A, effectiveDate?: string) => ({
      pool: spec!,
      pfx: bytesOf(e).toString('base64'),
      password: e.password!,
      thumbprint: e.expected.thumbprint!,
      notBefore: '2025-01-01T00:00:00Z',
      notAfter: e.expected.notAfter!,
      ...(effectiveDate ? { effectiveDate } : {}),
    });
    // The current certificate first (not timed), then the timed roll 30 days ahead.
    await convergePool(inputs(A), now, deps);
    const started = process.hrtime.bigint();
    await convergePool(inputs(B, new Date(now.getTime() + 30 * 86_400_000).toISOString()), now, deps);
    process.stdout.write(`${Number(process.hrtime.bigint() - started) / 1e6}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** RSS (KiB) of `root` and all its descendants, from /proc. */
function treeRss(root: number): number {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of table) {
      if (inTree.has(ppid) && !inTree.has(pid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return table.filter(([pid]) => inTree.has(pid)).reduce((sum, [, , rss]) => sum + rss, 0);
}

async function measure(count: number): Promise<{ ms: number; peakMiB: number }> {
  const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--child', String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, treeRss(proc.pid!));
    } catch {
      // The tree changed while ps ran; the next sample counts.
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => proc.once('close', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`the ${count}-server run failed (exit ${code})`);
  return { ms: Number(out.trim()), peakMiB: peak / 1024 };
}

async function main(): Promise<void> {
  const childFlag = process.argv.indexOf('--child');
  if (childFlag > 0) return child(Number(process.argv[childFlag + 1]));
  const results: Array<{ count: number; ms: number; peakMiB: number }> = [];
  for (const count of SIZES) results.push({ count, ...(await measure(count)) });
  const base = results[0]!;
  console.log('servers  wall time    ratio   peak memory (tree)  ratio');
  for (const r of results) {
    console.log(
      `${String(r.count).padStart(7)}  ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${(r.ms / base.ms).toFixed(2).padStart(5)}x  ${r.peakMiB.toFixed(0).padStart(12)} MiB  ${(r.peakMiB / base.peakMiB).toFixed(2).padStart(5)}x`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
