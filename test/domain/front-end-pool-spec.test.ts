import { checkPoolSpec, DEFAULT_POOL_COMMAND } from '../../provider/domain/front-end-pool-spec';
import { checkDeclaredInputs } from '../../provider/domain/resource-inputs';

const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com'];

describe('the pool argument', () => {
  it('defaults: Windows PowerShell 5.1 with -File, no remoting options, local assignments kept, UTC, bounded waits; server names canonical', () => {
    expect(checkPoolSpec({ kind: 'powershell', servers: ['FE01.Contoso.com.', 'fe02.contoso.com'] })).toEqual({
      spec: {
        kind: 'powershell',
        servers: SERVERS,
        edition: 'desktop',
        command: ['powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'],
        remoting: {},
        removeLocalAssignments: false,
        serverTimeZone: 'UTC',
        replicationTimeoutSeconds: 900,
        pollIntervalSeconds: 10,
        callTimeoutSeconds: 120,
        parallelism: 8,
      },
      problems: [],
    });
  });

  it('replaceForeignRoll: kept only when true, so a spec without it compares equal to state written before it existed; anything but a boolean refused', () => {
    expect(checkPoolSpec({ kind: 'powershell', servers: SERVERS, replaceForeignRoll: true }).spec?.replaceForeignRoll).toBe(true);
    expect(checkPoolSpec({ kind: 'powershell', servers: SERVERS, replaceForeignRoll: false }).spec).not.toHaveProperty('replaceForeignRoll');
    expect(checkPoolSpec({ kind: 'powershell', servers: SERVERS, replaceForeignRoll: 'yes' })).toEqual({
      problems: ['The pool\'s `replaceForeignRoll` must be true or false; got "yes"; or leave it out for false (a roll nobody declared stops `pulumi up` with FOREIGN_ROLL_PENDING).'],
    });
  });

  it('edition core defaults to pwsh; remoting options kept, the credential\'s password never in the spec', () => {
    const { spec } = checkPoolSpec({ kind: 'powershell', servers: SERVERS, edition: 'core', authentication: 'CredSSP', credential: { userName: 'CONTOSO\\svc', password: 'never-in-the-spec' }, useSsl: true, port: 5986, configurationName: 'Microsoft.PowerShell', removeLocalAssignments: true });
    expect(spec).toMatchObject({ edition: 'core', command: ['pwsh', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'], remoting: { authentication: 'CredSSP', credential: { userName: 'CONTOSO\\svc' }, useSsl: true, port: 5986, configurationName: 'Microsoft.PowerShell' }, removeLocalAssignments: true });
    expect(JSON.stringify(spec)).not.toContain('never-in-the-spec');
    expect(DEFAULT_POOL_COMMAND).toEqual(['powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass']);
  });

  it('a server name with non-ASCII letters is a server name (Windows DNS takes Unicode host names); a short name is not', () => {
    expect(checkPoolSpec({ kind: 'powershell', servers: ['FE01.Zürich.contoso.com', 'fe02.東京.contoso.com'] }).spec?.servers).toEqual(['fe01.zürich.contoso.com', 'fe02.東京.contoso.com']);
    expect(checkPoolSpec({ kind: 'powershell', servers: ['zürich'] }).problems).toHaveLength(1);
  });

  it('no pool: the store only', () => {
    expect(checkPoolSpec(undefined)).toEqual({ problems: [] });
  });

  it.each([
    ['not a pool', 'fe01.contoso.com', 'The `pool` argument is not a pool this version knows (got "fe01.contoso.com"); build it with FrontEndPools.powershell({ servers: ["fe01.contoso.com", ...] }), or leave it out to keep the certificate in the store only.'],
    ['no servers', { servers: [] }, 'The pool\'s `servers` must list the FQDN of every Front End Server, e.g. ["fe01.contoso.com", "fe02.contoso.com"]; got an empty list.'],
    ['a short name', { servers: ['fe01'] }, 'The pool\'s `servers` entry "fe01" is not a server FQDN; write it like "fe01.contoso.com", as `Invoke-Command -ComputerName` reaches it.'],
    ['a server twice', { servers: ['fe01.contoso.com', 'FE01.contoso.com'] }, 'The pool\'s `servers` lists "fe01.contoso.com" twice; list each Front End Server once.'],
    ['an empty command', { servers: SERVERS, command: [] }, 'The pool\'s `command` must be the shell and its options as a non-empty list of non-empty strings, e.g. ["powershell.exe","-NoProfile","-NonInteractive","-ExecutionPolicy","Bypass"] (the provider appends -File and the script\'s path); got an array; or leave it out for that default.'],
    ['a command that reads stdin', { servers: SERVERS, command: ['pwsh', '-NoProfile', '-Command', '-'] }, 'The pool\'s `command` gives "-Command"; scripts now run with -File (the provider appends -File and the script\'s path, so a failing line stops the script), so remove "-Command" and what follows it, e.g. ["powershell.exe","-NoProfile","-NonInteractive","-ExecutionPolicy","Bypass"].'],
    ['a command with its own -File', { servers: SERVERS, edition: 'core', command: ['pwsh', '-f', 'x.ps1'] }, 'The pool\'s `command` gives "-f"; scripts now run with -File (the provider appends -File and the script\'s path, so a failing line stops the script), so remove "-f" and what follows it, e.g. ["pwsh","-NoProfile","-NonInteractive","-ExecutionPolicy","Bypass"].'],
    ['an edition not known', { servers: SERVERS, edition: 'pwsh' }, 'The pool\'s `edition` must be "desktop" (Windows PowerShell 5.1, where the SkypeForBusiness module runs) or "core" (PowerShell 7); got "pwsh"; or leave it out for "desktop".'],
    ['an authentication not known', { servers: SERVERS, authentication: 'Basic' }, 'The pool\'s `authentication` must be one of "Default", "Kerberos", "Negotiate", "CredSSP" (Invoke-Command -Authentication); got "Basic"; or leave it out for PowerShell\'s default.'],
    ['a credential without a user name', { servers: SERVERS, credential: { password: 'x' } }, 'The pool\'s `credential` must be { userName: "CONTOSO\\svc-sfb", password: <a secret> }; its userName was undefined (a config value that is not set?); or leave it out to connect as the user the provider runs as.'],
    ['a port out of range', { servers: SERVERS, port: 70000 }, 'The pool\'s `port` must be a whole number from 1 to 65535 (Invoke-Command -Port; WinRM listens on 5985, or 5986 with SSL); got number 70000.'],
    ['a configuration name with a quote', { servers: SERVERS, configurationName: "x'; rm" }, 'The pool\'s `configurationName` must be a session configuration name of letters, digits, ".", "_" or "-", e.g. "Microsoft.PowerShell"; got "x\'; rm".'],
    ['useSsl as text', { servers: SERVERS, useSsl: 'yes' }, 'The pool\'s `useSsl` must be true or false (Invoke-Command -UseSSL); got "yes".'],
    ['removeLocalAssignments as text', { servers: SERVERS, removeLocalAssignments: 'true' }, 'The pool\'s `removeLocalAssignments` must be true or false; got "true"; or leave it out for false (a local assignment is reported, not removed).'],
    ['a time zone not known', { servers: SERVERS, serverTimeZone: 'CET+1' }, 'The pool\'s `serverTimeZone` "CET+1" is not an IANA time zone name; write the servers\' zone like "Europe/Berlin" or "America/New_York", or leave it out for "UTC".'],
    ['a time zone Windows does not have', { servers: SERVERS, serverTimeZone: 'Antarctica/Troll' }, 'The pool\'s `serverTimeZone` "Antarctica/Troll" has no Windows time zone in CLDR\'s table, so no Front End Server can be in it; write the IANA name of the servers\' Windows zone, like "Europe/Berlin" for "W. Europe Standard Time", or leave it out for "UTC".'],
    ['a timeout as text', { servers: SERVERS, replicationTimeoutSeconds: '600' }, 'The pool\'s `replicationTimeoutSeconds` must be a whole number from 1 to 86400; got "600"; or leave it out for 900.'],
    ['parallelism out of range', { servers: SERVERS, parallelism: 0 }, 'The pool\'s `parallelism` must be a whole number from 1 to 64; got number 0; or leave it out for 8.'],
  ])('%s', (_name, value, message) => {
    const pool = typeof value === 'object' ? { kind: 'powershell', ...value } : value;
    expect(checkPoolSpec(pool)).toEqual({ problems: [message] });
  });

  describe('as an attacker or a careless operator', () => {
    const pool = (extra: Record<string, unknown>) => ({ kind: 'powershell', servers: SERVERS, ...extra });

    it('a misspelt option is refused, naming it and the options known (it used to be ignored, so `removeLocalAssignment: true` did nothing)', () => {
      expect(checkPoolSpec(pool({ removeLocalAssignment: true }))).toEqual({
        problems: ['The pool has an option this version does not know ("removeLocalAssignment"); the options are servers, edition, command, authentication, credential, useSsl, port, configurationName, removeLocalAssignments, serverTimeZone, replicationTimeoutSeconds, pollIntervalSeconds, callTimeoutSeconds, parallelism, replaceForeignRoll, mode: correct the spelling or remove it.'],
      });
      const many = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`x${i}`, 1]));
      expect(checkPoolSpec(pool(many)).problems).toEqual([expect.stringMatching(/^The pool has options this version does not know \("x0", "x1", "x2", "x3", "x4" and 2 more\); .* remove them\.$/)]);
    });

    it('a `__proto__` key from a JSON document is an unknown option, never a prototype that lends the pool its servers', () => {
      const parsed = JSON.parse('{"kind": "powershell", "__proto__": {"servers": ["evil.contoso.com"], "removeLocalAssignments": true}}') as unknown;
      expect(checkPoolSpec(parsed).problems).toEqual([
        'The pool\'s `servers` must list the FQDN of every Front End Server, e.g. ["fe01.contoso.com", "fe02.contoso.com"]; got undefined (a config value that is not set?).',
        expect.stringMatching(/^The pool has an option this version does not know \("__proto__"\); /),
      ]);
    });

    it.each([
      ['a fraction', 1.5],
      ['a number beyond the safe integers', 2 ** 53 + 2],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['negative zero', -0],
      ['a number as text', '5986'],
    ])('the port as %s is refused', (_name, port) => {
      expect(checkPoolSpec(pool({ port })).problems).toEqual([`The pool's \`port\` must be a whole number from 1 to 65535 (Invoke-Command -Port; WinRM listens on 5985, or 5986 with SSL); got ${typeof port === 'string' ? `"${port}"` : `number ${String(port)}`}.`]);
    });

    it('a huge timeout is refused with its limits', () => {
      expect(checkPoolSpec(pool({ callTimeoutSeconds: 1e300 })).problems).toEqual(['The pool\'s `callTimeoutSeconds` must be a whole number from 1 to 3600; got number 1e+300; or leave it out for 120.']);
    });

    it('every bad server entry and every duplicate is reported, in list order', () => {
      expect(checkPoolSpec({ kind: 'powershell', servers: ['fe01.contoso.com', 42, 'FE01.contoso.com.', ['fe02.contoso.com']] }).problems).toEqual([
        'The pool\'s `servers` entry number 42 is not a server FQDN; write it like "fe01.contoso.com", as `Invoke-Command -ComputerName` reaches it.',
        'The pool\'s `servers` lists "fe01.contoso.com" twice; list each Front End Server once.',
        'The pool\'s `servers` entry an array is not a server FQDN; write it like "fe01.contoso.com", as `Invoke-Command -ComputerName` reaches it.',
      ]);
    });

    it('more servers than one resource converges is refused with the count', () => {
      const servers = Array.from({ length: 257 }, (_, i) => `fe${i}.contoso.com`);
      expect(checkPoolSpec({ kind: 'powershell', servers }).problems).toEqual(['The pool\'s `servers` lists 257 servers, more than the 256 one resource converges; split the deployment into several resources.']);
    });

    it('a command part with a NUL, or not a string, is refused; `servers` as text shows the text', () => {
      const commandProblem = (got: string) => `The pool's \`command\` must be the shell and its options as a non-empty list of non-empty strings, e.g. ["powershell.exe","-NoProfile","-NonInteractive","-ExecutionPolicy","Bypass"] (the provider appends -File and the script's path); got ${got}; or leave it out for that default.`;
      expect(checkPoolSpec(pool({ command: ['pwsh\u0000', '-NoProfile'] })).problems).toEqual([commandProblem('an array')]);
      expect(checkPoolSpec(pool({ command: 'pwsh -NoProfile' })).problems).toEqual([commandProblem('"pwsh -NoProfile"')]);
      expect(checkPoolSpec({ kind: 'powershell', servers: 'fe01.contoso.com' }).problems).toEqual(['The pool\'s `servers` must list the FQDN of every Front End Server, e.g. ["fe01.contoso.com", "fe02.contoso.com"]; got "fe01.contoso.com".']);
    });

    it('a credential that is text or a list is refused; its password is never in a message', () => {
      const problem = 'The pool\'s `credential` must be { userName: "CONTOSO\\svc-sfb", password: <a secret> }; its userName was undefined (a config value that is not set?); or leave it out to connect as the user the provider runs as.';
      expect(checkPoolSpec(pool({ credential: 'CONTOSO\\svc:hunter2' })).problems).toEqual([problem]);
      expect(checkPoolSpec(pool({ credential: ['CONTOSO\\svc', 'hunter2'] })).problems).toEqual([problem]);
      expect(checkPoolSpec(pool({ credential: { userName: 'CONTOSO\\svc\n', password: 'hunter2' } })).problems).toEqual(['The pool\'s `credential` must be { userName: "CONTOSO\\svc-sfb", password: <a secret> }; its userName was "CONTOSO\\\\svc\\n"; or leave it out to connect as the user the provider runs as.']);
    });

    it('every problem at once, in the order of the options, the mode contradiction last', () => {
      expect(checkPoolSpec({ kind: 'powershell', servers: [], edition: 'x', port: 0, mode: 'manual', removeLocalAssignments: true }).problems).toEqual([
        'The pool\'s `servers` must list the FQDN of every Front End Server, e.g. ["fe01.contoso.com", "fe02.contoso.com"]; got an empty list.',
        'The pool\'s `edition` must be "desktop" (Windows PowerShell 5.1, where the SkypeForBusiness module runs) or "core" (PowerShell 7); got "x"; or leave it out for "desktop".',
        'The pool\'s `port` must be a whole number from 1 to 65535 (Invoke-Command -Port; WinRM listens on 5985, or 5986 with SSL); got number 0.',
        'The pool\'s `removeLocalAssignments: true` contradicts `mode: "manual"`: in manual mode each server\'s local assignment is the desired state, so `up` makes them rather than removes them; leave `removeLocalAssignments` out.',
      ]);
    });

    it('null options read as left out (a JSON pool file writes an unset option as null)', () => {
      const nulls = Object.fromEntries(['edition', 'command', 'authentication', 'credential', 'useSsl', 'port', 'configurationName', 'removeLocalAssignments', 'dateCulture', 'serverTimeZone', 'replicationTimeoutSeconds', 'pollIntervalSeconds', 'callTimeoutSeconds', 'parallelism', 'replaceForeignRoll', 'mode'].map((key) => [key, null]));
      expect(checkPoolSpec(pool(nulls))).toEqual(checkPoolSpec(pool({})));
    });
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
