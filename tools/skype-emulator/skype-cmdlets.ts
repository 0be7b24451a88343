/**
 * The SkypeForBusiness module's cmdlets over the emulated deployment: Get-, Set-, Import- and
 * Remove-CsCertificate, Get-CsManagementStoreReplicationStatus and
 * Invoke-CsManagementStoreReplication (skype-cmdlets.md; docs/skype-emulator.md). Their parameter
 * tables are in cmdlets.ts; the deployment's rules (CMS versions, replicas, rolls) in deployment.ts.
 */
import { writeFileSync } from 'node:fs';
import { CERT_TYPES, PsError, type Bound } from './binder';
import {
  GET_CS_CERTIFICATE, GET_REPLICATION_STATUS, IMPORT_CS_CERTIFICATE, INVOKE_REPLICATION, REMOVE_CS_CERTIFICATE, SET_CS_CERTIFICATE,
} from './cmdlets';
import type { Command, ShellServices } from './command-registry';
import { assign, cmsSlots, commitCms, effectiveSlot, replicaStatus, serverSlots, settle, unassign } from './deployment';
import { NON_INTERACTIVE } from './language-errors';
import { openPfx } from './pfx';
import type { Scope } from './scope';
import { checkPfxNotExposed } from './secret-rules';
import { readPfxOn } from './session-cmdlets';
import type { CertificateRecord, EmulatorState, Slot } from './state';
import { PsDate, PsObject, type PsValue } from './values';

/** The module's name, as Import-Module takes it. */
export const SKYPE_MODULE = 'SkypeForBusiness';

const CERTIFICATE_REFERENCE = 'Microsoft.Rtc.Management.Deployment.CertificateReference';
/** Skype Server 2019 CU's product version, as community scripts show ReplicaState.ProductVersion. */
const PRODUCT_VERSION = '7.0.2046.0';

/** Thumbprints as Windows compares them: hex, no spaces, any case. */
export function normaliseThumbprint(value: string): string {
  return value.replace(/[\s\u200e]/g, '').toUpperCase();
}

/** The module's cmdlets, acting on `state` at the run's time `now`. */
export class SkypeForBusinessCmdlets {
  constructor(private readonly state: EmulatorState, private readonly now: Date) {}

  commands(): Command[] {
    return [
      { spec: GET_CS_CERTIFICATE, run: ({ bound, scope }) => this.getCertificate(bound, scope) },
      { spec: SET_CS_CERTIFICATE, run: ({ bound, input, scope, shell }) => this.setCertificate(bound, input, scope, shell) },
      { spec: IMPORT_CS_CERTIFICATE, run: ({ bound, scope, shell }) => this.importCertificate(bound, scope, shell) },
      { spec: REMOVE_CS_CERTIFICATE, run: ({ bound, scope, shell }) => this.removeCertificate(bound, scope, shell) },
      { spec: GET_REPLICATION_STATUS, run: ({ bound }) => this.replicationStatus(bound) },
      { spec: INVOKE_REPLICATION, run: ({ bound }) => this.invokeReplication(bound) },
    ];
  }

  private reference(record: CertificateRecord | undefined, thumbprint: string, type: string, effective: string, updated: string, previous: string | null, scope: string): PsObject {
    const date = (iso: string | undefined): PsValue => (iso === undefined ? null : new PsDate(new Date(iso)));
    return new PsObject(CERTIFICATE_REFERENCE, [
      ['Issuer', record?.issuer ?? null],
      ['NotAfter', date(record?.notAfter)],
      ['NotBefore', date(record?.notBefore)],
      ['SerialNumber', record?.serialNumber ?? null],
      ['Subject', record?.subject ?? null],
      ['AlternativeNames', [...(record?.alternativeNames ?? [])]],
      ['Thumbprint', thumbprint],
      ['EffectiveDate', date(effective)],
      ['PreviousThumbprint', previous],
      ['UpdateTime', date(updated)],
      ['Use', type],
      ['SourceScope', scope],
    ]);
  }

