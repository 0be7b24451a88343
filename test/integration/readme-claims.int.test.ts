/**
 * What README.md and docs/ promise about the resource, checked through the real engine: each
 * claim is quoted above the test that holds it to account.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { createLocalStore, localStorePaths } from '../../provider/adapters/local-store';
import { makeDemoPfx } from '../../provider/adapters/pfx/demo-pfx';
import { DAY_MS, HOUR_MS, isoMinute } from '../../provider/domain/time';
import { CertificateStores, OAuthTokenIssuerCertificate } from '../../provider';
import { nonZeroChanges, ThrowawayStack } from '../harness/pulumi-stack';
import { bytesOf, entry, type CorpusEntry } from '../support/pfx-corpus';

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSPHRASE = 'store-passphrase-for-the-readme-claims';
const SECRET_NAME = 'sfb/oauth-token-issuer/contoso.com';
/** As in the repository's Pulumi.yaml: the demo's program lives in examples/embedded. */
const MAIN = 'examples/embedded/index.ts';

const short = (thumbprint: string) => `${thumbprint.slice(0, 4)}..`;
/** Whole seconds: the effective date is an input the engine compares across runs. */
const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Desired {
  pfx: string;
  password: string;
  effectiveDate?: string;
}

function certificateProgram(desired: Desired, directory: string) {
  return async () => {
    const certificate = new OAuthTokenIssuerCertificate('oauth', {
      sipDomain: 'contoso.com',
      pfx: desired.pfx,
      password: desired.password,
      ...(desired.effectiveDate ? { effectiveDate: desired.effectiveDate } : {}),
      store: CertificateStores.local({ directory, passphrase: PASSPHRASE }),
    });
    return {
      thumbprint: certificate.thumbprint,
      plan: certificate.plan,
      previous: certificate.previousThumbprint,
      pending: certificate.pendingThumbprint,
      outputs: pulumi.all(declaredOutputs(certificate)),
    };
  };
}

/**
 * Every output of the resource, read through the class's own typed properties: an output README
 * lists that the class does not declare fails the type check (README once listed
 * `certificateFacts`, which the class neither declared nor registered).
 */
function declaredOutputs(certificate: OAuthTokenIssuerCertificate): Record<string, pulumi.Output<unknown>> {
  return {
    thumbprint: certificate.thumbprint,
    subject: certificate.subject,
    dnsNames: certificate.dnsNames,
    keyBits: certificate.keyBits,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    plan: certificate.plan,
    previousThumbprint: certificate.previousThumbprint,
    pendingThumbprint: certificate.pendingThumbprint,
    versionId: certificate.versionId,
    storeDescription: certificate.storeDescription,
    certificateFacts: certificate.certificateFacts,
  };
}

/** The names README's "Outputs:" sentence of "The resource" lists in backticks (its remarks in parentheses left out). */
function readmeOutputs(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const sentence = /^Outputs: ([\s\S]*?)Check\s+failures/m.exec(readme)?.[1] ?? '';
  return [...sentence.replace(/\([^)]*\)/g, '').matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!);
}

const corpus = (e: CorpusEntry): Desired => ({ pfx: bytesOf(e).toString('base64'), password: e.password! });

