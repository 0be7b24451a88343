/**
 * The Skype for Business Server Management Shell: the PowerShell interpreter with PowerShell's
 * own cmdlets, remoting to the topology's Front End Servers and the SkypeForBusiness module, all
 * over one emulated deployment. Replication settles before the script runs and after it (what
 * ran before an error took effect), at the run's time.
 */
import { certificateProviderCmdlets } from './certificate-provider';
import { CommandRegistry } from './command-registry';
import { ConsoleHost } from './console-host';
import { settle } from './deployment';
import { Interpreter } from './interpreter';
import { powershellCmdlets } from './powershell-cmdlets';
import { invokeCommandOver } from './remoting';
import { Sessions } from './session-cmdlets';
import { SKYPE_MODULE, SkypeForBusinessCmdlets } from './skype-cmdlets';
import type { EmulatorState } from './state';

/** What one run needs besides the state. */
export interface RunContext {
  readonly state: EmulatorState;
  readonly now: Date;
  /** The script text and the process's argv: what the secret check scans. */
  readonly scriptText: string;
  readonly argv: readonly string[];
  /** A line on stdout. */
  readonly out: (line: string) => void;
  /** A line on stderr. */
  readonly err: (line: string) => void;
  /** How 5.1 names the script in `At ...`: `line` under -Command, the file's path under -File. */
  readonly origin: string;
}

export class ManagementShell {
  private readonly interpreter: Interpreter;

  constructor(private readonly ctx: RunContext) {
    const { config } = ctx.state;
    const network = {
      computers: config.servers,
      unreachable: config.unreachable,
      timeZoneOf: (server: string) => config.serverTimeZones[server] ?? config.timeZone,
    };
    const sessions = new Sessions(network);
    const commands = new CommandRegistry([
      ...powershellCmdlets([SKYPE_MODULE]),
      invokeCommandOver(network, sessions),
      ...sessions.commands(ctx.state),
      ...new SkypeForBusinessCmdlets(ctx.state, ctx.now).commands(),
      ...certificateProviderCmdlets(ctx.state),
    ]);
    const session = { server: config.localServer, timeZone: config.sessionTimeZone, edition: config.edition };
    this.interpreter = new Interpreter({
      session,
      culture: config.sessionCulture,
      now: ctx.now,
      exposure: { scriptText: ctx.scriptText, argv: ctx.argv },
      host: new ConsoleHost({ edition: config.edition, culture: config.sessionCulture, timeZone: session.timeZone, origin: ctx.origin, out: ctx.out, err: ctx.err }),
      commands,
    });
  }

  /** `-File`: the script as one unit (Interpreter.runFile). */
  runFile(source: string): Promise<number> {
    return this.settled(() => this.interpreter.runFile(source));
  }

  /** `-Command -`: stdin line by line (Interpreter.runCommandStdin). */
  runCommandStdin(source: string): Promise<number> {
    return this.settled(() => this.interpreter.runCommandStdin(source));
  }

  private async settled(run: () => Promise<number>): Promise<number> {
    settle(this.ctx.state, this.ctx.now);
    try {
      return await run();
    } finally {
      settle(this.ctx.state, this.ctx.now);
    }
  }
}
