/**
 * The port the Front End convergence implements: the Skype for Business Server
 * deployment, as the Skype for Business Server Management Shell shows it. The PowerShell adapter
 * (provider/adapters/powershell/) is the one implementation; tests run it against the cmdlet
 * emulator (docs/skype-emulator.md).
 *
 * Semantics follow the documented cmdlets (docs/skype-oauth-token-issuer.md):
 * `Get-CsCertificate -Type OAuthTokenIssuer` lists the current certificate (its
 * `PreviousThumbprint` names the previous one) and a scheduled roll not yet effective;
 * `Import-CsCertificate -Identity Global ...` / `Set-CsCertificate -Identity Global ...
 * [-EffectiveDate D -Roll]` run once, and replication deploys the assignment to every Front End.
 */

/** The OAuthTokenIssuer certificates one Front End Server (or the CMS itself) reports. */
export interface FrontEndCertificates {
  /** The server's FQDN, e.g. `fe01.contoso.com`; `global` for the Central Management Store. */
  readonly server: string;
  /** Thumbprint of the current OAuthTokenIssuer certificate; absent: none assigned. */
  readonly current?: string;
  /** NotAfter of the current certificate, ISO 8601. */
  readonly currentNotAfter?: string;
  /** Thumbprint of the previous one, if Skype still keeps it. */
  readonly previous?: string;
  /** A scheduled roll not yet effective. */
  readonly scheduled?: { readonly thumbprint: string; readonly effectiveDate: string };
  /**
   * `local`: what the server reports is its own local-scope assignment (set on it without
   * `-Identity Global`, by hand), which replication never undoes; absent: the global one.
   */
  readonly scope?: 'local';
  /**
   * The server's Windows time zone id as `[TimeZoneInfo]::Local.Id` reports it, e.g.
   * `W. Europe Standard Time` (a scheduled roll needs it); absent where the shell did not report it.
   */
  readonly timeZone?: string;
  /**
   * Present when this server could not be read at this look (remoting failed, the cmdlet failed
   * there): the other fields are then absent, and the other servers are still reported.
   */
  readonly unreachable?: { readonly code: 'SERVER_UNREACHABLE' | 'CMDLET_FAILED'; readonly message: string };
}

/** The PowerShell session that runs the CMS-side cmdlets (Import/Set/Remove-CsCertificate). */
export interface ShellSession {
  /** `[TimeZoneInfo]::Local.Id`, a Windows time zone id, e.g. `W. Europe Standard Time`. */
  readonly timeZone: string;
  /** `[CultureInfo]::CurrentCulture.Name`, e.g. `de-DE`; reported, never used to write a date. */
  readonly culture: string;
  /** `$PSVersionTable.PSVersion`, e.g. `5.1.17763.1`. */
  readonly psVersion: string;
  /** `$PSVersionTable.PSEdition`: `Desktop` (Windows PowerShell 5.1) or `Core` (PowerShell 7). */
  readonly edition: string;
}

/** One replica's replication state (`Get-CsManagementStoreReplicationStatus`). */
export interface ReplicaState {
  readonly server: string;
  readonly upToDate: boolean;
}

/** What the deployment reports at one look. */
export interface PoolSnapshot {
  /** The Central Management Store's global assignment (`Get-CsCertificate -Identity Global`). */
  readonly global: FrontEndCertificates;
  readonly replicas: readonly ReplicaState[];
  /** Every server of the pool, in the pool's order. */
  readonly servers: readonly FrontEndCertificates[];
  /** The session the CMS-side cmdlets run in (its zone must be the servers'); absent from shells that do not report it. */
  readonly session?: ShellSession;
}

/** How the certificate is assigned globally: imported from the PFX, or set by thumbprint. */
export interface AssignRequest {
  readonly thumbprint: string;
  /** Present: import the PFX (with its key) and assign it; absent: set the one Skype knows. */
  readonly pfx?: { readonly pfxBase64: string; readonly password: string | null };
  /**
   * A scheduled roll: the instant, ISO 8601 UTC. The script builds the DateTime from
   * it with no culture involved (`[System.DateTime]::new(<ticks>, 'Utc').ToLocalTime()`).
   */
  readonly effectiveAt?: string;
  /**
   * With `effectiveAt`: the Windows time zone id the session running the cmdlet must be in (the
   * servers' zone, as inspect reported it); the script refuses to run in any other zone.
   */
  readonly sessionTimeZone?: string;
}

/**
 * Manual mode: the certificate imported into one server's local computer store and assigned
 * there (no `-Identity Global`, so nothing replicates it).
 */
export interface LocalInstallRequest {
  readonly thumbprint: string;
  /** Present: copy the PFX to the server and import it; absent: assign the one its store holds. */
  readonly pfx?: { readonly pfxBase64: string; readonly password: string | null };
  /**
   * A scheduled roll of the local assignment, the instant as ISO 8601 UTC: the DateTime is built
   * on the server itself, in its own zone.
   */
  readonly effectiveAt?: string;
}

/** What the provider asks of the pool. */
export interface FrontEndPool {
  /** A short description for messages, e.g. `PowerShell pool of 3 Front End Servers`. */
  readonly description: string;
  readonly servers: readonly string[];
  /** The CMS, the replication status and every server, servers inspected in parallel (bounded). */
  inspect(): Promise<PoolSnapshot>;
  /** Assigns the certificate globally (`-Identity Global`): now, or as a roll. */
  assign(request: AssignRequest): Promise<void>;
  /** Forces a full replication of one replica (`Invoke-CsManagementStoreReplication -ReplicaFqdn`). */
  replicate(server: string): Promise<void>;
  /** Removes the previous certificate globally (`Remove-CsCertificate -Identity Global -Previous`). */
  removePrevious(): Promise<void>;
  /** Removes one server's local-scope assignment, so it uses the global one again. */
  removeLocal(server: string): Promise<void>;
  /** Manual mode: imports (when `pfx` is given) and assigns the certificate on one server, locally. */
  installLocal(server: string, request: LocalInstallRequest): Promise<void>;
  /** Manual mode: removes the previous certificate of one server's local assignment (`Remove-CsCertificate -Previous` there). */
  removeLocalPrevious(server: string): Promise<void>;
  /** Manual mode: removes the PFX copies an interrupted run left on the servers; returns the servers that had one. */
  sweepCopies(): Promise<readonly string[]>;
}
