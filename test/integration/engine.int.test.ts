// Smoke test of the real engine: the pinned CLI runs a trivial dynamic resource through
// preview -> up -> up (no changes) -> destroy on a throwaway file backend.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as pulumi from '@pulumi/pulumi';
import { projectRoot } from '../../scripts/project-paths';
import { pinnedPulumiVersion } from '../../scripts/pulumi-cli';
import { nonZeroChanges, ThrowawayStack } from '../harness/pulumi-stack';

const execFileAsync = promisify(execFile);

// Module-level provider instance with no captured clients or credentials: it is serialized
// into the state as source text.
const smokeProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `smoke-${inputs.label}`, outs: { label: inputs.label, sum: inputs.a + inputs.b } };
  },
  async diff(_id, olds, news) {
    const changes = olds.label !== news.label || olds.sum !== news.a + news.b;
    return { changes };
  },
};

class Smoke extends pulumi.dynamic.Resource {
  declare readonly label: pulumi.Output<string>;
  declare readonly sum: pulumi.Output<number>;
  constructor(name: string, args: { label: string; a: number; b: number }) {
    super(smokeProvider, name, { ...args, sum: undefined }, {}, 'smoke', 'Smoke');
  }
}

const SMOKE_TYPE = 'pulumi-nodejs:dynamic/smoke:Smoke';

describe('the pinned Pulumi CLI', () => {
  it('reports the pinned version through scripts/pulumi', async () => {
    const { stdout } = await execFileAsync(process.execPath, [path.join(projectRoot(), 'scripts', 'pulumi'), 'version'], {
      env: { ...process.env, CI: 'true' },
    });
    expect(stdout.trim()).toBe(pinnedPulumiVersion());
    expect(pinnedPulumiVersion()).toBe('v3.274.1');
  });

  it('runs a dynamic resource through preview, up, a no-change up and destroy', async () => {
    const secret = 'sfb-smoke-secret-do-not-print';
    const stack = await ThrowawayStack.create({
      config: { greeting: 'hello' },
      secretConfig: { password: secret },
      program: async () => {
        const config = new pulumi.Config();
        // Read (and keep secret) so the engine handles the secret config value.
        const password = config.requireSecret('password');
        const smoke = new Smoke('smoke', { label: config.require('greeting'), a: 2, b: 3 });
        return { smokeId: smoke.id, sum: smoke.sum, password };
      },
    });
    try {
      const preview = await stack.preview();
      // The stack resource plus the dynamic resource.
      expect(nonZeroChanges(preview.changeSummary)).toEqual({ create: 2 });

      const first = await stack.up();
      expect(first.summary.result).toBe('succeeded');
      expect(nonZeroChanges(first.summary.resourceChanges)).toEqual({ create: 2 });
      expect(first.outputs.smokeId?.value).toBe('smoke-hello');
      expect(first.outputs.sum?.value).toBe(5);

      expect(first.outputs.password?.secret).toBe(true);
      // The stored state keeps the secret output as ciphertext; only the decrypted export shows it.
      const stored = JSON.stringify(await stack.exportState());
      expect(stored).not.toContain(secret);
      expect(stored).toContain('ciphertext');
      expect(JSON.stringify(await stack.exportStateDecrypted())).toContain(secret);

      const created = await stack.stateResources();
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ type: SMOKE_TYPE, id: 'smoke-hello', outputs: { label: 'hello', sum: 5 } });
      // The provider travels in the state as source text.
      expect(String(created[0]?.outputs?.__provider ?? '')).toContain('smoke-');

      const second = await stack.up();
      expect(nonZeroChanges(second.summary.resourceChanges)).toEqual({ same: 2 });

      const destroyed = await stack.destroy();
      expect(nonZeroChanges(destroyed.summary.resourceChanges)).toEqual({ delete: 2 });
      expect(await stack.stateResources()).toEqual([]);
      expect((await stack.exportState()).resources ?? []).toEqual([]);

      expect(stack.output).toContain('smoke');
      // The secret config value is stored encrypted and never printed.
      const stackYaml = fs.readFileSync(path.join(stack.workDir, 'Pulumi.test.yaml'), 'utf8');
      expect(stackYaml).toContain('secure:');
      expect(stackYaml).not.toContain(secret);
      expect(stack.allText()).not.toContain(secret);
    } finally {
      await stack.cleanup();
    }
  });
});
