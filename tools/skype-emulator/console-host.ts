/**
 * The console host: what reaches stdout and stderr. Output objects in the default formatting
 * (strings as they are, objects as `Name : value` lists, dates in the session culture's "G"
 * pattern), errors in the edition's view, warnings (5.1 writes them to stdout under -Command and
 * -File, PowerShell/PowerShell#7989; 7 to stderr here), and 5.1's progress record.
 */
import type { PsError } from './binder';
import { formatServerDate, type Culture } from './culture';
import { PsErrorRecord } from './error-records';
import { errorView } from './error-views';
import { invariantString, PsDate, PsHashtable, PsObject, unwrap, type Edition, type PsValue } from './values';

/**
 * The "Preparing modules for first use." progress record 5.1 writes to a redirected stderr as
 * CLIXML (the record inspec/train#153 captured from powershell.exe): a reader that
 * expects plain text there sees this.
 */
export const PROGRESS_CLIXML = '#< CLIXML\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj></Objs>';

export interface ConsoleOptions {
  /** The session's edition: the error view and where warnings go. */
  readonly edition: Edition;
  /** The session's culture: how dates are displayed. */
  readonly culture: Culture;
  /** The session's IANA zone: Local dates. */
  readonly timeZone: string;
  /** How 5.1 names the script in `At ...`: `line` under -Command, the file's path under -File. */
  readonly origin: string;
  /** A line on stdout. */
  readonly out: (line: string) => void;
  /** A line on stderr. */
  readonly err: (line: string) => void;
}

export class ConsoleHost {
  private progressWritten = false;

  constructor(private readonly options: ConsoleOptions) {}

  /** A line on stdout, as a command writes it to the host (`What if: ...`). */
  writeLine(line: string): void {
    this.options.out(line);
  }

  /** An output object at the end of the pipeline, in the default formatting. */
  print(value: PsValue): void {
    const v = unwrap(value);
    if (v === null) return;
    if (typeof v === 'string') return this.options.out(v);
    if (v instanceof PsErrorRecord) return this.writeError(v.error);
    if ((v instanceof PsObject && !v.has('__ToString')) || v instanceof PsHashtable) {
      const entries = (v instanceof PsObject ? v.properties : v.entries).filter(([k]) => !k.startsWith('__'));
      const width = Math.max(...entries.map(([k]) => k.length), 0);
      this.options.out('');
      for (const [k, item] of entries) this.options.out(`${k.padEnd(width)} : ${Array.isArray(item) ? `{${item.map((x) => this.display(x)).join(', ')}}` : this.display(item)}`);
      return this.options.out('');
    }
    if (Array.isArray(v)) return v.forEach((item) => this.print(item));
    this.options.out(this.display(v));
  }

  /** How the host shows a value: dates in the session culture's "G" pattern. */
  private display(value: PsValue): string {
    const v = unwrap(value);
    if (v instanceof PsDate) return formatServerDate(v.instant, this.options.culture, v.kind === 'Utc' ? 'UTC' : this.options.timeZone);
    return invariantString(v, this.options.timeZone);
  }

  /** An error on stderr, in the edition's view. */
  writeError(error: PsError): void {
    for (const line of errorView(this.options.edition, error, this.options.origin)) this.options.err(line);
  }

  /** A warning the preference lets through. */
  writeWarning(text: string): void {
    if (this.options.edition === 'desktop') this.options.out(`WARNING: ${text}`);
    else this.options.err(`WARNING: ${text}`);
  }

  /** A progress record the preference lets through: 5.1 serializes it to a redirected stderr as CLIXML, once per process here. */
  writeProgress(): void {
    if (this.options.edition !== 'desktop' || this.progressWritten) return;
    this.progressWritten = true;
    this.options.err(PROGRESS_CLIXML);
  }
}