  private slotObjects(type: string, slot: Slot, scope: string): PsObject[] {
    const out: PsObject[] = [];
    const { current, previous, scheduled } = slot;
    if (current) {
      out.push(this.reference(this.state.certificates[current.thumbprint], current.thumbprint, type, current.effectiveDate, current.updateTime, previous?.thumbprint ?? null, scope));
    }
    if (scheduled) {
      out.push(this.reference(this.state.certificates[scheduled.thumbprint], scheduled.thumbprint, type, scheduled.effectiveDate, scheduled.updateTime, current?.thumbprint ?? null, scope));
    }
    return out;
  }

  private getCertificate(bound: Bound, scope: Scope): PsValue[] {
    this.report(bound, 'Get-CsCertificate');
    const types = bound.get<string[]>('Type');
    const wanted = (type: string): boolean => !types || types.includes(type);
    const out: PsValue[] = [];
    if (bound.get<string>('Identity') === 'Global') {
      const global = cmsSlots(this.state, this.now);
      for (const type of CERT_TYPES) {
        const slot = global[type];
        if (slot && wanted(type)) out.push(...this.slotObjects(type, slot, 'Global'));
      }
      return out;
    }
    // Without -Identity: what this server uses, its local assignment in place of the global one.
    const used = serverSlots(this.state, scope.server, this.now);
    for (const type of CERT_TYPES) {
      const entry = used[type];
      if (entry && wanted(type)) out.push(...this.slotObjects(type, entry.slot, entry.scope));
    }
    return out;
  }

  /**
   * Whether Set/Remove act on the global scope: only with -Identity Global. Omitted means the
   * local computer (the server the command runs on), for every type, OAuthTokenIssuer included,
   * as the parameter tables say (docs/skype-emulator.md, question 7).
   */
  private isGlobal(bound: Bound): boolean {
    return bound.get<string>('Identity') === 'Global';
  }

  private rollDate(bound: Bound, command: string): Date | undefined {
    const effective = bound.get<Date>('EffectiveDate');
    if (bound.get<boolean>('Roll') === true && effective === undefined) {
      throw new PsError(command, 'Command execution failed: The Roll parameter requires the EffectiveDate parameter; give -EffectiveDate with -Roll (the date the new certificate becomes current).');
    }
    return bound.get<boolean>('Roll') === true ? effective : undefined;
  }

  private whatIf(bound: Bound, command: string, target: string, shell: ShellServices): boolean {
    if (bound.get<boolean>('WhatIf') !== true) return false;
    shell.writeLine(`What if: Performing the operation "${command}" on target "${target}".`);
    return true;
  }

