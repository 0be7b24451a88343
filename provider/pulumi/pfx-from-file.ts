/** `pfxFromFile`: reads a PFX file for the resource's `pfx` argument, as a secret. */
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import { isBase64Text } from '../adapters/pfx/pfx-input';

/** Reads a PFX file (binary or base64 text) as the base64 the `pfx` argument takes. */
export function pfxFromFile(path: string): pulumi.Output<string> {
  const bytes = readFileSync(path);
  // Not validated here: `check` reports a bad file with its code during preview.
  return pulumi.secret(isBase64Text(bytes) ? bytes.toString('latin1').replace(/\s+/g, '') : bytes.toString('base64'));
}

