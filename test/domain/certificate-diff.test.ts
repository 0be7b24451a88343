/** Pulumi `diff` decided in the domain: which properties replace, which update in place. */
import { diffCertificate } from '../../provider/domain/certificate-diff';
import { parseCertificateState, type StoredState } from '../../provider/domain/certificate-state';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = 'A'.repeat(40);
const context = { now: NOW, platform: 'linux', resolveDirectory: (d: string) => (d.startsWith('/') ? d : `/program/${d}`) };

function read(raw: Record<string, unknown>): StoredState {
  const parsed = parseCertificateState({ schemaVersion: 1, ...raw });
  if (!parsed.ok) throw new Error('unreadable');
  return parsed.state;
}

const base = { secretName: 's', store: { kind: 'local', directory: '.sfb-store' }, versionId: 'v', thumbprint: A, sipDomain: 'contoso.com', minKeyBits: 2048, warnBeforeExpiryDays: 30, owner: 'o/p/s', adopt: false, storePassphrase: 'x' };
const aws = (extra: Record<string, unknown> = {}) => ({ kind: 'aws-secrets-manager', region: 'eu-west-1', ...extra });

describe('diffCertificate', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, { replaces: string[]; updates: string[] }]>([
    ['nothing changed', {}, {}, { replaces: [], updates: [] }],
    ['another secret', {}, { secretName: 't' }, { replaces: ['secretName'], updates: [] }],
    ['the store directory written absolute', {}, { store: { kind: 'local', directory: '/program/.sfb-store' } }, { replaces: [], updates: [] }],
    ['another store directory', {}, { store: { kind: 'local', directory: 'other' } }, { replaces: ['store'], updates: [] }],
    ['an AWS region', { store: aws() }, { store: aws({ region: 'us-east-1' }) }, { replaces: ['store'], updates: [] }],
    ['an AWS endpoint', { store: aws() }, { store: aws({ endpoint: 'http://127.0.0.1:5000' }) }, { replaces: [], updates: ['store'] }],
    ['a new PFX (version id)', {}, { versionId: 'w' }, { replaces: [], updates: ['versionId'] }],
    ['an effective date', {}, { effectiveDate: '2026-12-01T00:00:00Z' }, { replaces: [], updates: ['effectiveDate'] }],
    ['state without an owner', { owner: undefined }, {}, { replaces: [], updates: [] }],
    ['another owner', {}, { owner: 'o/p/t' }, { replaces: [], updates: ['owner'] }],
    ['adopt set', {}, { adopt: true }, { replaces: [], updates: ['adopt'] }],
    ['a scheduled roll whose date passed', { effectiveDate: '2026-05-01T00:00:00Z', pendingThumbprint: A }, { effectiveDate: '2026-05-01T00:00:00Z' }, { replaces: [], updates: ['pendingThumbprint'] }],
    ['a scheduled roll still ahead', { effectiveDate: '2026-07-01T00:00:00Z', pendingThumbprint: A }, { effectiveDate: '2026-07-01T00:00:00Z' }, { replaces: [], updates: [] }],
    ['drift recorded by refresh', { plan: 'drift: store holds no current certificate' }, {}, { replaces: [], updates: ['plan'] }],
    ['drift recorded on the test clock', { plan: 'test clock: drift: store holds no current certificate' }, {}, { replaces: [], updates: ['plan'] }],
    ['a plan line alone', { plan: 'current AAAA.. unchanged' }, { plan: 'other' }, { replaces: [], updates: [] }],
  ])('%s', (_row, before, after, expected) => {
    const decided = diffCertificate(read({ ...base, ...before }), read({ ...base, ...after }), context);
    expect(decided).toEqual({ changes: expected.replaces.length + expected.updates.length > 0, ...expected });
  });
});
