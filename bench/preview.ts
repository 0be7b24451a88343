/**
 * bench:preview: `pulumi preview` of 20 unchanged OAuthTokenIssuerCertificate resources against
 * the same stack shape with a trivial dynamic provider (the named baseline), interleaved in one
 * run, through the real CLI; and the serialized provider (`__provider`) size per resource.
 * Targets (issue #4): median ratio <= 1.2, provider <= 20 KB per resource.
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
  constructor(name: string) {
    super(trivialProvider, name, { name }, {}, 'bench', 'Trivial');
  }
}

async function timedPreviews(stack: ThrowawayStack): Promise<number[]> {
  await stack.up();
  await stack.preview(); // warm: plugin start-up caches
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const preview = await stack.preview();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    const changed = Object.entries(preview.changeSummary ?? {}).filter(([op, n]) => op !== 'same' && n);
    if (changed.length > 0) throw new Error(`preview of an unchanged stack planned changes: ${JSON.stringify(changed)}`);
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
      for (let i = 0; i < COUNT; i++) new Trivial(`trivial-${i}`);
    },
  });
  try {
    const ours = await timedPreviews(certificates);
    const baseline = await timedPreviews(trivial);
    const state = await certificates.exportState();
    const sizes = (state.resources ?? [])
      .filter((r) => r.type.endsWith(':OAuthTokenIssuerCertificate'))
      .map((r) => String(r.inputs?.__provider ?? '').length);
    const ratio = median(ours) / median(baseline);
    console.log(`pulumi preview, ${COUNT} unchanged resources, ${RUNS} runs each (median)`);
    console.log(`  OAuthTokenIssuerCertificate          ${median(ours).toFixed(0).padStart(6)} ms  (min ${Math.min(...ours).toFixed(0)}, max ${Math.max(...ours).toFixed(0)})`);
    console.log(`  trivial dynamic provider (baseline)  ${median(baseline).toFixed(0).padStart(6)} ms  (min ${Math.min(...baseline).toFixed(0)}, max ${Math.max(...baseline).toFixed(0)})`);
    console.log(`ratio: ${ratio.toFixed(2)}x (target <= 1.20x): ${ratio <= 1.2 ? 'within target' : 'ABOVE TARGET'}`);
    const maxSize = Math.max(...sizes);
    console.log(`serialized provider per resource: ${(maxSize / 1024).toFixed(1)} KB (target <= 20 KB): ${maxSize <= 20 * 1024 ? 'within target' : 'ABOVE TARGET'}`);
  } finally {
    await certificates.cleanup();
    await trivial.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:preview failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
