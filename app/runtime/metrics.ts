import type { MetricsRecord } from '../../agents/trainer.ts';

/** metrics.jsonl: one JSON object per line, envSteps and wallTime always present. */

export function metricsLine(record: MetricsRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Parses metrics.jsonl. A process killed mid-append leaves a partial last line: it is dropped, while damage
 * anywhere else is an error, because a silently shortened curve would mislead a report.
 */
export function parseMetrics(text: string, source = 'metrics.jsonl'): MetricsRecord[] {
  const lines = text.split('\n');
  const records: MetricsRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      const record = JSON.parse(line) as MetricsRecord;
      if (typeof record.envSteps !== 'number' || typeof record.wallTime !== 'number') throw new Error('no envSteps/wallTime');
      records.push(record);
    } catch {
      if (i === lines.length - 1) break;
      throw new Error(`${source}: line ${i + 1} is not a metrics record`);
    }
  }
  return records;
}

/** The latest finite episode return among `records`, or null. */
export function latestReturn(records: readonly MetricsRecord[]): number | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const value = records[i].episode_return;
    if (Number.isFinite(value)) return value;
  }
  return null;
}
