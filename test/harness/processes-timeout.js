// The processes project's bound for a test or a hook: its tests start the emulator, the CLI or a
// child Node, a few seconds each on a loaded machine; one that hangs still fails in two minutes,
// not after the integration project's ten.
jest.setTimeout(120_000);
