/**
 * PowerShell's certificate provider, as far as the provider's scripts use it: `Get-ChildItem
 * -LiteralPath 'Cert:\LocalMachine\My\<thumbprint>'` on a Front End Server, which returns that
 * certificate as an X509Certificate2 with the provider's extra `DnsNameList`, and
 * `[System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($c)`,
 * which returns its private key (an RSACryptoServiceProvider: the emulator keeps every key in a
 * CryptoAPI provider, **assumed**) whose `CspKeyContainerInfo.Exportable` says whether it can be
 * exported. A server's store holds the certificates imported on it (`Import-CsCertificate`
 * without `-Identity Global`). docs/skype-emulator.md cites each behaviour.
 */
import { PsError, type CmdletSpec } from './binder';
import type { Command } from './command-registry';
import type { CertificateRecord, EmulatorState } from './state';
import { PsDate, PsObject, unwrap, type PsValue } from './values';

export const GET_CHILD_ITEM: CmdletSpec = {
  name: 'Get-ChildItem',
  className: 'Microsoft.PowerShell.Commands.GetChildItemCommand',
  sets: ['Items', 'LiteralItems'],
  defaultSet: 'Items',
  params: [
    { name: 'Path', type: 'String[]', sets: ['Items'], position: 0 },
    { name: 'LiteralPath', type: 'String[]', aliases: ['PSPath', 'LP'], sets: ['LiteralItems'], mandatoryIn: ['LiteralItems'] },
  ],
};

const X509 = 'System.Security.Cryptography.X509Certificates.X509Certificate2';
const RSA_OID = '1.2.840.113549.1.1.1';
const STORE_PATH = /^(?:Microsoft\.PowerShell\.Security\\Certificate::|Cert:\\?)\\?LocalMachine\\My\\([^\\]+)$/i;

/** The certificate as the certificate provider returns it (the properties the scripts read). */
export function x509Object(record: CertificateRecord): PsObject {
  const rsa = record.keyBits !== null;
  return new PsObject(X509, [
    ['Thumbprint', record.thumbprint],
    ['Subject', record.subject],
    ['Issuer', record.issuer],
    ['SerialNumber', record.serialNumber],
    ['NotBefore', new PsDate(new Date(record.notBefore), 'Local')],
    ['NotAfter', new PsDate(new Date(record.notAfter), 'Local')],
    ['HasPrivateKey', record.hasPrivateKey],
    ['PublicKey', new PsObject('System.Security.Cryptography.X509Certificates.PublicKey', [
      ['Oid', new PsObject('System.Security.Cryptography.Oid', [['Value', rsa ? RSA_OID : '1.2.840.10045.2.1'], ['FriendlyName', rsa ? 'RSA' : 'ECC']])],
      ['Key', rsa ? new PsObject('System.Security.Cryptography.RSACryptoServiceProvider', [['KeySize', record.keyBits]]) : null],
    ])],
    // The certificate provider's DnsNameList: the SAN's DNS names (PowerShell's source).
    ['DnsNameList', record.alternativeNames.map((name) => new PsObject('Microsoft.PowerShell.Commands.DnsNameRepresentation', [['Punycode', name], ['Unicode', name], ['__ToString', name]]))],
    // What GetRSAPrivateKey reads: the key's size and whether its container allows export.
    ['__hasPrivateKey', record.hasPrivateKey && rsa],
    ['__keyBits', record.keyBits],
    ['__exportable', record.privateKeyExportable],
  ]);
}

export const RSA_CERTIFICATE_EXTENSIONS = 'System.Security.Cryptography.X509Certificates.RSACertificateExtensions';

/** `[RSACertificateExtensions]::GetRSAPrivateKey($certificate)`: the key with its container's exportability, or null. */
export function rsaCertificateExtensionsCall(name: string, args: readonly PsValue[]): PsValue {
  if (name.toLowerCase() !== 'getrsaprivatekey' || args.length !== 1) {
    throw new PsError('', `The Skype emulator models only [${RSA_CERTIFICATE_EXTENSIONS}]::GetRSAPrivateKey(certificate), not ${name} with ${args.length} argument(s) (docs/skype-emulator.md).`, { fqid: 'NotModelled', category: 'NotImplemented', exceptionType: 'System.NotSupportedException' });
  }
  const certificate = unwrap(args[0] as PsValue);
  if (!(certificate instanceof PsObject) || certificate.typeName !== X509) {
    throw new PsError('', `Cannot convert argument "certificate", with value: "${certificate === null ? '' : String(certificate)}", for "GetRSAPrivateKey" to type "${X509}".`, { fqid: 'MethodArgumentConversionInvalidCastArgument', category: 'NotSpecified', exceptionType: 'System.Management.Automation.MethodException' });
  }
  if (certificate.get('__hasPrivateKey') !== true) return null;
  return new PsObject('System.Security.Cryptography.RSACryptoServiceProvider', [
    ['KeySize', certificate.get('__keyBits') ?? null],
    ['CspKeyContainerInfo', new PsObject('System.Security.Cryptography.CspKeyContainerInfo', [['Exportable', certificate.get('__exportable') === true], ['ProviderName', 'Microsoft Enhanced RSA and AES Cryptographic Provider']])],
  ]);
}

/** Get-ChildItem over `Cert:\LocalMachine\My\<thumbprint>` of the server the command runs on. */
export function certificateProviderCmdlets(state: EmulatorState): Command[] {
  return [
    {
      spec: GET_CHILD_ITEM,
      run: ({ bound, scope, shell, errors }) => {
        const paths = bound.get<string[]>('LiteralPath') ?? bound.get<string[]>('Path') ?? [];
        const out: PsValue[] = [];
        for (const path of paths) {
          const match = STORE_PATH.exec(path);
          if (!match) throw new PsError(GET_CHILD_ITEM.name, `The Skype emulator models Get-ChildItem only on Cert:\\LocalMachine\\My\\<thumbprint>, not "${path}" (docs/skype-emulator.md).`, { fqid: 'NotModelled', category: 'NotImplemented', exceptionType: 'System.NotSupportedException' });
          const record = state.certificates[match[1]!.replace(/[\s\u200e]/g, '').toUpperCase()];
          if (record && record.importedOn.includes(scope.server)) {
            out.push(x509Object(record));
            continue;
          }
          shell.nonTerminating(new PsError(GET_CHILD_ITEM.name, `Cannot find path '${path}' because it does not exist.`, { fqid: 'PathNotFound,Microsoft.PowerShell.Commands.GetChildItemCommand', category: 'ObjectNotFound', targetName: path, exceptionType: 'System.Management.Automation.ItemNotFoundException' }), bound, scope, errors);
        }
        return out;
      },
    },
  ];
}
