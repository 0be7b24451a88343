import { migrateState, STATE_SCHEMA_VERSION } from '../../provider/domain/resource-state';

describe('migrateState', () => {
  it('reads schema 0 (currentThumbprint, no schemaVersion) as the current schema', () => {
    const { state, from } = migrateState({ sipDomain: 'contoso.com', currentThumbprint: 'A'.repeat(40), versionId: 'v' });
    expect(from).toBe(0);
    expect(state).toEqual({ sipDomain: 'contoso.com', thumbprint: 'A'.repeat(40), versionId: 'v', previousThumbprint: null, pendingThumbprint: null, schemaVersion: 1 });
  });

  it('leaves current state as it is', () => {
    const current = { schemaVersion: STATE_SCHEMA_VERSION, thumbprint: 'B'.repeat(40), previousThumbprint: 'A'.repeat(40), pendingThumbprint: null };
    expect(migrateState(current)).toEqual({ state: current, from: 1 });
  });

  it('refuses state from a newer provider with a clear code', () => {
    expect(() => migrateState({ schemaVersion: 99 })).toThrow(expect.objectContaining({ code: 'STATE_UNSUPPORTED' }));
  });
});
