/**
 * `FrontEndPools`: named factories for the resource's `pool` argument. Without a
 * pool the resource keeps the certificate in the store only.
 */
import type * as pulumi from '@pulumi/pulumi';
import { programError } from './program-error';
import { checkPoolSpec, POOL_KIND, type PoolEdition, type PoolMode, type RemotingAuthentication } from '../domain/front-end-pool-spec';

/** Options of {@link FrontEndPools.powershell}. */
export interface PowerShellPoolOptions {
  /** FQDN of every Front End Server of the deployment, e.g. `["fe01.contoso.com", "fe02.contoso.com"]`. */
  readonly servers: readonly string[];
  /**
   * Which PowerShell runs the scripts: `desktop` is Windows PowerShell 5.1, where the
   * SkypeForBusiness module runs; `core` is PowerShell 7, which loads the module with
   * `Import-Module -UseWindowsPowerShell`.
   * @default "desktop"
   */
  readonly edition?: PoolEdition;
  /**
   * The shell and its options; the provider appends `-File <script>` (never `-Command`). It must
   * be on a machine with the Skype for Business Server administrative tools (docs/front-end.md).
   * @default ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass"] (edition "core": "pwsh" first)
   */
  readonly command?: readonly string[];
  /** `Invoke-Command -Authentication`; CredSSP when the servers must reach the CMS in turn (the double hop). @default PowerShell's default */
  readonly authentication?: RemotingAuthentication;
  /**
   * `Invoke-Command -Credential`: a user with RTCUniversalServerAdmins rights. The password is a
   * secret: kept encrypted in state, written only to an owner-only file for each call.
   * @default the user the provider runs as
   */
  readonly credential?: { readonly userName: string; readonly password: pulumi.Input<string> };
  /** `Invoke-Command -UseSSL` (WinRM over HTTPS). @default false */
  readonly useSsl?: boolean;
  /** `Invoke-Command -Port`. @default WinRM's (5985, or 5986 with SSL) */
  readonly port?: number;
  /** `Invoke-Command -ConfigurationName`, a session configuration on the servers. @default "Microsoft.PowerShell" */
  readonly configurationName?: string;
  /**
   * Whether `up` removes a local assignment made by hand on one server (`Remove-CsCertificate
   * -Type OAuthTokenIssuer -Force` there, which revokes that certificate's bindings on it).
   * Otherwise it is reported as drift with the command that removes it, and `up` stops there.
   * @default false
   */
  readonly removeLocalAssignments?: boolean;
  /**
   * @deprecated Ignored, with a warning: the effective date reaches the servers as an
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
  /**
   * `replicated`: the PFX is imported once with `-Identity Global` and the Central Management
   * Store replicates it. `manual`: for deployments that import by hand, the PFX is copied to every
   * server over the remoting session, imported into its local computer store and assigned there
   * (`Import-CsCertificate` and `Set-CsCertificate` without `-Identity Global`); each server is
   * verified on its own, and a server added to `servers` gets it on the next `up`.
   * @default "replicated"
   */
  readonly mode?: PoolMode;
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