describe('README claims through the real engine', () => {
  // README: "`.sfb-store/` beside the program (a relative directory is resolved against the
  // program's directory ...)", "the local certificate store (`examples/embedded/.sfb-store/`, beside the program)".
  describe('a certificate on a relative store directory', () => {
    let stack: ThrowawayStack;
    const desired: Desired = corpus(A);
    let storeDir = '';
    const store = () => createLocalStore({ directory: storeDir, passphrase: PASSPHRASE });
    const stageThumbprint = async (stage: 'current' | 'previous' | 'pending') => {
      const version = (await store().describe(SECRET_NAME))?.versions.find((v) => v.stages.includes(stage));
      return version ? (await store().getVersion(SECRET_NAME, version.versionId)).thumbprint : undefined;
    };

    beforeAll(async () => {
      stack = await ThrowawayStack.create({ main: MAIN, program: certificateProgram(desired, '.sfb-store') });
      storeDir = join(stack.workDir, 'examples', 'embedded', '.sfb-store');
    });

    afterAll(async () => {
      await stack?.cleanup();
    });

    it('resolves the directory against the program\'s directory, not the project\'s or the caller\'s', async () => {
      const up = await stack.up();
      expect(nonZeroChanges(up.summary.resourceChanges)).toEqual({ create: 2 });
      expect(existsSync(localStorePaths(storeDir, SECRET_NAME).secretFile)).toBe(true);
      expect(existsSync(join(stack.workDir, '.sfb-store'))).toBe(false);
      expect(existsSync(join(process.cwd(), '.sfb-store'))).toBe(false);
      expect(await stageThumbprint('current')).toBe(A.expected.thumbprint);
    });

    // README: "Outputs: `thumbprint` (SHA-1, as Windows shows it), `subject`, ... `certificateFacts`".
    it('has every output README lists, read from the stack', async () => {
      const listed = readmeOutputs();
      expect(listed.length).toBeGreaterThanOrEqual(12);
      expect(listed.sort()).toEqual(Object.keys(declaredOutputs({} as OAuthTokenIssuerCertificate)).sort());
      const outputs = (await stack.stack.outputs()).outputs?.value as Record<string, unknown>;
      expect(Object.keys(outputs).sort()).toEqual([...listed].sort());
      expect(outputs).toMatchObject({
        thumbprint: A.expected.thumbprint,
        previousThumbprint: null,
        pendingThumbprint: null,
        certificateFacts: { thumbprint: A.expected.thumbprint, hasMac: true, chainComplete: expect.any(Boolean) },
      });
      for (const name of listed) if (!/^(previous|pending)Thumbprint$/.test(name)) expect([name, outputs[name]]).not.toEqual([name, undefined]);
      for (const name of listed) if (!/^(previous|pending)Thumbprint$/.test(name)) expect([name, outputs[name]]).not.toEqual([name, null]);
    });

    // README: "`plan` describes the last change; a no-op `pulumi up` keeps it".
    it('keeps `plan` through a no-op up', async () => {
      const before = (await stack.stack.outputs()).plan?.value;
      expect(before).toBe(`new ${short(A.expected.thumbprint!)} current now`);
      const up = await stack.up();
      expect(nonZeroChanges(up.summary.resourceChanges)).toEqual({ same: 2 });
      expect(up.outputs.plan?.value).toBe(before);
    });

    // README: "**Plan rolls** with an effective date ..., shown as one line in `pulumi preview --diff`".
    // The roll is scheduled a day ahead; the test then moves the provider's clock past it.
    it('schedules a roll: the plan line in preview, pending after up, current once its date has passed', async () => {
      const at = new Date(Math.ceil((Date.now() + DAY_MS) / 1000) * 1000);
      Object.assign(desired, corpus(B), { effectiveDate: isoSeconds(at) });
      const line = `current ${short(A.expected.thumbprint!)} → previous at ${isoMinute(at)}; new ${short(B.expected.thumbprint!)} current at ${isoMinute(at)}`;

      const preview = await stack.preview();
      expect(preview.stdout).toContain(line);

      const up = await stack.up();
      expect(up.outputs.plan?.value).toBe(line);
      expect(up.outputs.pending?.value).toBe(B.expected.thumbprint);
      expect(await stageThumbprint('current')).toBe(A.expected.thumbprint);
      expect(await stageThumbprint('pending')).toBe(B.expected.thumbprint);

      // A day and an hour on, for this and every later operation of the stack.
      stack.shiftClock((DAY_MS + HOUR_MS) / 1000);
      await stack.refresh();
      const [resource] = (await stack.stateResources()).filter((r) => r.type.endsWith(':OAuthTokenIssuerCertificate'));
      expect(resource?.outputs).toMatchObject({ thumbprint: B.expected.thumbprint, previousThumbprint: A.expected.thumbprint, pendingThumbprint: null });
      expect(String(resource?.outputs?.plan)).not.toContain('drift');
      // The store's labels caught up on that first refresh after the date, as Secrets Manager's would.
      expect(await stageThumbprint('current')).toBe(B.expected.thumbprint);
      expect(await stageThumbprint('previous')).toBe(A.expected.thumbprint);

      const after = await stack.up();
      expect(after.outputs.thumbprint?.value).toBe(B.expected.thumbprint);
      expect(after.outputs.previous?.value).toBe(A.expected.thumbprint);
      expect(after.outputs.pending?.value).toBeNull();
    });

    // README: "`pulumi destroy` schedules the secret for deletion with a 30-day recovery window".
    it('destroys with a 30-day recovery window', async () => {
      // On the real clock: a destroy under the test clock fails today with INTERNAL_ERROR (a
      // TypeError where the provider opens the local store). The recovery window is dated by the
      // store's own clock either way.
      stack.resetClock();
      const before = Date.now();
      const destroyed = await stack.destroy();
      const after = Date.now();
      expect(nonZeroChanges(destroyed.summary.resourceChanges)).toEqual({ delete: 2 });
      const deletion = Date.parse((await store().describe(SECRET_NAME))?.deletionDate ?? '');
      // The store dates the deletion by its own clock, which the test clock does not move.
      expect(deletion).toBeGreaterThanOrEqual(before + 30 * DAY_MS - HOUR_MS);
      expect(deletion).toBeLessThanOrEqual(after + 30 * DAY_MS + HOUR_MS);
    });
  });

  // README: "`warnBeforeExpiryDays` | 30 | warn in preview and up when expiry is this close".
  it('shows an expiry warning in the engine output of preview and up', async () => {
    const password = 'expiring-soon-password';
    const pfx = makeDemoPfx({ sipDomain: 'contoso.com', password, notBefore: new Date(Date.now() - DAY_MS), validDays: 11 });
    const storeDir = join(mkdtempSync(join(tmpdir(), 'sfb-claims-store-')), 'store');
    const stack = await ThrowawayStack.create({ program: certificateProgram({ pfx: pfx.toString('base64'), password }, storeDir) });
    try {
      const warning = /CERT_EXPIRES_SOON: The `pfx` input's certificate \([0-9A-F]{40}\) expires at \S+, within 30 days of now/;
      // What the CLI printed (stdout and stderr, as a terminal shows them) during each operation.
      const printedDuring = async (operation: () => Promise<unknown>) => {
        const from = stack.chunks.length;
        await operation();
        return stack.chunks.slice(from).join('');
      };
      expect(await printedDuring(() => stack.preview())).toMatch(warning);
      const events = stack.events.length;
      expect(await printedDuring(() => stack.up())).toMatch(warning);
      // The engine carries it as a diagnostic of the resource (the dynamic provider host turns
      // the provider's stderr into `info#err` diagnostics; `pulumi.log.warn` does not reach it).
      const diagnostics = stack.events.slice(events).flatMap((e) => (e.diagnosticEvent ? [e.diagnosticEvent] : []));
      expect(diagnostics.filter((d) => warning.test(d.message)).map((d) => d.severity)).toEqual(['info#err']);
    } finally {
      await stack.cleanup();
    }
  });
});
