// Sets secret stack config without putting the value on any command line.
//
// The Automation API's `stack.setConfig(key, { value, secret: true })` runs
// `pulumi config set <key> --secret -- <value>`: the value is in the CLI's argv, readable by every
// user of the machine in `ps` and /proc/<pid>/cmdline for as long as it runs.
// `pulumi config set --secret <key>` without a value reads it from stdin when stdin is not a
// terminal (pkg/cmd/pulumi/config/config.go in v3.274.1: `io.ReadAll(stdin)`, one trailing newline
// removed), so the value goes through a pipe instead.
import { spawn } from 'child_process';

export interface SecretConfigTarget {
  /** The `pulumi` binary to run. */
  pulumiBinary: string;
  /** The project directory (where Pulumi.yaml and Pulumi.<stack>.yaml live). */
  workDir: string;
  /** Environment to add to process.env (PULUMI_HOME, backend, passphrase...). */
  env: Record<string, string>;
  stackName: string;
}

/** `pulumi config set --secret <key>` with the value written to the CLI's stdin. */
export function setSecretConfig(target: SecretConfigTarget, key: string, value: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      target.pulumiBinary,
      ['--non-interactive', 'config', 'set', '--secret', '--stack', target.stackName, '--', key],
      { cwd: target.workDir, env: { ...process.env, ...target.env }, stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8192);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      // The CLI never echoes the value it read, so its stderr is safe to show.
      else reject(new Error(`pulumi config set --secret ${key} (stack ${target.stackName}) failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
    // A value ending in a newline would lose it (the CLI strips one); none of ours does.
    child.stdin.end(value);
  });
}
