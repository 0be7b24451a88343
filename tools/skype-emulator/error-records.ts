/**
 * ErrorRecords as scripts see them (`$_` in a catch block, -ErrorVariable): the object PowerShell
 * builds around an error, with its CategoryInfo and, for errors raised on a remote computer,
 * OriginInfo.
 */
import type { PsError } from './binder';
import { PsEnum, PsObject, type PsValue } from './values';

const ERROR_RECORD = 'System.Management.Automation.ErrorRecord';

/** An ErrorRecord as scripts see it ($_ in catch, -ErrorVariable). */
export class PsErrorRecord extends PsObject {
  constructor(readonly error: PsError, runspaceId: string) {
    const d = error.details;
    const exceptionName = error.exceptionType.slice(error.exceptionType.lastIndexOf('.') + 1);
    const properties: [string, PsValue][] = [
      ['Exception', new PsObject(error.exceptionType, [['Message', error.message], ['__ToString', error.message]])],
      ['TargetObject', d.targetName ?? null],
      ['CategoryInfo', new PsObject('System.Management.Automation.ErrorCategoryInfo', [
        ['Category', new PsEnum('System.Management.Automation.ErrorCategory', error.category, ERROR_CATEGORIES.indexOf(error.category))],
        ['Activity', error.command],
        ['Reason', exceptionName],
        ['TargetName', d.targetName ?? ''],
        ['TargetType', d.targetName === undefined ? '' : 'String'],
      ])],
      ['FullyQualifiedErrorId', error.fqid],
      ['ErrorDetails', null],
      ['InvocationInfo', null],
      ['ScriptStackTrace', ''],
      ['PipelineIterationInfo', []],
    ];
    // Only errors raised on a remote computer carry OriginInfo (RemotingErrorRecord).
    if (d.origin !== undefined) {
      properties.push(['OriginInfo', new PsObject('System.Management.Automation.Remoting.OriginInfo', [['PSComputerName', d.origin], ['RunspaceID', runspaceId], ['__ToString', d.origin]])]);
      properties.push(['PSComputerName', d.origin]);
    }
    super(ERROR_RECORD, properties);
  }
}

/** System.Management.Automation.ErrorCategory, in enum order. */
const ERROR_CATEGORIES = [
  'NotSpecified', 'OpenError', 'CloseError', 'DeviceError', 'DeadlockDetected', 'InvalidArgument', 'InvalidData', 'InvalidOperation',
  'InvalidResult', 'InvalidType', 'MetadataError', 'NotImplemented', 'NotInstalled', 'ObjectNotFound', 'OperationStopped',
  'OperationTimeout', 'SyntaxError', 'ParserError', 'PermissionDenied', 'ResourceBusy', 'ResourceExists', 'ResourceUnavailable',
  'ReadError', 'WriteError', 'FromStdErr', 'SecurityError', 'ProtocolError', 'ConnectionError', 'AuthenticationError',
  'LimitsExceeded', 'QuotaExceeded', 'NotEnabled',
];
