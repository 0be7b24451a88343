/**
 * Pulumi's runtime mocks for tests that construct resources in a program: each registered
 * resource's inputs are kept, in order, and returned as its state.
 */
import * as pulumi from '@pulumi/pulumi';

/** Installs the mocks (call in `beforeAll`); returns the list the registered inputs land in. */
export function recordRegisteredInputs(): Record<string, unknown>[] {
  const registered: Record<string, unknown>[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args.inputs);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    'sfb-test',
    'unit',
    true,
    'contoso-org',
  );
  return registered;
}
