/**
 * The dns-01 solver on Amazon Route 53: the only module that touches @aws-sdk/client-route-53.
 * The hosted zone is named by id, not by name, because a public and a private zone of the same
 * name are common and only the public one is what a public CA resolves. `present` UPSERTs the TXT
 * record and waits until Route 53 reports the change INSYNC (every Route 53 name server serves
 * it), bounded; `cleanUp` DELETEs exactly that record (a record already gone is not an error).
 *
 * IAM the deploying identity needs: route53:ChangeResourceRecordSets on the zone and
 * route53:GetChange.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, Route53Client, type Route53ClientConfig } from '@aws-sdk/client-route-53';
import { isSfbError, SfbError } from '../../domain/errors';
import type { ChallengeRecord, ChallengeSolver } from './acme-challenge';

export interface Route53Dns01Options {
  /** The hosted zone's id, e.g. `Z0123456789ABCDEFGHIJ` (`/hostedzone/` prefix allowed). */
  readonly hostedZoneId: string;
  /** The SDK client's configuration (credentials from the default chain when absent; `endpoint` for tests). */
  readonly clientConfig?: Route53ClientConfig;
  /** TTL of the TXT record. @default 60 */
  readonly ttlSeconds?: number;
  /** How long to wait for INSYNC. @default 300 */
  readonly propagationTimeoutSeconds?: number;
  /** Between GetChange calls. @default 5000 */
  readonly pollIntervalMs?: number;
}

interface AwsLikeError {
  readonly name?: string;
  readonly message?: string;
  readonly $retryable?: unknown;
  readonly $fault?: string;
  /** A socket error's (ECONNREFUSED, ENOTFOUND): the SDK's HTTP handler passes Node's error on, named plain `Error`. */
  readonly code?: string;
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'InvalidClientTokenId', 'ExpiredToken']);

function translate(error: unknown, doing: string, zone: string, signal: AbortSignal): SfbError {
  if (isSfbError(error)) return error;
  const aws = (error ?? {}) as AwsLikeError;
  if (signal.aborted || aws.name === 'AbortError') {
    return new SfbError('ISSUER_TIMEOUT', `Route 53 did not answer while ${doing} in hosted zone ${zone} before the order's time ran out; nothing was stored. Run \`pulumi up\` again later.`, true);
  }
  if (aws.name === 'NoSuchHostedZone') {
    return new SfbError('ISSUER_FAILED', `Route 53 has no hosted zone ${zone} (while ${doing}); set \`hostedZoneId\` to the id of the public zone that serves the SIP domain (aws route53 list-hosted-zones-by-name).`);
  }
  if (aws.name !== undefined && ACCESS_DENIED.has(aws.name)) {
    return new SfbError('ISSUER_FAILED', `Route 53 refused ${doing} in hosted zone ${zone} (${aws.name}: ${aws.message ?? ''}); grant the deploying identity route53:ChangeResourceRecordSets on the zone and route53:GetChange.`);
  }
  if (aws.name === 'InvalidChangeBatch' || aws.name === 'InvalidInput') {
    return new SfbError('ISSUER_FAILED', `Route 53 rejected ${doing} in hosted zone ${zone} (${aws.name}: ${aws.message ?? ''}); check that the SIP domain is in that zone.`);
  }
  const retryable = aws.$retryable !== undefined || aws.$fault === 'server' || aws.name === 'PriorRequestNotComplete' || aws.name === 'Throttling';
  return new SfbError('ISSUER_FAILED', `Route 53 failed while ${doing} in hosted zone ${zone} (${aws.name !== undefined && aws.name !== 'Error' ? aws.name : (aws.code ?? 'network error')}); ${doing.startsWith('removing') ? 'the record may still be published' : 'nothing was stored'}. ${retryable ? 'It is transient: the next `pulumi up` retries.' : 'Check the AWS credentials and network of the machine that runs Pulumi.'}`, retryable);
}

/** The dns-01 solver for one Route 53 hosted zone. */
export function route53Dns01(options: Route53Dns01Options): ChallengeSolver {
  const zoneId = options.hostedZoneId.replace(/^\/?hostedzone\//, '');
  if (!/^[A-Z0-9]{1,32}$/.test(zoneId)) {
    throw new SfbError('INVALID_ARGUMENT', `The Route 53 \`hostedZoneId\` "${options.hostedZoneId}" is not a hosted zone id; give the id (e.g. Z0123456789ABCDEFGHIJ) of the public zone that serves the SIP domain, not its name.`);
  }
  const client = new Route53Client({ region: 'us-east-1', ...options.clientConfig });
  const ttl = options.ttlSeconds ?? 60;
  const timeoutMs = (options.propagationTimeoutSeconds ?? 300) * 1000;
  const pollMs = options.pollIntervalMs ?? 5000;

  const change = async (action: 'UPSERT' | 'DELETE', record: ChallengeRecord, signal: AbortSignal): Promise<string | undefined> => {
    if (record.type !== 'dns-01') throw new SfbError('INTERNAL_ERROR', 'The Route 53 solver was handed an http-01 challenge; report it as a bug of sfb-oauth-cert.');
    const answer = await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Comment: `sfb-oauth-cert ACME dns-01 for ${record.domain}`,
          Changes: [{ Action: action, ResourceRecordSet: { Name: `${record.name}.`, Type: 'TXT', TTL: ttl, ResourceRecords: [{ Value: `"${record.value}"` }] } }],
        },
      }),
      { abortSignal: signal },
    );
    return answer.ChangeInfo?.Id;
  };

  return {
    type: 'dns-01',
    description: `dns-01 via Route 53 zone ${zoneId}`,
    async present(record, outer) {
      const signal = AbortSignal.any([outer, AbortSignal.timeout(timeoutMs)]);
      const doing = `publishing the TXT record ${record.type === 'dns-01' ? record.name : ''}`;
      try {
        const changeId = await change('UPSERT', record, signal);
        for (;;) {
          if (changeId === undefined) return;
          const status = (await client.send(new GetChangeCommand({ Id: changeId }), { abortSignal: signal })).ChangeInfo?.Status;
          if (status === 'INSYNC') return;
          await sleep(pollMs, undefined, { signal });
        }
      } catch (error) {
        if (signal.aborted && !outer.aborted) {
          throw new SfbError('ISSUER_TIMEOUT', `Route 53 did not report the TXT record in hosted zone ${zoneId} INSYNC within ${timeoutMs / 1000} s; nothing was stored. Run \`pulumi up\` again later, or raise \`propagationTimeoutSeconds\`.`, true);
        }
        throw translate(error, doing, zoneId, signal);
      }
    },
    async cleanUp(record, signal) {
      try {
        await change('DELETE', record, signal);
      } catch (error) {
        // Already gone (an operator, or a retried clean-up): the goal is reached.
        if ((error as AwsLikeError).name === 'InvalidChangeBatch' && /not found/i.test((error as AwsLikeError).message ?? '')) return;
        throw translate(error, `removing the TXT record ${record.type === 'dns-01' ? record.name : ''}`, zoneId, signal);
      }
    },
  };
}
