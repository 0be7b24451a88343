/**
 * Where a script's statements run: the machine (the session's, or a Front End's inside
 * Invoke-Command), the variables of a scope, and where a statement's output goes.
 */
import type { PsError } from './binder';
import type { Edition, PsValue } from './values';

/** The machine a scope runs on: the session's, or a Front End's inside Invoke-Command. */
export interface Machine {
  readonly server: string;
  /** IANA zone: `[TimeZoneInfo]::Local`, Local DateTimes. */
  readonly timeZone: string;
  /** Remote sessions are always Windows PowerShell 5.1 (the servers' default endpoint). */
  readonly edition: Edition;
  /** `$env:` variables, names upper case; absent: none modelled on this machine. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Errors written inside Invoke-Command go back to the caller, not to the console. */
  readonly remoteErrors?: PsError[];
}

/** A scope's variables (case-insensitive names), falling back to the enclosing scope's. */
export class Scope {
  private readonly variables = new Map<string, PsValue>();
  /** `caller`: the scope that ran Invoke-Command, read through `$using:`. */
  constructor(readonly machine: Machine, readonly outer?: Scope, readonly caller?: Scope) {}
  get server(): string {
    return this.machine.server;
  }
  get(name: string): PsValue | undefined {
    const lower = name.toLowerCase();
    if (this.variables.has(lower)) return this.variables.get(lower) as PsValue;
    return this.outer?.get(name);
  }
  set(name: string, value: PsValue): void {
    this.variables.set(name.toLowerCase(), value);
  }
}

/** Where statements write their output, and whether a try encloses them. */
export interface Frame {
  readonly emit: (value: PsValue) => void;
  readonly inTry: boolean;
}
