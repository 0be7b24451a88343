// Smoke test: the pinned CLI keeps its state in an S3 bucket served by moto.
import { randomUUID } from 'crypto';
import * as pulumi from '@pulumi/pulumi';
import { createMotoBucket, motoAwsEnv, MOTO_REGION, requireMoto } from '../harness/moto';
import { nonZeroChanges, ThrowawayStack } from '../harness/pulumi-stack';

const echoProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `echo-${inputs.word}`, outs: { word: inputs.word } };
  },
};

class Echo extends pulumi.dynamic.Resource {
  constructor(name: string, word: string) {
    super(echoProvider, name, { word }, {}, 'echo', 'Echo');
  }
}

/** The gocloud.dev blob URL form this CLI version accepts for an S3-compatible endpoint. */
export function s3BackendUrl(bucket: string, endpoint: string): string {
  return `s3://${bucket}?endpoint=${endpoint}&region=${MOTO_REGION}&use_path_style=true`;
}

async function listKeys(endpoint: string, bucket: string): Promise<string[]> {
  const res = await fetch(`${endpoint}/${bucket}?list-type=2`, { signal: AbortSignal.timeout(10000) });
  const body = await res.text();
  if (!res.ok) throw new Error(`listing ${bucket}: HTTP ${res.status}: ${body}`);
  return [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1] ?? '');
}

describe('an S3 state backend on moto', () => {
  it('runs up and destroy with the state in the bucket', async () => {
    const endpoint = await requireMoto();
    const bucket = `sfb-state-${randomUUID()}`;
    await createMotoBucket(bucket, endpoint);
    const backendUrl = s3BackendUrl(bucket, endpoint);
    expect(backendUrl).toMatch(/^s3:\/\/sfb-state-[0-9a-f-]+\?endpoint=http:\/\/127\.0\.0\.1:\d+&region=us-east-1&use_path_style=true$/);

    const stack = await ThrowawayStack.create({
      projectName: 's3-smoke',
      stackName: 'moto',
      backendUrl,
      envVars: motoAwsEnv(),
      program: async () => {
        const echo = new Echo('echo', 'hi');
        return { id: echo.id };
      },
    });
    try {
      const up = await stack.up();
      expect(nonZeroChanges(up.summary.resourceChanges)).toEqual({ create: 2 });
      expect(up.outputs.id?.value).toBe('echo-hi');

      const keys = await listKeys(endpoint, bucket);
      expect(keys).toContain('.pulumi/meta.yaml');
      expect(keys).toContain('.pulumi/stacks/s3-smoke/moto.json');
      expect((await stack.stateResources()).map((r) => r.id)).toEqual(['echo-hi']);

      const destroyed = await stack.destroy();
      expect(nonZeroChanges(destroyed.summary.resourceChanges)).toEqual({ delete: 2 });
      expect(await stack.stateResources()).toEqual([]);
    } finally {
      await stack.cleanup();
    }
    // cleanup() removes the stack from a non-file backend.
    expect(await listKeys(endpoint, bucket)).not.toContain('.pulumi/stacks/s3-smoke/moto.json');
  });
});
