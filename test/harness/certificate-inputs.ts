/**
 * The inputs the engine hands the provider's `check` for a certificate, as the resource class
 * sends them (every default filled in), for tests that drive the handlers: on the AWS store or on
 * the local store.
 */
import * as handlers from '../../provider/pulumi/handlers';
import { MOTO_REGION } from './moto';
import { bytesOf, type CorpusEntry } from '../support/pfx-corpus';

export type Props = Record<string, unknown>;

/** The owner the tests' stacks claim: `organization/<project>/<stack>`. */
export const TEST_OWNER = 'organization/certs/prod';

/**
 * A certificate of the corpus on the AWS store in moto's region. `endpoint`: the store's
 * `endpoint` option; `undefined` leaves it out (the SDK takes the environment's). `extra`
 * overrides or adds inputs.
 */
export function awsCertificateInputs(pfx: CorpusEntry, secretName: string, endpoint: string | undefined, extra: Props = {}): Props {
  return certificateInputs(pfx, {
    secretName,
    store: { kind: 'aws-secrets-manager', region: MOTO_REGION, ...(endpoint === undefined ? {} : { endpoint }) },
    storePassphrase: null,
    owner: TEST_OWNER,
    ...extra,
  });
}

/** The passphrase of the tests' local stores. */
export const TEST_PASSPHRASE = 'correct horse battery staple';

/**
 * A certificate of the corpus on a local store in `directory`, named as the resource names it by
 * default for contoso.com. `extra` overrides or adds inputs (`owner`, `secretName`, ...).
 */
export function localCertificateInputs(pfx: CorpusEntry, directory: string, extra: Props = {}): Props {
  return certificateInputs(pfx, {
    secretName: 'sfb/oauth-token-issuer/contoso.com',
    store: { kind: 'local', directory },
    storePassphrase: TEST_PASSPHRASE,
    owner: TEST_OWNER,
    ...extra,
  });
}

/** The inputs every certificate has, then the store's and the test's. */
function certificateInputs(pfx: CorpusEntry, rest: Props): Props {
  return {
    sipDomain: 'contoso.com',
    pfx: bytesOf(pfx).toString('base64'),
    password: pfx.password,
    minKeyBits: 2048,
    warnBeforeExpiryDays: 30,
    adopt: false,
    ...rest,
  };
}

/** `check` at `now` that must pass: its inputs (the facts and the plan recorded). */
export async function checkedInputs(olds: Props, news: Props, now: Date): Promise<Props> {
  const result = await handlers.checkInputs(olds, news, now);
  expect(result.failures).toEqual([]);
  return result.inputs;
}
