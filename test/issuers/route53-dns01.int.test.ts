/**
 * The Route 53 dns-01 solver on moto (which serves Route 53): the TXT record is created, waited
 * for until INSYNC, and removed, each checked with plain SDK calls. The hosted zone is named by
 * id, and a private zone of the same name beside the public one is left untouched. (Pebble cannot
 * resolve through moto, so the full order is tested with hooks in acme-issuer.test.ts.)
 */
import { CreateHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { route53Dns01 } from '../../provider/adapters/issuers/route53-dns01';
import type { Dns01Record } from '../../provider/adapters/issuers/acme-challenge';
import { MOTO_CREDENTIALS, MOTO_REGION, requireMoto } from '../harness/moto';

let endpoint: string;
let sdk: Route53Client;
const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const domain = `sip-${suffix}.contoso.com`;

async function createZone(privateZone: boolean): Promise<string> {
  const answer = await sdk.send(
    new CreateHostedZoneCommand({
      Name: `${domain}.`,
      CallerReference: `${suffix}-${String(privateZone)}`,
      ...(privateZone ? { VPC: { VPCRegion: MOTO_REGION, VPCId: 'vpc-12345678' }, HostedZoneConfig: { PrivateZone: true } } : {}),
    }),
  );
  return answer.HostedZone!.Id!.replace('/hostedzone/', '');
}

async function txtRecords(zoneId: string): Promise<string[]> {
  const answer = await sdk.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  return (answer.ResourceRecordSets ?? []).filter((set) => set.Type === 'TXT').flatMap((set) => (set.ResourceRecords ?? []).map((r) => `${set.Name} ${set.TTL} ${r.Value}`));
}

beforeAll(async () => {
  endpoint = await requireMoto();
  sdk = new Route53Client({ region: MOTO_REGION, endpoint, credentials: MOTO_CREDENTIALS });
});

describe('the Route 53 dns-01 solver', () => {
  it('creates the TXT record in the zone named by id, waits for INSYNC, removes it; the private zone of the same name is untouched', async () => {
    const [publicZone, privateZone] = [await createZone(false), await createZone(true)];
    const solver = route53Dns01({ hostedZoneId: `/hostedzone/${publicZone}`, clientConfig: { endpoint, credentials: MOTO_CREDENTIALS }, pollIntervalMs: 100 });
    expect(solver.description).toBe(`dns-01 via Route 53 zone ${publicZone}`);
    const record: Dns01Record = { type: 'dns-01', domain, name: `_acme-challenge.${domain}`, value: 'gfj9Xq-Xv1_3pb2p5iZ9ufmMJyd0gzz4kxUgaGRr5q0' };
    const signal = AbortSignal.timeout(30_000);
    await solver.present(record, signal);
    expect(await txtRecords(publicZone)).toEqual([`_acme-challenge.${domain}. 60 "gfj9Xq-Xv1_3pb2p5iZ9ufmMJyd0gzz4kxUgaGRr5q0"`]);
    expect(await txtRecords(privateZone)).toEqual([]);
    // A retried present is an UPSERT: still one record.
    await solver.present(record, signal);
    expect(await txtRecords(publicZone)).toHaveLength(1);
    await solver.cleanUp(record, signal);
    expect(await txtRecords(publicZone)).toEqual([]);
    // A clean-up of a record already gone is not an error.
    await solver.cleanUp(record, signal);
  });

  it('a zone id that does not exist: ISSUER_FAILED naming hostedZoneId', async () => {
    const solver = route53Dns01({ hostedZoneId: 'ZNOSUCHZONE0000', clientConfig: { endpoint, credentials: MOTO_CREDENTIALS } });
    const error = await solver.present({ type: 'dns-01', domain, name: `_acme-challenge.${domain}`, value: 'x' }, AbortSignal.timeout(30_000)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'ISSUER_FAILED' });
    expect(error!.message).toContain('set `hostedZoneId` to the id of the public zone');
  });

  it('refuses a zone name where an id is expected', () => {
    expect(() => route53Dns01({ hostedZoneId: 'contoso.com' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
