import { awsStoreOptionProblems } from '../../provider/domain/aws-store-options';

const P = 'The AWS Secrets Manager store option';

describe('the AWS store options, each read by its schema', () => {
  it.each([
    ['a region left out', {}, `${P} \`region\` is undefined (a config value that is not set?), not an AWS region; write it like "us-east-1" (the region the secret lives in).`],
    ['a region as a list', { region: ['us-east-1'] }, `${P} \`region\` is an array, not an AWS region; write it like "us-east-1" (the region the secret lives in).`],
    ['an endpoint as an object', { region: 'us-east-1', endpoint: { url: 'https://x' } }, `${P} \`endpoint\` is an object; write it like "https://vpce-0123.secretsmanager.us-east-1.vpce.amazonaws.com", or leave it out for the region's endpoint (or AWS_ENDPOINT_URL_SECRETS_MANAGER).`],
    ['an endpoint with credentials, never shown', { region: 'us-east-1', endpoint: 'https://AKIA:s3cret@example.com' }, `${P} \`endpoint\` is not an http(s) URL without credentials; write it like "https://vpce-0123.secretsmanager.us-east-1.vpce.amazonaws.com", or leave it out for the region's endpoint (or AWS_ENDPOINT_URL_SECRETS_MANAGER).`],
    ['an empty KMS key', { region: 'us-east-1', kmsKeyId: '' }, `${P} \`kmsKeyId\` is ""; give a KMS key id, ARN or alias ("alias/sfb-certificates"), or leave it out for the account's aws/secretsmanager key.`],
    ['a long description', { region: 'us-east-1', description: 'd'.repeat(2049) }, `${P} \`description\` must be a string of at most 2048 characters; got 2049 characters.`],
    ['a recovery window as text', { region: 'us-east-1', recoveryWindowDays: '7' }, `${P} \`recoveryWindowDays\` is "7"; use a whole number of days from 7 to 30 (what DeleteSecret accepts), or leave it out for 30.`],
    ['a fractional recovery window', { region: 'us-east-1', recoveryWindowDays: 7.5 }, `${P} \`recoveryWindowDays\` is number 7.5; use a whole number of days from 7 to 30 (what DeleteSecret accepts), or leave it out for 30.`],
    ['force delete as text', { region: 'us-east-1', forceDeleteWithoutRecovery: 'yes' }, `${P} \`forceDeleteWithoutRecovery\` must be true or false; got "yes".`],
    ['tags as a list', { region: 'us-east-1', tags: [['team', 'uc']] }, `${P} \`tags\` must be an object of tag names to values, like { team: "unified-comms" }; got an array.`],
    ['a tag value that is a number', { region: 'us-east-1', tags: { team: 5 } }, `${P} \`tags\` has the tag team with the value number 5, not a string; change the value.`],
  ])('%s', (_name, options, problem) => {
    expect(awsStoreOptionProblems(options)).toEqual([problem]);
  });

  it('a `__proto__` tag from a JSON document is read as a tag like any other, never dropped unchecked', () => {
    const tags = JSON.parse('{"__proto__": "a\\nb"}') as Record<string, unknown>;
    expect(awsStoreOptionProblems({ region: 'us-east-1', tags })).toEqual([`${P} \`tags\` has the tag __proto__ with a value that is not 0 to 256 letters, digits, spaces and _ . : / = + - @; change the value.`]);
  });

  it('too many tags: counted, and each bad one named, in the order given', () => {
    const tags = { ...Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v'])), 'aws:x': 'y' };
    expect(awsStoreOptionProblems({ region: 'us-east-1', tags })).toEqual([
      `${P} \`tags\` has 50 tags; a secret holds at most 50, one of them sfb-oauth-cert:owner: keep at most 49.`,
      `${P} \`tags\` has the tag name "aws:x", which a secret cannot carry: use 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with "aws:" and not sfb-oauth-cert:owner (the provider sets that one).`,
    ]);
  });

  it('every problem at once; the exclusive pair after force delete; a value not known yet is passed over; keys of the adapter are left alone', () => {
    expect(awsStoreOptionProblems({ region: 'x', recoveryWindowDays: 7, forceDeleteWithoutRecovery: true, maxAttempts: 3 })).toEqual([
      `${P} \`region\` is "x", not an AWS region; write it like "us-east-1" (the region the secret lives in).`,
      `${P}s \`forceDeleteWithoutRecovery\` and \`recoveryWindowDays\` exclude each other (DeleteSecret takes one or the other); keep one.`,
    ]);
    const later = Symbol('computed');
    expect(awsStoreOptionProblems({ region: later, kmsKeyId: later }, (value) => value !== later)).toEqual([]);
  });
});
