/**
 * Which Node.js runs this package. Node 20 reached end of life in April 2026 and the AWS SDK for
 * JavaScript v3 warns on it (NodeVersionSupportWarning: releases after the first week of January
 * 2027 require Node >= 22, @aws-sdk/core's emitWarningIfUnsupportedVersion);
 * @pulumi/pulumi requires Node >= 22 from 3.249.0 on (its `engines`). So the supported lines are
 * Node 22 and 24, and an older Node gets one clear error instead of a seven-line warning on every
 * `up`. Pure: the version is a parameter (the shell passes `process.version`).
 */

/** The oldest supported major; the same floor as `engines.node` in package.json (a test keeps them equal). */
export const MIN_NODE_MAJOR = 22;

/** The release lines README's "Supported versions" names and the tests run. */
export const SUPPORTED_NODE_LINES = [22, 24] as const;

/**
 * Why the Node.js `version` (as `process.version` prints it, `v20.20.2`) cannot run this package,
 * as a full sentence naming the version seen and the fix; undefined when it can. A version that
 * does not parse is not refused (a future or vendor build): the check exists to turn a known
 * old Node into a clear error, not to guess.
 */
export function nodeVersionProblem(version: string): string | undefined {
  const match = /^v?(\d+)\./.exec(version.trim());
  if (!match) return undefined;
  const major = Number(match[1]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return (
    `Node.js ${version.trim()} is running this Pulumi program or its dynamic provider, and sfb-oauth-cert supports Node.js ${SUPPORTED_NODE_LINES.join(' and ')} ` +
    `(engines ">=${MIN_NODE_MAJOR}"): Node ${major} is past its end of life, and @pulumi/pulumi and the AWS SDK no longer support it. ` +
    `Install Node.js ${SUPPORTED_NODE_LINES[SUPPORTED_NODE_LINES.length - 1]} (or ${MIN_NODE_MAJOR}) and put it first on PATH, where \`pulumi\` finds the \`node\` that runs the program and the provider (\`node --version\` shows which).`
  );
}
