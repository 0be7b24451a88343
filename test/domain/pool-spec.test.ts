import { checkPoolSpec, DEFAULT_POOL_COMMAND } from '../../provider/domain/pool-spec';
import { checkDeclaredInputs } from '../../provider/domain/resource-inputs';

const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com'];

describe('the pool argument', () => {
  it('defaults: pwsh on stdin, UTC, bounded waits; server names canonical', () => {
    expect(checkPoolSpec({ kind: 'powershell', servers: ['FE01.Contoso.com.', 'fe02.contoso.com'] })).toEqual({
      spec: {
        kind: 'powershell',
        servers: SERVERS,
        command: DEFAULT_POOL_COMMAND,
        serverTimeZone: 'UTC',
        replicationTimeoutSeconds: 900,
        pollIntervalSeconds: 10,
        callTimeoutSeconds: 120,
        parallelism: 8,
      },
      problems: [],
    });
  });

  it('replaceForeignRoll (issue #19 item 9): kept only when true, so a spec without it compares equal to state written before it existed; anything but a boolean refused', () => {
    expect(checkPoolSpec({ kind: 'powershell', servers: SERVERS, replaceForeignRoll: true }).spec?.replaceForeignRoll).toBe(true);
    expect(checkPoolSpec({ kind: 'powershell', servers: SERVERS, replaceForeignRoll: false }).spec).not.toHaveProperty('replaceForeignRoll');
    expect(checkPoolSpec({ kind: 'powershell', servers: SERVERS, replaceForeignRoll: 'yes' })).toEqual({
      problems: ['The pool\'s `replaceForeignRoll` must be true or false; got "yes"; or leave it out for false (a roll nobody declared stops `pulumi up` with FOREIGN_ROLL_PENDING).'],
    });
  });

  it('no pool: the store only', () => {
    expect(checkPoolSpec(undefined)).toEqual({ problems: [] });
  });

  it.each([
    ['not a pool', 'fe01.contoso.com', 'The `pool` argument is not a pool this version knows (got "fe01.contoso.com"); build it with FrontEndPools.powershell({ servers: ["fe01.contoso.com", ...] }), or leave it out to keep the certificate in the store only.'],
    ['no servers', { servers: [] }, 'The pool\'s `servers` must list the FQDN of every Front End Server, e.g. ["fe01.contoso.com", "fe02.contoso.com"]; got an empty list.'],
    ['a short name', { servers: ['fe01'] }, 'The pool\'s `servers` entry "fe01" is not a server FQDN; write it like "fe01.contoso.com", as `Invoke-Command -ComputerName` reaches it.'],
    ['a server twice', { servers: ['fe01.contoso.com', 'FE01.contoso.com'] }, 'The pool\'s `servers` lists "fe01.contoso.com" twice; list each Front End Server once.'],
    ['an empty command', { servers: SERVERS, command: [] }, 'The pool\'s `command` must be the shell and its arguments as a non-empty list of non-empty strings, e.g. ["pwsh","-NoProfile","-NonInteractive","-Command","-"] (the script goes to its stdin); got an array; or leave it out for that default.'],
    ['a time zone not known', { servers: SERVERS, serverTimeZone: 'CET+1' }, 'The pool\'s `serverTimeZone` "CET+1" is not an IANA time zone name; write the servers\' zone like "Europe/Berlin" or "America/New_York", or leave it out for "UTC".'],
    ['a time zone Windows does not have', { servers: SERVERS, serverTimeZone: 'Antarctica/Troll' }, 'The pool\'s `serverTimeZone` "Antarctica/Troll" has no Windows time zone in CLDR\'s table, so no Front End Server can be in it; write the IANA name of the servers\' Windows zone, like "Europe/Berlin" for "W. Europe Standard Time", or leave it out for "UTC".'],
    ['a timeout as text', { servers: SERVERS, replicationTimeoutSeconds: '600' }, 'The pool\'s `replicationTimeoutSeconds` must be a whole number from 1 to 86400; got "600"; or leave it out for 900.'],
    ['parallelism out of range', { servers: SERVERS, parallelism: 0 }, 'The pool\'s `parallelism` must be a whole number from 1 to 64; got number 0; or leave it out for 8.'],
  ])('%s', (_name, value, message) => {
    const pool = typeof value === 'object' ? { kind: 'powershell', ...value } : value;
    expect(checkPoolSpec(pool)).toEqual({ problems: [message] });
  });

  it.each(['de-DE', 'fr-FR', 42])('`dateCulture` %p is accepted, ignored and warned about as deprecated (typed programs keep compiling)', (dateCulture) => {
    const outcome = checkPoolSpec({ kind: 'powershell', servers: SERVERS, dateCulture, serverTimeZone: 'Europe/Berlin' });
    expect(outcome.problems).toEqual([]);
    expect(outcome.spec).toEqual(checkPoolSpec({ kind: 'powershell', servers: SERVERS, serverTimeZone: 'Europe/Berlin' }).spec);
    expect(outcome.spec).not.toHaveProperty('dateCulture');
    expect(outcome.warnings).toEqual([
      {
        code: 'POOL_OPTION_DEPRECATED',
        message: `The pool's \`dateCulture\` (${typeof dateCulture === 'string' ? `"${dateCulture}"` : 'number 42'}) is deprecated and ignored: the effective date reaches the servers as an instant, not as text in a culture, so the servers' Region and Language format no longer matters; remove it.`,
      },
    ]);
  });

  it('resource-inputs reports pool problems as INVALID_ARGUMENT issues on `pool`, and passes the spec on', () => {
    const base = { sipDomain: 'contoso.com', pfx: 'AAAA', storePassphrase: 'x', store: { kind: 'local', directory: '.sfb-store' } };
    expect(checkDeclaredInputs({ ...base, pool: { kind: 'powershell', servers: [] } }).issues).toEqual([
      { argument: 'pool', property: 'pool', message: expect.stringContaining("The pool's `servers` must list") },
    ]);
    expect(checkDeclaredInputs({ ...base, pool: { kind: 'powershell', servers: SERVERS } }).inputs?.pool?.servers).toEqual(SERVERS);
    expect(checkDeclaredInputs(base).inputs?.pool).toBeUndefined();
  });
});
