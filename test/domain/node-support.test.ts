import * as fs from 'node:fs';
import * as path from 'node:path';
import { MIN_NODE_MAJOR, nodeVersionProblem } from '../../provider/domain/node-support';

describe('nodeVersionProblem', () => {
  it.each([
    ['Node 20, the machine default until April 2026', 'v20.20.2'],
    ['Node 18', 'v18.20.8'],
    ['Node 21, between the LTS lines', 'v21.7.3'],
    ['without the v', '20.19.0'],
  ])('refuses %s (%s), naming the version and the fix', (_name, version) => {
    expect(nodeVersionProblem(version)).toBe(
      `Node.js ${version} is running this Pulumi program or its dynamic provider, and sfb-oauth-cert supports Node.js 22 and 24 ` +
        `(engines ">=22"): Node ${version.replace(/^v/, '').split('.')[0]} is past its end of life, and @pulumi/pulumi and the AWS SDK no longer support it. ` +
        'Install Node.js 24 (or 22) and put it first on PATH, where `pulumi` finds the `node` that runs the program and the provider (`node --version` shows which).',
    );
  });

  it.each([
    ['the oldest 22', 'v22.0.0'],
    ['22 LTS', 'v22.21.1'],
    ['24 LTS', 'v24.21.0'],
    ['a later line', 'v26.1.0'],
    ['a version that does not parse (not guessed at)', 'nightly'],
  ])('accepts %s (%s)', (_name, version) => {
    expect(nodeVersionProblem(version)).toBeUndefined();
  });

  it('has the floor of package.json engines.node', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_MAJOR}`);
  });
});
