// The newest SDK releases when last checked: the consumer test's newest row installs them.

/**
 * The newest `@pulumi/pulumi` on the npm registry when last checked (its `engines`: node >=22):
 * the repository's devDependency and the consumer test's Node 24 row. The oldest supported SDK is
 * the floor of the peerDependencies range (`^3.248.0`; its engines, node >=20, include 22), the
 * consumer test's Node 22 row. README's "Supported versions" names both; a test keeps it in step.
 */
export const NEWEST_PULUMI_SDK_VERSION = '3.276.0';

/**
 * The newest `@aws-sdk/client-secrets-manager` when last checked (engines node >=20.0.0; it warns
 * below Node 22): the consumer test's Node 24 row. The oldest is the floor of the dependency's
 * range in package.json, the Node 22 row.
 */
export const NEWEST_AWS_SDK_VERSION = '3.1178.0';

