/**
 * The scripts for a certificate a Front End Server already has, in the frame and under the rules
 * of scripts.ts (docs/shell-contract.md): both run on the named server through `Invoke-Command`,
 * because the certificate and its private key are in that server's `Cert:\LocalMachine\My`.
 *
 * - Read: `(Get-CsCertificate -Type Default).Thumbprint` when asked for the server's Default
 *   certificate, then the certificate itself from the store: names, dates (round-trip, UTC), the
 *   public key's algorithm (its OID, which no culture translates) and size, and whether the private
 *   key may be exported. .NET Framework 4.6+ gives the key through
 *   `RSACertificateExtensions.GetRSAPrivateKey`: a CryptoAPI key is an RSACryptoServiceProvider
 *   (`CspKeyContainerInfo.Exportable`), a CNG key an RSACng (`Key.ExportPolicy`, flags); a key
 *   the account cannot open is reported as unknown, never as exportable.
 * - Assign: `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint` on that server,
 *   with a roll's DateTime built there from the UTC instant (the zone guard runs there too).
 * The thumbprint is a validated 40-hex literal; no script holds a secret.
 */
import { credentialLines, framed, MARK, REMOTE_PREFERENCES, remotingParameters, rollLines, rollParameters, singleQuoted, type RollAt, type ScriptContext } from './scripts';

/** The record kind the read script prints its answer under. */
export const SERVER_CERTIFICATE_RECORD = 'server-certificate';

const indent = (lines: readonly string[]) => lines.map((line) => `    ${line}`);

function onServer(server: string, context: ScriptContext, block: readonly string[], collect: boolean): string[] {
  const call = `Invoke-Command -ComputerName ${singleQuoted(server)}${remotingParameters(context.remoting)} -ErrorAction Stop -ScriptBlock {`;
  return [
    ...credentialLines(context),
    collect ? `$answers = @(${call}` : call,
    ...indent(REMOTE_PREFERENCES),
    // The remote end is the Front End's own endpoint (Windows PowerShell 5.1): a plain import.
    '    Import-Module SkypeForBusiness',
    ...indent(block),
    collect ? '})' : '}',
  ];
}

/** Finds the certificate (by thumbprint, or the server's Default one) and prints its facts. */
export function readServerCertificateScript(server: string, query: { readonly thumbprint: string } | { readonly fromType: 'Default' }, context: ScriptContext): string {
  const find = 'thumbprint' in query
    ? [`$thumbprint = ${singleQuoted(query.thumbprint)}`]
    : [
        '$thumbprint = $null',
        `$reference = Get-CsCertificate -Type ${query.fromType} | Select-Object -First 1`,
        'if ($reference) { $thumbprint = $reference.Thumbprint }',
      ];
  const block = [
    ...find,
    '$facts = $null',
    'if ($thumbprint) {',
    "    $certificate = Get-ChildItem -LiteralPath ('Cert:\\LocalMachine\\My\\' + $thumbprint) -ErrorAction SilentlyContinue",
    '    if ($certificate) {',
    '        $keyBits = $null',
    "        if ($certificate.PublicKey.Oid.Value -eq '1.2.840.113549.1.1.1') { $keyBits = $certificate.PublicKey.Key.KeySize }",
    '        $cspExportable = $null',
    '        $cngExportPolicy = $null',
    '        $keyType = $null',
    '        if ($certificate.HasPrivateKey) {',
    '            try {',
    '                $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($certificate)',
    '                if ($key) {',
    '                    $keyType = $key.GetType().FullName',
    "                    if ($keyType -eq 'System.Security.Cryptography.RSACryptoServiceProvider') { $cspExportable = $key.CspKeyContainerInfo.Exportable }",
    "                    if ($keyType -eq 'System.Security.Cryptography.RSACng') { $cngExportPolicy = $key.Key.ExportPolicy }",
    '                }',
    '            }',
    '            catch {',
    '                $keyType = $null',
    '            }',
    '        }',
    '        $facts = [ordered]@{',
    '            thumbprint = $certificate.Thumbprint',
    '            subject = $certificate.Subject',
    "            dnsNames = @($certificate.DnsNameList | Select-Object -ExpandProperty 'Unicode')",
    "            notBefore = $certificate.NotBefore.ToUniversalTime().ToString('o')",
    "            notAfter = $certificate.NotAfter.ToUniversalTime().ToString('o')",
    '            keyAlgorithm = $certificate.PublicKey.Oid.Value',
    '            keyBits = $keyBits',
    '            hasPrivateKey = $certificate.HasPrivateKey',
    '            keyType = $keyType',
    '            cspExportable = $cspExportable',
    '            cngExportPolicy = $cngExportPolicy',
    '        }',
    '    }',
    '}',
    'ConvertTo-Json -Depth 4 -Compress -InputObject ([ordered]@{ thumbprint = $thumbprint; certificate = $facts })',
  ];
  return framed(context.edition, [
    ...onServer(server, context, block, true),
    'foreach ($answer in $answers) {',
    `    Write-Output ('${MARK}${SERVER_CERTIFICATE_RECORD} ' + $answer)`,
    '}',
  ]);
}

/** `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint`, run on the server that holds the certificate. */
export function assignFromServerScript(server: string, thumbprint: string, roll: RollAt | undefined, context: ScriptContext): string {
  return framed(context.edition, onServer(server, context, [...rollLines(roll), `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint ${singleQuoted(thumbprint)}${rollParameters(roll)}`], false));
}
