/**
 * The tests run on a supported Node, and so does every Node process they start (the provider
 * needs Node 22 or 24): scripts/run-tests.js (and scripts/with-node) run jest on the cached
 * Node 24 with its bin/ first on PATH, because the Pulumi CLI starts the language host, the
 * program and the dynamic provider plugin as `node` from PATH. On a machine whose own Node is 20, a `node` from PATH
 * other than jest's would run the provider on Node 20, where it refuses to run.
 */
import { execFileSync } from 'node:child_process';
import { MIN_NODE_MAJOR } from '../../provider/domain/node-support';

describe('the Node the tests run on', () => {
  it('is a supported line', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(MIN_NODE_MAJOR);
  });

  it('is the `node` on PATH, which the Pulumi CLI runs the language host, programs and provider with', () => {
    expect(execFileSync('node', ['--version'], { encoding: 'utf8' }).trim()).toBe(process.version);
  });
});
