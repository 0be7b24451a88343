/**
 * bench:preview: `pulumi preview` of 20 unchanged OAuthTokenIssuerCertificate resources against
 * the same stack (same 20 resources, same inputs: the PFX, password and passphrase as secrets)
 * with a trivial dynamic provider, the named baseline; interleaved in one run, through the real
 * CLI. Also shown, for scale: 20 trivial resources with no inputs (the PFX payload alone costs
 * the engine ~12-17% there, measured). And the serialized provider size per resource.
 * Targets: median ratio to the baseline <= 1.2, provider <= 20 KB per resource.
 * Usage: npm run bench:preview [-- --runs N]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { CertificateStores, OAuthTokenIssuerCertificate } from '../provider';
import { ThrowawayStack } from '../test/harness/pulumi-stack';
import { bytesOf, entry } from '../test/support/pfx-corpus';

const COUNT = 20;
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;

const trivialProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false };
  },
  async create(inputs) {
    return { id: String(inputs.name), outs: inputs };
  },
};

class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown> = {}) {
    super(trivialProvider, name, { name, ...props }, {}, 'bench', 'Trivial');
  }
}

async function timedPreview(stack: ThrowawayStack): Promise<number> {
  const start = process.hrtime.bigint();
  const preview = await stack.preview();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const changed = Object.entries(preview.changeSummary ?? {}).filter(([op, n]) => op !== 'same' && n);
  if (changed.length > 0) throw new Error(`preview of an unchanged stack planned changes: ${JSON.stringify(changed)}`);
  return ms;
}

/** Previews the stacks in turn, round after round, so all see the same machine load. */
async function interleaved(stacks: ThrowawayStack[]): Promise<number[][]> {
  for (const stack of stacks) {
    await stack.up();
    await stack.preview(); // warm: plugin start-up, page cache
  }
  const samples = stacks.map((): number[] => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, stack] of stacks.entries()) samples[k]!.push(await timedPreview(stack));
  }
  return samples;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const pfx = entry('openssl3-default');
  const storeDir = join(mkdtempSync(join(tmpdir(), 'sfb-bench-store-')), 'store');
  const certificates = await ThrowawayStack.create({
    program: async () => {
      for (let i = 0; i < COUNT; i++) {
        new OAuthTokenIssuerCertificate(`cert-${i}`, {
          sipDomain: 'contoso.com',
          pfx: bytesOf(pfx).toString('base64'),
          password: pfx.password!,
          secretName: `bench/cert-${i}`,
          store: CertificateStores.local({ directory: storeDir, passphrase: 'bench-passphrase' }),
        });
      }
    },
  });
  const trivial = await ThrowawayStack.create({
    program: async () => {
      for (let i = 0; i < COUNT; i++) {
        new Trivial(`trivial-${i}`, {
          sipDomain: 'contoso.com',
          pfx: pulumi.secret(bytesOf(pfx).toString('base64')),
          password: pulumi.secret(pfx.password!),
          storePassphrase: pulumi.secret('bench-passphrase'),
        });
      }
    },
  });
  const empty = await ThrowawayStack.create({
    program: async () => {
      for (let i = 0; i < COUNT; i++) new Trivial(`empty-${i}`);
    },
  });
  try {
    const [ours, baseline, bare] = (await interleaved([certificates, trivial, empty])) as [number[], number[], number[]];
    const state = await certificates.exportState();
    const sizes = (state.resources ?? [])
      .filter((r) => r.type.endsWith(':OAuthTokenIssuerCertificate'))
      .map((r) => String(r.inputs?.__provider ?? '').length);
    const ratio = median(ours) / median(baseline);
    console.log(`pulumi preview, ${COUNT} unchanged resources, ${RUNS} runs each (median)`);
    console.log(`  OAuthTokenIssuerCertificate          ${median(ours).toFixed(0).padStart(6)} ms  (min ${Math.min(...ours).toFixed(0)}, max ${Math.max(...ours).toFixed(0)})`);
    console.log(`  trivial provider, same inputs (baseline) ${median(baseline).toFixed(0).padStart(6)} ms  (min ${Math.min(...baseline).toFixed(0)}, max ${Math.max(...baseline).toFixed(0)})`);
    console.log(`  trivial provider, no inputs (scale)  ${median(bare).toFixed(0).padStart(6)} ms  (ratio to it: ${(median(ours) / median(bare)).toFixed(2)}x)`);
    console.log(`ratio: ${ratio.toFixed(2)}x (target <= 1.20x): ${ratio <= 1.2 ? 'within target' : 'ABOVE TARGET'}`);
    const maxSize = Math.max(...sizes);
    console.log(`serialized provider per resource: ${(maxSize / 1024).toFixed(1)} KB (target <= 20 KB): ${maxSize <= 20 * 1024 ? 'within target' : 'ABOVE TARGET'}`);
  } finally {
    await certificates.cleanup();
    await trivial.cleanup();
    await empty.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:preview failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
