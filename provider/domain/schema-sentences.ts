/**
 * The one way a boundary reads data from outside (a file, a process's output, Pulumi's state or
 * its preview document): a zod schema, parsed once, into typed values. zod's default messages
 * ("Invalid input: expected string, received number") name neither the input nor the fix, so a
 * field that has a better sentence says it with {@link worded}, and {@link parseWith} returns
 * every problem as those sentences, in order, each once.
 *
 * Pure: no I/O. zod's start-up cost is measured in certificate-state.ts.
 */
import { z } from 'zod';
import { parseIsoInstant } from './time';

/** A stored ISO 8601 instant (a string), read with the strict parser into a Date; its issue is the parser's reason. */
export const isoInstant = z.string().transform((value, context) => {
  const parsed = parseIsoInstant(value);
  if (!parsed.ok) {
    context.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }
  return parsed.date;
});

/** A JSON object (not an array, not null): a document, a record, an exported resource. */
export const jsonObject = z.record(z.string(), z.unknown());

/** A parsed value, or every problem found (sentences, never the raw value of a secret). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * zod's `error` option: every issue of the schema it is given to reads as `sentence(input)`,
 * built from the value the field held (print it with printed-value.ts, never a secret).
 */
export function worded(sentence: (input: unknown) => string): { readonly error: (issue: { readonly input?: unknown }) => string } {
  return { error: (issue) => sentence(issue.input) };
}

/**
 * A schema built on first use, not when its module loads: a module the CLI imports for a
 * constant should not pay for building schemas it never parses with (zod builds eagerly; a
 * schema of many fields costs milliseconds).
 */
export function builtOnFirstUse<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/** The issues' messages, each once, in the order zod found them. */
export function sentencesOf(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((issue) => issue.message))];
}

/** Parses `raw` with `schema`: the typed value, or every problem as a sentence. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown): Parsed<z.output<S>> {
  const parsed = schema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problems: sentencesOf(parsed.error) };
}
