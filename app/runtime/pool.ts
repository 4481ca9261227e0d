/**
 * Runs `work` over `items` with at most `limit` in flight, starting the next as soon as one ends, and stops
 * starting new ones once `shouldStop` says so. Results keep the order of `items` (null for items never started).
 */
export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  shouldStop: () => boolean = () => false,
): Promise<(R | null)[]> {
  if (!(limit >= 1)) throw new Error(`pool limit must be at least 1, got ${limit}`);
  const results: (R | null)[] = items.map(() => null);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length && !shouldStop()) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
