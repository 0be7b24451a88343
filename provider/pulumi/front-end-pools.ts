/**
 * `FrontEndPools`: named factories for the resource's `pool` argument (issue #10). Without a
 * pool the resource keeps the certificate in the store only.
 */
import { programError } from './program-error';
import { checkPoolSpec, POOL_KIND } from '../domain/pool-spec';

/** Options of {@link FrontEndPools.powershell}. */
export interface PowerShellPoolOptions {
  /** FQDN of every Front End Server of the deployment, e.g. `["fe01.contoso.com", "fe02.contoso.com"]`. */
  readonly servers: readonly string[];
  /**
   * The shell and its arguments; the script goes to its stdin. It must load the Skype for
   * Business Server Management Shell (its cmdlets) and reach the servers with `Invoke-Command`.
   * @default ["pwsh", "-NoProfile", "-NonInteractive", "-Command", "-"]
   */
  readonly command?: readonly string[];
  /**
   * @deprecated Ignored, with a warning (issue #15): the effective date reaches the servers as an
   * instant, not as text in their Region and Language format. Kept so that programs compile.
   */
  readonly dateCulture?: string;
  /**
   * The servers' time zone, an IANA name (`Europe/Berlin`): what preview assumes before the first
   * look at the servers. After one, the zone they report is used, and a different declared one
   * is reported as a warning. @default "UTC"
   */
  readonly serverTimeZone?: string;
  /** How long `pulumi up` waits for replication and every server. @default 900 */
  readonly replicationTimeoutSeconds?: number;
  /** Pause between two looks at the servers while waiting. @default 10 */
  readonly pollIntervalSeconds?: number;
  /** Limit of one shell call. @default 120 */
  readonly callTimeoutSeconds?: number;
  /** How many shell calls inspect servers at once. @default 8 */
  readonly parallelism?: number;
  /**
   * A roll pending on the deployment that no declaration asked for (scheduled by hand) stops
   * `pulumi up` with FOREIGN_ROLL_PENDING. `true` lets `up` set the declared state over it
   * instead: this rests on an assumption (that setting a certificate cancels a pending roll; the
   * cmdlet documentation does not say) until a capture from a real server confirms it.
   * @default false
   */
  readonly replaceForeignRoll?: boolean;
}

/** The `pool` argument as the resource passes it on (plain, non-secret values). */
export interface FrontEndPoolArgs extends PowerShellPoolOptions {
  readonly kind: typeof POOL_KIND;
}

/** Factories for the resource's `pool` argument. */
export const FrontEndPools = {
  /**
   * The Front End Servers, reached through the Skype for Business Server Management Shell
   * (PowerShell): `Import-CsCertificate`/`Set-CsCertificate -Identity Global` once, replication,
   * then every server checked with `Invoke-Command -ComputerName`.
   */
  powershell(options: PowerShellPoolOptions): FrontEndPoolArgs {
    const args: FrontEndPoolArgs = { kind: POOL_KIND, ...options };
    const { problems } = checkPoolSpec(args);
    if (problems.length > 0) throw programError('INVALID_ARGUMENT', `FrontEndPools.powershell: ${problems.join(' ')}`);
    return args;
  },
};
