/** The next renewal date as `status` and `review` show it, from what a stack recorded. */
import { readStackOutputs } from '../../provider/domain/stack-outputs';
import { statusReport } from '../../provider/domain/status-report';
import { renderStatusText } from '../../provider/cli/status-text';
import { oldCertificateState } from '../../provider/adapters/pulumi-preview/property-values';
import { reviewOf, URN, A } from '../builders/preview-json';
import { renderReviewMarkdown } from '../../provider/cli/review-markdown';

const THUMBPRINT = 'A'.repeat(40);
const NEXT = '2027-03-03T00:00:00.000Z';
const NOW = new Date('2027-01-15T00:00:00Z');

describe('status', () => {
  it('reads nextRenewalAt from the stack outputs and prints it', () => {
    const read = readStackOutputs({ thumbprint: THUMBPRINT, notAfter: '2027-04-02T00:00:00Z', nextRenewalAt: '2027-03-03T00:00:00Z' });
    expect(read).toEqual({ ok: true, record: { thumbprint: THUMBPRINT, notAfter: '2027-04-02T00:00:00.000Z', nextRenewalAt: NEXT } });
    const report = statusReport({ now: NOW, warnBeforeExpiryDays: 30, stack: read.ok ? read.record : {} });
    expect(report.nextRenewalAt).toBe(NEXT);
    expect(renderStatusText(report)).toContain('\nNext renewal: 2027-03-03T00:00Z (a scheduled `pulumi up` orders it then)\n');
  });

  it('refuses a nextRenewalAt that is not an instant, and says nothing of renewal without one', () => {
    expect(readStackOutputs({ thumbprint: THUMBPRINT, nextRenewalAt: 'soon' })).toMatchObject({ ok: false });
    const report = statusReport({ now: NOW, warnBeforeExpiryDays: 30, stack: { thumbprint: THUMBPRINT } });
    expect(report).not.toHaveProperty('nextRenewalAt');
    expect(renderStatusText(report)).not.toContain('Next renewal');
  });
});

describe('review', () => {
  it('reads nextRenewalAt from the recorded outputs only when there is one', () => {
    expect(oldCertificateState({ outputs: { thumbprint: THUMBPRINT, notAfter: '2027-04-02T00:00:00Z', nextRenewalAt: NEXT } }).nextRenewalAt).toBe(NEXT);
    expect(oldCertificateState({ outputs: { thumbprint: THUMBPRINT } })).not.toHaveProperty('nextRenewalAt');
  });

  it('shows the next renewal of an updated certificate in the comment', () => {
    const outputs = { thumbprint: A.thumbprint, notAfter: A.notAfter, nextRenewalAt: NEXT, plan: 'x' };
    const document = { steps: [{ op: 'update', urn: URN, oldState: { urn: URN, type: URN.split('::')[2], outputs, inputs: outputs }, newState: { urn: URN, type: URN.split('::')[2], inputs: outputs } }], diagnostics: [] };
    const review = reviewOf(document, NOW);
    expect(review.certificates.map((c) => c.nextRenewalAt)).toEqual([NEXT]);
    expect(renderReviewMarkdown(review)).toContain('- Next renewal: 2027-03-03T00:00Z');
  });
});
