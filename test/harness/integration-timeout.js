// The integration project's bound for a test or a hook: one engine test walks a stack through
// many `pulumi up`s (seconds each, more on a loaded machine), each command bounded by its own
// deadline (test/harness/process.ts), so a hang fails within ten minutes, not never.
jest.setTimeout(600_000);
