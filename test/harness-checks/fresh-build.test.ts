/**
 * The CLI and engine tests run the compiled dist/ (bin/sfb-oauth-cert, and the dynamic provider
 * loading 'sfb-oauth-cert/dist/...'). jest's globalSetup (test/harness/build-dist.js) compiles it
 * at the start of every run; this proves it did, from exactly the sources on disk now
 * (a change to provider/ used to be tested as the old build).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../../scripts/project-paths';

const root = projectRoot();

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const file = join(dir, d.name);
    return d.isDirectory() ? sources(file) : d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [file] : [];
  });
}

interface BuildStamp {
  id: string;
  startedAt: string;
  sources: Record<string, string>;
}

describe('the compiled output the tests run', () => {
  const stamp = JSON.parse(readFileSync(join(root, 'dist', '.sfb-build.json'), 'utf8')) as BuildStamp;

  it('was built by this test run', () => {
    expect(process.env.SFB_DIST_BUILD_ID).toMatch(/^\d+-\d+$/);
    // Another run on the same checkout may have rebuilt since; it cannot be older than ours.
    const ours = Number(process.env.SFB_DIST_BUILD_ID!.split('-')[1]);
    expect(Date.parse(stamp.startedAt)).toBeGreaterThanOrEqual(ours);
  });

  it('was compiled from exactly the sources on disk', () => {
    const now = Object.fromEntries(
      sources(join(root, 'provider'))
        .sort()
        .map((file) => [relative(root, file), createHash('sha256').update(readFileSync(file)).digest('hex')]),
    );
    expect(stamp.sources).toEqual(now);
  });

  it('has a fresh JavaScript file for every source and none without one', () => {
    const started = Date.parse(stamp.startedAt);
    for (const file of Object.keys(stamp.sources)) {
      const js = join(root, 'dist', file.replace(/\.ts$/, '.js'));
      expect(existsSync(js)).toBe(true);
      expect(statSync(js).mtimeMs).toBeGreaterThanOrEqual(started - 1000);
    }
    const compiled = sources(join(root, 'provider')).length;
    const js = (function count(dir: string): number {
      return readdirSync(dir, { withFileTypes: true }).reduce((n, d) => n + (d.isDirectory() ? count(join(dir, d.name)) : d.name.endsWith('.js') ? 1 : 0), 0);
    })(join(root, 'dist', 'provider'));
    expect(js).toBe(compiled);
  });
});

describe('jest on an unsupported Node.js (the provider needs Node 22 or 24)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the globalSetup is a CommonJS script.
  const { unsupportedNodeMessage } = require('../harness/build-dist.js') as { unsupportedNodeMessage: (version: string) => string | undefined };

  it('is refused on Node 20 with the way to run on Node 24', () => {
    expect(unsupportedNodeMessage('v20.20.2')).toBe(
      'jest is running on Node.js v20.20.2, and the provider supports Node.js 22 and 24 (package.json engines ">=22"). ' +
        'Run the tests with `npm test` (it runs jest on the cached Node 24), or one file with `scripts/with-node npx jest <file>` ' +
        '(scripts/install-node puts Node 24 in the machine cache; with-node puts it first on PATH).',
    );
  });

  it.each(['v22.0.0', 'v24.21.0'])('runs on %s', (version) => {
    expect(unsupportedNodeMessage(version)).toBeUndefined();
  });
});
