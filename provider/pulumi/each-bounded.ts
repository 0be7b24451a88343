/**
 * Runs a task for each item with at most `limit` running at once. Written here rather than taken
 * from p-limit: p-limit 4 and later are ES modules only, which this CommonJS package cannot
 * `require` on every Node it supports (require of an ES module is unflagged from Node 22.12 only;
 * engines: >=22), and its last CommonJS line (3.x) is not developed further. Ten lines need no
 * dependency of the provider's runtime.
 */

/** Calls `task` for each item, at most `limit` at once; resolves when every one has. A task must not throw (each reports its own failure). */
export async function eachBounded<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
