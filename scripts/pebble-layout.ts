// Where scripts/install-pebble puts Pebble (Let's Encrypt's ACME test server) and
// pebble-challtestsrv (its challenge test server): the machine cache, like the Pulumi CLI, so
// every clone on the machine (CI included) shares one build. The version lives here only.
import * as path from 'node:path';
import { machineCacheDir, type Env } from './project-paths';

/** The pinned Pebble module version (the Go module proxy's tag). */
export const PEBBLE_VERSION = 'v2.10.3';

export interface PebbleLayout {
  readonly version: string;
  readonly installRoot: string;
  readonly binDir: string;
  readonly pebble: string;
  readonly challtestsrv: string;
  /** Pebble's test TLS certificate and key for its listener, and the root that issued them (from the module's test/certs). */
  readonly tlsCert: string;
  readonly tlsKey: string;
  readonly tlsRoot: string;
}

export function pebbleLayout(env: Env = process.env): PebbleLayout {
  const installRoot = path.join(machineCacheDir(env), 'pebble', PEBBLE_VERSION);
  const binDir = path.join(installRoot, 'bin');
  const certs = path.join(installRoot, 'certs');
  return {
    version: PEBBLE_VERSION,
    installRoot,
    binDir,
    pebble: path.join(binDir, 'pebble'),
    challtestsrv: path.join(binDir, 'pebble-challtestsrv'),
    tlsCert: path.join(certs, 'localhost-cert.pem'),
    tlsKey: path.join(certs, 'localhost-key.pem'),
    tlsRoot: path.join(certs, 'pebble.minica.pem'),
  };
}
