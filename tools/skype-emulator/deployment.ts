/**
 * The documented semantics of the deployment, on the state (docs/skype-emulator.md):
 * - Skype keeps a current and a previous certificate per type; a set without -Roll makes the new
 *   one current at once, the old current becomes previous (a third set drops the oldest);
 * - a roll waits in `scheduled` and takes effect at its effective date on the emulated clock,
 *   evaluated whenever the state is read, on the CMS and on every replica alike;
 * - each change of the global assignments is a new CMS version; a replica takes a version once
 *   `replicationDelaySeconds` of emulated time have passed since it was made, except a stale one.
 */
import type { Assignment, CmsVersion, EmulatorState, Slot, Slots } from './state';

const ms = (iso: string): number => Date.parse(iso);

/** The slot as it stands at `now`: a roll whose date has come is current, the old one previous. */
export function effectiveSlot(slot: Slot, now: Date): Slot {
  const { scheduled } = slot;
  if (!scheduled || ms(scheduled.effectiveDate) > now.getTime()) return slot;
  if (slot.current?.thumbprint === scheduled.thumbprint) return { current: slot.current, ...(slot.previous ? { previous: slot.previous } : {}) };
  const previous = slot.current ?? slot.previous;
  return { current: scheduled, ...(previous ? { previous } : {}) };
}

export function effectiveSlots(slots: Slots, now: Date): Record<string, Slot> {
  return Object.fromEntries(Object.entries(slots).map(([type, slot]) => [type, effectiveSlot(slot, now)]));
}

export function latestCms(state: EmulatorState): CmsVersion {
  const latest = state.cms.history[state.cms.history.length - 1];
  if (!latest) throw new Error('the CMS history is empty');
  return latest;
}

function cmsVersion(state: EmulatorState, version: number): CmsVersion {
  const found = state.cms.history.find((v) => v.version === version);
  if (!found) throw new Error(`CMS version ${version} is missing from the history`);
  return found;
}

/** Brings every replica up to what it holds at `now`, and forgets versions no replica needs. */
export function settle(state: EmulatorState, now: Date): void {
  const delay = state.config.replicationDelaySeconds * 1000;
  for (const server of state.config.servers) {
    const replica = (state.replicas[server] ??= { version: 0 });
    if (state.config.stale.includes(server)) continue;
    if (replica.resyncAt !== undefined) {
      if (ms(replica.resyncAt) > now.getTime()) continue;
      const resyncAt = ms(replica.resyncAt);
      delete replica.resyncAt;
      // A full replication hands over the newest version made by the time it ran.
      const newest = [...state.cms.history].reverse().find((v) => ms(v.createdAt) <= resyncAt);
      if (newest && newest.version > replica.version) replica.version = newest.version;
    }
    const due = [...state.cms.history].reverse().find((v) => ms(v.createdAt) + delay <= now.getTime());
    if (due && due.version > replica.version) replica.version = due.version;
  }
  const oldestNeeded = Math.min(latestCms(state).version, ...Object.values(state.replicas).map((r) => r.version));
  state.cms.history = state.cms.history.filter((v) => v.version >= oldestNeeded);
}

/** The CMS's global assignments at `now`. */
export function cmsSlots(state: EmulatorState, now: Date): Record<string, Slot> {
  return effectiveSlots(latestCms(state).slots, now);
}

/** What a server's replica says the global assignments are at `now` (after settle). */
export function replicaSlots(state: EmulatorState, server: string, now: Date): Record<string, Slot> {
  return effectiveSlots(cmsVersion(state, state.replicas[server]?.version ?? 0).slots, now);
}

/** Whether a local-scope slot overrides the global assignment on its server: it assigns something. */
export function localOverrides(slot: Slot | undefined): slot is Slot {
  return slot !== undefined && (slot.current !== undefined || slot.scheduled !== undefined);
}

/**
 * What a server uses per type at `now`: its local-scope assignment (Set-CsCertificate without
 * -Identity, run on that server) where it has one, else its replica of the global one. A local
 * assignment stays on that server only (it is not in the CMS, so replication never undoes it);
 * removing it (Remove-CsCertificate without -Identity, on that server) hands the server back to
 * the global assignment (docs/skype-emulator.md, question 7).
 */
export function serverSlots(state: EmulatorState, server: string, now: Date): Record<string, { slot: Slot; scope: 'Global' | 'Local' }> {
  const out: Record<string, { slot: Slot; scope: 'Global' | 'Local' }> = {};
  for (const [type, slot] of Object.entries(replicaSlots(state, server, now))) out[type] = { slot, scope: 'Global' };
  for (const [type, slot] of Object.entries(state.local[server] ?? {})) {
    const effective = effectiveSlot(slot, now);
    if (localOverrides(effective)) out[type] = { slot: effective, scope: 'Local' };
  }
  return out;
}

export interface ReplicaStatus {
  readonly server: string;
  readonly upToDate: boolean;
  /** When the CMS version the replica holds was made. */
  readonly lastUpdateCreation: string;
}

export function replicaStatus(state: EmulatorState, server: string): ReplicaStatus {
  const replica = state.replicas[server] ?? { version: 0 };
  return {
    server,
    upToDate: replica.resyncAt === undefined && replica.version === latestCms(state).version,
    lastUpdateCreation: cmsVersion(state, replica.version).createdAt,
  };
}

/** Writes a new CMS version with `slots`, made at `now`. */
export function commitCms(state: EmulatorState, slots: Record<string, Slot>, now: Date): void {
  state.cms.history.push({ version: latestCms(state).version + 1, createdAt: now.toISOString(), slots });
}

/**
 * Assigns `thumbprint` to `type` in `slots` (already effective at `now`): at once without
 * `rollAt`, else as the scheduled roll (replacing an earlier scheduled one). Returns the new
 * slot, or null when nothing changes (the same certificate already current, or already
 * scheduled for the same date): setting the same thing twice writes nothing.
 */
export function assign(slot: Slot, thumbprint: string, now: Date, rollAt?: Date): Slot | null {
  const stamp = now.toISOString();
  if (rollAt === undefined || rollAt.getTime() <= now.getTime()) {
    if (slot.current?.thumbprint === thumbprint && !slot.scheduled) return null;
    const made: Assignment = { thumbprint, effectiveDate: stamp, updateTime: stamp };
    if (slot.current?.thumbprint === thumbprint) return { current: slot.current, ...(slot.previous ? { previous: slot.previous } : {}) };
    const previous = slot.current ?? slot.previous;
    return { current: made, ...(previous ? { previous } : {}) };
  }
  if (slot.scheduled?.thumbprint === thumbprint && ms(slot.scheduled.effectiveDate) === rollAt.getTime()) return null;
  if (slot.current?.thumbprint === thumbprint) {
    // Rolling to the certificate that is already current: only a pending roll is cancelled.
    if (!slot.scheduled) return null;
    return { current: slot.current, ...(slot.previous ? { previous: slot.previous } : {}) };
  }
  return { ...slot, scheduled: { thumbprint, effectiveDate: rollAt.toISOString(), updateTime: stamp } };
}

/** Removes the current (or with `previous`, the previous) assignment; null when there is none. */
export function unassign(slot: Slot, previous: boolean): Slot | null {
  if (previous) {
    if (!slot.previous) return null;
    const { previous: _dropped, ...rest } = slot;
    return rest;
  }
  if (!slot.current) return null;
  const { current: _dropped, ...rest } = slot;
  return rest;
}
