/** The `console.warn` lines printed while `body` runs (the provider's warnings reach the engine so), not shown. */
export async function warnings<T>(body: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const result = await body();
    return { result, lines: warn.mock.calls.map((call) => String(call[0])) };
  } finally {
    warn.mockRestore();
  }
}
