import { checkIssuerInputs, describeIssuer, parseDuration } from '../../provider/domain/issuer-spec';

const HOUR = 3600 * 1000;
const SELF_SIGNED = { issuer: { kind: 'selfSigned' } };
const ACME = {
  issuer: {
    kind: 'acme',
    directoryUrl: 'https://acme.contoso.com/directory',
    email: 'pki@contoso.com',
    challenge: { type: 'dns-01', via: 'route53', hostedZoneId: '/hostedzone/Z0123456789ABC' },
  },
};

describe('parseDuration', () => {
  it.each([
    ['720h', 720 * HOUR],
    ['24h', 24 * HOUR],
    ['1h30m', 90 * 60 * 1000],
    ['90s', 90 * 1000],
    ['2h0m5s', (2 * 3600 + 5) * 1000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['a number', 720, 'must be a duration as a string; got number 720; write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m"'],
    ['days', '30d', '"30d" is not a duration; write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m" (days are not accepted: a day next to a clock change is not 24 hours)'],
    ['ISO 8601', 'P30D', '"P30D" is not a duration; write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m" (days are not accepted: a day next to a clock change is not 24 hours)'],
    ['the empty string', '', '"" is not a duration; write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m" (days are not accepted: a day next to a clock change is not 24 hours)'],
    ['units out of order', '30m1h', '"30m1h" is not a duration; write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m" (days are not accepted: a day next to a clock change is not 24 hours)'],
    ['a fraction', '1.5h', '"1.5h" is not a duration; write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m" (days are not accepted: a day next to a clock change is not 24 hours)'],
    ['a sign', '-24h', '"-24h" is not a duration; write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m" (days are not accepted: a day next to a clock change is not 24 hours)'],
  ])('refuses %s', (_name, value, reason) => {
    expect(parseDuration(value)).toEqual({ ok: false, reason });
  });
});

describe('checkIssuerInputs', () => {
  it('applies the defaults to a self-signed issuer', () => {
    expect(checkIssuerInputs({ certificate: SELF_SIGNED })).toEqual({
      issuer: { kind: 'selfSigned', validDays: 365 },
      renewal: { rollLeadTimeMs: 24 * HOUR, allowImmediateRenewal: false },
      issues: [],
    });
  });

  it('reads an ACME issuer with Route 53 and the renewal settings', () => {
    expect(checkIssuerInputs({ certificate: ACME, renewBefore: '720h', rollLeadTime: '48h', allowImmediateRenewal: true })).toEqual({
      issuer: { kind: 'acme', directoryUrl: 'https://acme.contoso.com/directory', email: 'pki@contoso.com', challenge: { type: 'dns-01', via: 'route53', hostedZoneId: 'Z0123456789ABC' }, timeoutSeconds: 300 },
      renewal: { renewBeforeMs: 720 * HOUR, rollLeadTimeMs: 48 * HOUR, allowImmediateRenewal: true },
      issues: [],
    });
  });

  it('reads a command issuer', () => {
    expect(checkIssuerInputs({ certificate: { issuer: { kind: 'command', command: ['/usr/local/bin/ca-sign', '--profile', 'skype'], timeoutSeconds: 30 } } }).issuer).toEqual({
      kind: 'command',
      command: ['/usr/local/bin/ca-sign', '--profile', 'skype'],
      timeoutSeconds: 30,
    });
  });

  it('accepts http on loopback only (a local test CA such as Pebble)', () => {
    const on = (directoryUrl: string) => checkIssuerInputs({ certificate: { issuer: { ...ACME.issuer, directoryUrl } } }).issues;
    expect(on('http://127.0.0.1:14000/dir')).toEqual([]);
    expect(on('http://acme.contoso.com/directory')).toEqual([
      { argument: 'certificate', message: 'The ACME issuer\'s `directoryUrl` must be the CA\'s directory as an https URL, e.g. "https://acme-v02.api.letsencrypt.org/directory"; got "http://acme.contoso.com/directory".' },
    ]);
  });

  it('never echoes a directory URL that carries a password', () => {
    const { issues } = checkIssuerInputs({ certificate: { issuer: { ...ACME.issuer, directoryUrl: 'https://user:hunter2@acme.contoso.com/directory' } } });
    expect(issues).toEqual([{ argument: 'certificate', message: "The ACME issuer's `directoryUrl` carries a user name or password; ACME authenticates with the account key, so remove them from the URL." }]);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it.each([
    ['a PFX beside the issuer', { pfx: 'MIIK' }, [{ argument: 'pfx', message: 'The `pfx` argument does not go with a certificate from an issuer: the provider makes the key and the issuer the certificate; remove `pfx`.' }]],
    ['an effectiveDate beside the issuer', { effectiveDate: '2027-01-01T00:00:00Z' }, [{ argument: 'effectiveDate', message: 'The `effectiveDate` argument does not go with a certificate from an issuer: renewal schedules each roll itself (rollLeadTime); remove `effectiveDate`.' }]],
    ['renewBefore in days', { renewBefore: '30d' }, [{ argument: 'renewBefore', message: 'The `renewBefore` argument "30d" is not a duration; write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m" (days are not accepted: a day next to a clock change is not 24 hours).' }]],
    ['rollLeadTime out of bounds', { rollLeadTime: '30m' }, [{ argument: 'rollLeadTime', message: 'The `rollLeadTime` argument is 30m, outside 1h..720h; choose a duration in that range.' }]],
    [
      'renewBefore too short for the lead time and the 24-hour rule',
      { renewBefore: '36h' },
      [{ argument: 'renewBefore', message: 'The `renewBefore` argument is 36h, shorter than the rollLeadTime (24h) plus the 24 hours Skype needs between a roll and the current certificate\'s NotAfter, so every renewal would start late; make renewBefore at least 48h, or leave it out for a third of the lifetime.' }],
    ],
    ['allowImmediateRenewal as a string', { allowImmediateRenewal: 'true' }, [{ argument: 'allowImmediateRenewal', message: 'The `allowImmediateRenewal` argument must be true or false; got "true".' }]],
  ])('refuses %s', (_name, extra, issues) => {
    expect(checkIssuerInputs({ certificate: SELF_SIGNED, ...extra })).toEqual({ issues });
  });

  it.each([
    ['an unknown kind', { kind: 'vault' }, 'The `certificate` argument\'s issuer kind "vault" is not one this version knows; build it with Issuers.acme({...}), Issuers.command({...}) or Issuers.selfSigned({...}).'],
    ['a command that is a string', { kind: 'command', command: 'ca-sign --profile skype' }, 'The issuer\'s `command` must be the program and its arguments as a non-empty list of strings, e.g. ["/usr/local/bin/issue-from-ca", "--profile", "skype"]; got "ca-sign --profile skype".'],
    ['validDays too short to renew on time', { kind: 'selfSigned', validDays: 2 }, 'The issuer\'s `validDays` must be a whole number from 7 to 3650; got number 2; leave it out for 365.'],
    ['a Route 53 zone by name', { ...ACME.issuer, challenge: { type: 'dns-01', via: 'route53', hostedZoneId: 'contoso.com' } }, 'The Route 53 challenge\'s `hostedZoneId` must be the hosted zone\'s id, e.g. "Z0123456789ABCDEFGHIJ" (the zone is named by id because a public and a private zone often share a name); got "contoso.com".'],
    ['an e-mail that is not one', { ...ACME.issuer, email: 'pki at contoso' }, 'The ACME issuer\'s `email` must be one e-mail address, e.g. "pki@contoso.com" (the CA writes to it about expiry and revocation); got "pki at contoso".'],
  ])('refuses an issuer with %s', (_name, issuer, message) => {
    expect(checkIssuerInputs({ certificate: { issuer } })).toEqual({ issues: [{ argument: 'certificate', message }] });
  });

  it('refuses the renewal arguments on a certificate from a PFX, naming each', () => {
    expect(checkIssuerInputs({ pfx: 'MIIK', renewBefore: '720h', allowImmediateRenewal: false }).issues.map((i) => i.argument)).toEqual(['renewBefore', 'allowImmediateRenewal']);
    expect(checkIssuerInputs({ pfx: 'MIIK' })).toEqual({ issues: [] });
  });

  it('passes over values not known yet', () => {
    const unknown = Symbol('unknown');
    expect(checkIssuerInputs({ certificate: SELF_SIGNED, renewBefore: unknown }, (v) => v !== unknown)).toEqual({
      issuer: { kind: 'selfSigned', validDays: 365 },
      renewal: { rollLeadTimeMs: 24 * HOUR, allowImmediateRenewal: false },
      issues: [],
    });
  });
});

describe('describeIssuer', () => {
  it.each([
    [{ kind: 'selfSigned', validDays: 90 } as const, 'self-signed (90 days)'],
    [{ kind: 'command', command: ['/usr/local/bin/ca-sign', '--secret-flag'], timeoutSeconds: 60 } as const, 'command /usr/local/bin/ca-sign'],
    [{ kind: 'acme', directoryUrl: 'https://acme.contoso.com/directory', challenge: { type: 'dns-01', via: 'route53', hostedZoneId: 'Z1' }, timeoutSeconds: 300 } as const, 'ACME https://acme.contoso.com/directory (dns-01 via Route 53 zone Z1)'],
    [{ kind: 'acme', directoryUrl: 'https://acme.contoso.com/directory?eab=abc123', challenge: { type: 'dns-01', via: 'hook', present: ['add'], cleanUp: ['rm'] }, timeoutSeconds: 300 } as const, 'ACME https://acme.contoso.com/directory (dns-01 via hook add)'],
  ])('%j', (spec, text) => {
    expect(describeIssuer(spec)).toBe(text);
  });
});
