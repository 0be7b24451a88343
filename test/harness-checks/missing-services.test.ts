/**
 * Integration tests fail, never skip, when the engine or moto is missing: the harness throws an
 * error that says how to get them. These cases prove those errors fire.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePulumiInstalled } from '../../scripts/pulumi-cli';
import { motoEndpoint, requireMoto } from '../harness/moto';

describe('when the engine or moto is missing', () => {
  it('names scripts/install-pulumi when the pinned CLI is not in the cache', () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'sfb-empty-cache-'));
    expect(() => requirePulumiInstalled({ SFB_CACHE_DIR: emptyCache })).toThrow(/^The Pulumi CLI v3\.274\.1 is not installed: .* Run scripts\/install-pulumi/);
  });

  it('names scripts/moto start when no endpoint is known', () => {
    const saved = process.env.MOTO_ENDPOINT;
    delete process.env.MOTO_ENDPOINT;
    try {
      const missing = join(mkdtempSync(join(tmpdir(), 'sfb-no-moto-')), 'endpoint');
      expect(() => motoEndpoint(missing)).toThrow(/^No moto endpoint: .* Run `scripts\/moto start`/);
    } finally {
      if (saved !== undefined) process.env.MOTO_ENDPOINT = saved;
    }
  });

  it('says how to restart moto when the endpoint does not answer', async () => {
    const saved = process.env.MOTO_ENDPOINT;
    process.env.MOTO_ENDPOINT = 'http://127.0.0.1:9';
    try {
      await expect(requireMoto()).rejects.toThrow(/^moto at http:\/\/127\.0\.0\.1:9 does not answer GET \/moto-api\/data\.json .*scripts\/moto stop && scripts\/moto start/);
    } finally {
      if (saved === undefined) delete process.env.MOTO_ENDPOINT;
      else process.env.MOTO_ENDPOINT = saved;
    }
  });
});
