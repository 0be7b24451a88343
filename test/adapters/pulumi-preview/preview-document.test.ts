/**
 * The preview reader: what is and is not `pulumi preview --json` (what it reads from one is
 * reviewed in test/domain/review.test.ts, through the reader).
 */
import { readPreviewDocument } from '../../../provider/adapters/pulumi-preview/preview-document';
import { B, checkFailure, newState, oldState, previewDocument, providerWarning, step } from '../../builders/preview-json';

describe('readPreviewDocument: input that is not `pulumi preview --json`', () => {
  it.each<[string, unknown, string]>([
    ['an array', [], 'it is a JSON array, not the object `pulumi preview --json` prints'],
    ['null', null, 'it is null, not the object `pulumi preview --json` prints'],
    ['a string', 'Previewing update', 'it is a JSON string, not the object `pulumi preview --json` prints'],
    ['an empty object', {}, 'it has none of "steps", "changeSummary" and "diagnostics" (it is an empty object)'],
    ['`pulumi stack export`', { version: 3, deployment: {} }, 'it has none of "steps", "changeSummary" and "diagnostics" (its keys are "version", "deployment")'],
    ['steps not an array', { steps: {} }, '"steps" is not an array'],
    ['diagnostics not an array', { steps: [], diagnostics: 'x' }, '"diagnostics" is not an array'],
    ['a step without a urn', { steps: [{ op: 'create' }] }, 'steps[0] is not a step with a string "op" and "urn"'],
    ['the second step of a number op', { steps: [{ op: 'same', urn: 'urn:pulumi:s::p::t::n' }, { op: 1, urn: 'u' }] }, 'steps[1] is not a step with a string "op" and "urn"'],
    ['a bad step before a bad diagnostic: the first is named', { steps: [7], diagnostics: [7] }, 'steps[0] is not a step with a string "op" and "urn"'],
    ['a diagnostic without a message', { steps: [], diagnostics: [{ severity: 'error' }] }, 'diagnostics[0] has no string "message"'],
  ])('%s', (_name, document, reason) => {
    expect(readPreviewDocument(document)).toEqual({ ok: false, reason });
  });
});

it('null lists are read as empty lists', () => {
  expect(readPreviewDocument({ steps: null, diagnostics: null })).toEqual({ ok: true, facts: { steps: [], diagnostics: [] } });
});

describe('readPreviewDocument: the facts hold no secret', () => {
  it('reads no secret input, and blanks a plaintext secret (`--show-secrets`) out of every message', () => {
    const secrets = { password: 'Plaintext-Password-42', pfx: 'MIIKcQIBAzCCCjcGCSqGSIb3DQEHAaCCCigEggok', storePassphrase: 'store-passphrase-plain' };
    const read = readPreviewDocument(previewDocument(
      [step({ op: 'update', old: oldState(secrets), new: newState({ ...secrets, thumbprint: B.thumbprint }) })],
      [
        providerWarning(`warning PFX_NO_MAC: opened with ${secrets.password}`),
        checkFailure('certificate', secrets.pfx, `PFX_BAD_PASSWORD: not ${secrets.storePassphrase}`),
      ],
    ));
    expect(read.ok).toBe(true);
    const facts = JSON.stringify(read);
    for (const secret of Object.values(secrets)) expect(facts).not.toContain(secret);
    expect(facts).toContain('opened with [secret]');
    expect(facts).toContain('not [secret]');
  });
});