  private report(bound: Bound, command: string): void {
    const path = bound.get<string>('Report');
    if (!path) return;
    try {
      writeFileSync(path, `<html><body><p>${command} ran at ${this.now.toISOString()} (Skype emulator).</p></body></html>\n`);
    } catch (error) {
      throw new PsError(command, `Could not find a part of the path '${path}'. (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  /** Assigns a certificate to types, globally (a new CMS version) or on this server. */
  private assignTypes(command: string, bound: Bound, types: readonly string[], thumbprint: string, server: string, rollAt: Date | undefined): void {
    const record = this.state.certificates[thumbprint];
    if (record && !record.hasPrivateKey && types.includes('OAuthTokenIssuer')) {
      throw new PsError(command, `Command execution failed: The certificate with thumbprint "${thumbprint}" has no private key; OAuthTokenIssuer needs the certificate with its private key.`);
    }
    const globalSlots = cmsSlots(this.state, this.now);
    let globalChanged = false;
    for (const type of types) {
      if (this.isGlobal(bound)) {
        const next = assign(globalSlots[type] ?? {}, thumbprint, this.now, rollAt);
        if (next) {
          globalSlots[type] = next;
          globalChanged = true;
        }
      } else {
        const local = (this.state.local[server] ??= {});
        const next = assign(effectiveSlot(local[type] ?? {}, this.now), thumbprint, this.now, rollAt);
        if (next) local[type] = next;
      }
    }
    if (globalChanged) commitCms(this.state, globalSlots, this.now);
  }

  private async setCertificate(bound: Bound, input: PsValue[] | undefined, scope: Scope, shell: ShellServices): Promise<PsValue[]> {
    const command = SET_CS_CERTIFICATE.name;
    const rollAt = this.rollDate(bound, command);
    const references: PsObject[] = bound.set === 'CertificateReference' ? (input ? input.map((i) => this.asReference(i)) : [bound.get<PsObject>('Reference') as PsObject]) : [];
    let thumbprints: string[];
    if (bound.set === 'Thumbprint') thumbprints = [normaliseThumbprint(bound.get<string>('Thumbprint') ?? '')];
    else if (bound.set === 'CertificateReference') thumbprints = references.map((r) => String(r.get('Thumbprint') ?? ''));
    else thumbprints = [];
    const types = bound.get<string[]>('Type') ?? (bound.set === 'CertificateReference' ? references.map((r) => String(r.get('Use') ?? '')) : undefined);
    if (!types || types.length === 0) {
      throw new PsError(command, 'Command execution failed: Specify the certificate use with -Type (for example -Type OAuthTokenIssuer); the emulator does not guess one (docs/skype-emulator.md).');
    }
    if (this.whatIf(bound, command, types.join(', '), shell)) return [];
    this.report(bound, command);
    if (bound.set === 'Path') {
      const record = await this.importPfx(command, bound, scope, bound.get<string>('Identity') === 'Global', false, shell);
      thumbprints = [record.thumbprint];
    }
    for (const thumbprint of thumbprints) {
      const record = this.state.certificates[thumbprint];
      if (!record || !(record.global || record.importedOn.includes(scope.server))) {
        throw new PsError(command, `Command execution failed: The certificate with thumbprint "${thumbprint}" is not in the certificate store of ${scope.server} nor imported globally; import it first (Import-CsCertificate).`);
      }
      this.assignTypes(command, bound, types, thumbprint, scope.server, rollAt);
    }
    return [];
  }

  private asReference(value: PsValue): PsObject {
    if (value instanceof PsObject && value.typeName === CERTIFICATE_REFERENCE) return value;
    throw new PsError(SET_CS_CERTIFICATE.name, `The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.`);
  }

  private async importCertificate(bound: Bound, scope: Scope, shell: ShellServices): Promise<PsValue[]> {
    const command = IMPORT_CS_CERTIFICATE.name;
    const rollAt = this.rollDate(bound, command);
    if (this.whatIf(bound, command, bound.get<string>('Path') ?? '', shell)) return [];
    this.report(bound, command);
    const isCms = bound.set === 'CMS';
    const record = await this.importPfx(command, bound, scope, isCms, bound.get<boolean>('PrivateKeyExportable') === true, shell);
    if (isCms) this.assignTypes(command, bound, bound.get<string[]>('Type') ?? [], record.thumbprint, scope.server, rollAt);
    return [];
  }

  /** Reads and opens the PFX (-Path, -Password), checks the secret rules, records the certificate. */
  private async importPfx(command: string, bound: Bound, scope: Scope, global: boolean, exportable: boolean, shell: ShellServices): Promise<CertificateRecord> {
    const server = scope.server;
    const path = bound.get<string>('Path') as string;
    const password = bound.get<string | null>('Password') ?? null;
    // On a Front End inside a remote block, a file copied there (Copy-Item -ToSession) is read from its disk.
    const bytes = readPfxOn(this.state, scope.machine, command, path);
    checkPfxNotExposed(shell.exposure, password, bytes);
    const opened = await openPfx(bytes, password, this.now);
    if (!opened.ok) throw new PsError(command, `Command execution failed: ${opened.message}`);
    const { pfx } = opened;
    const existing = this.state.certificates[pfx.thumbprint];
    const record: CertificateRecord = {
      thumbprint: pfx.thumbprint,
      subject: pfx.subject,
      issuer: pfx.issuer,
      serialNumber: pfx.serialNumber,
      notBefore: pfx.notBefore.toISOString(),
      notAfter: pfx.notAfter.toISOString(),
      alternativeNames: pfx.alternativeNames,
      keyBits: pfx.keyBits,
      hasPrivateKey: pfx.hasPrivateKey,
      global: global || (existing?.global ?? false),
      importedOn: [...new Set([...(existing?.importedOn ?? []), server])],
      privateKeyExportable: exportable || (existing?.privateKeyExportable ?? false),
    };
    this.state.certificates[pfx.thumbprint] = record;
    return record;
  }

  /**
   * Remove-CsCertificate: with -Identity Global, from the CMS (a new version the replicas take);
   * without, from the local-scope assignment of the server it runs on. Removes the current
   * certificate, or with -Previous the previous one. The current one is in use: the cmdlet asks
   * first, which -NonInteractive refuses unless -Force. Nothing assigned in that scope (or no
   * previous certificate with -Previous): nothing is removed, no error.
   */
  private removeCertificate(bound: Bound, scope: Scope, shell: ShellServices): PsValue[] {
    const command = REMOVE_CS_CERTIFICATE.name;
    const previous = bound.get<boolean>('Previous') === true;
    const isGlobal = this.isGlobal(bound);
    const globalSlots = cmsSlots(this.state, this.now);
    const local = (this.state.local[scope.server] ??= {});
    const slotOf = (type: string): Slot | undefined => (isGlobal ? globalSlots[type] : local[type] && effectiveSlot(local[type], this.now));
    const types = bound.get<string[]>('Type') ?? CERT_TYPES.filter((t) => slotOf(t) !== undefined);
    if (this.whatIf(bound, command, types.join(', '), shell)) return [];
    this.report(bound, command);
    const changes: [string, Slot][] = [];
    for (const type of types) {
      const slot = slotOf(type);
      if (!slot) continue;
      if (!previous && slot.current && bound.get<boolean>('Force') !== true) throw new PsError(command, NON_INTERACTIVE);
      const next = unassign(slot, previous);
      if (next) changes.push([type, next]);
    }
    // All types or none: a prompt refused for one type leaves the others as they were.
    for (const [type, next] of changes) {
      if (isGlobal) globalSlots[type] = next;
      else if (next.current || next.scheduled || next.previous) local[type] = next;
      else delete local[type];
    }
    if (isGlobal && changes.length > 0) commitCms(this.state, globalSlots, this.now);
    return [];
  }

  private replicationStatus(bound: Bound): PsValue[] {
    const now = new PsDate(this.now);
    const servers = this.state.config.servers;
    if (bound.get<boolean>('CentralManagementStoreStatus') === true) {
      const master = this.state.config.localServer;
      return [new PsObject('Microsoft.Rtc.Management.Xds.CentralManagementStoreStatusResult', [
        ['ActiveMasterFQDN', master],
        ['ActiveFileTransferAgents', [master]],
        ['ActiveReplicas', [...servers]],
        ['DeletedReplicas', []],
        ['ActiveMasterLastHeartbeat', now],
        ['ActiveFileTransferAgentsLastHeartbeat', now],
      ])];
    }
    const wanted = bound.get<string>('ReplicaFqdn')?.toLowerCase();
    return servers.filter((s) => wanted === undefined || s === wanted).map((server) => {
      const status = replicaStatus(this.state, server);
      return new PsObject('Microsoft.Rtc.Management.Xds.ReplicaState', [
        ['ReplicaFqdn', server],
        ['UpToDate', status.upToDate],
        ['LastStatusReport', now],
        ['LastUpdateCreation', new PsDate(new Date(status.lastUpdateCreation))],
        ['ProductVersion', PRODUCT_VERSION],
      ]);
    });
  }

  private invokeReplication(bound: Bound): PsValue[] {
    const wanted = bound.get<string>('ReplicaFqdn')?.toLowerCase();
    const servers = this.state.config.servers.filter((s) => wanted === undefined || s === wanted);
    if (servers.length === 0) {
      throw new PsError(INVOKE_REPLICATION.name, `Command execution failed: "${bound.get<string>('ReplicaFqdn') ?? ''}" is not a replica in the topology; give one of ${this.state.config.servers.join(', ')}.`);
    }
    // A full replication: the status is deleted now and comes back when the replica has caught
    // up, a replication delay later (the docs warn of 2-3 minutes); a stale server never does.
    const at = new Date(this.now.getTime() + this.state.config.replicationDelaySeconds * 1000).toISOString();
    for (const server of servers) {
      const replica = (this.state.replicas[server] ??= { version: 0 });
      replica.resyncAt = at;
    }
    settle(this.state, this.now);
    return [];
  }
}
