/**
 * The SIP domain rule. Skype accepts as OAuthTokenIssuer "any Web server certificate that
 * includes the name of your SIP domain" (docs/skype-oauth-token-issuer.md).
 * A name n (Subject CN or SAN DNS name) carries domain d when n == d, n ends with "." + d, or
 * n == "*." + d; case-insensitive, a trailing dot ignored. "notcontoso.com" does not carry
 * "contoso.com".
 */

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Whether `name` carries `sipDomain`. */
export function nameCarriesSipDomain(name: string, sipDomain: string): boolean {
  const n = normalise(name);
  const d = normalise(sipDomain);
  if (d === '') return false;
  return n === d || n.endsWith('.' + d) || n === '*.' + d;
}

/** Whether any of `names` carries `sipDomain`. */
export function namesCarrySipDomain(names: readonly string[], sipDomain: string): boolean {
  return names.some((name) => nameCarriesSipDomain(name, sipDomain));
}

/**
 * A syntactically plausible SIP domain: at least two DNS labels of letters, digits and hyphens,
 * any case, an optional trailing dot, and no white space (a stray space is an input mistake to
 * report, not to trim away silently).
 */
export function isPlausibleDomain(value: string): boolean {
  const d = value.toLowerCase().replace(/\.$/, '');
  const labels = d.split('.');
  return d.length > 0 && d.length <= 253 && labels.length >= 2 && labels.every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
}
