// The unit project's bound for a test or a hook: a unit test that hangs fails in seconds, not
// after the integration project's ten minutes. A test that starts processes (the emulator, a
// child Node) and needs longer says so with its own timeout argument.
jest.setTimeout(10_000);
