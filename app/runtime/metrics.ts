import type { MetricsRecord } from '../../agents/contract.ts';

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
    const record = parseRecord(line);
    if (record !== null) records.push(record);
    else if (i === lines.length - 1) break;
    else throw new Error(`${source}: line ${i + 1} is not a metrics record`);
  }
  return records;
}

function parseRecord(line: string): MetricsRecord | null {
  try {
    const record = JSON.parse(line) as MetricsRecord;
    return typeof record === 'object' && record !== null && typeof record.envSteps === 'number' && typeof record.wallTime === 'number'
      ? record
      : null;
  } catch {
    return null;
  }
}

/**
 * What metrics.jsonl must become before anything is appended to it, or null when it already ends with a whole
 * line. A write cut off mid-line (a full disk, a kill) leaves a torn tail; a record appended onto it would be
 * glued to it and the file would stay unreadable from then on. A tail that is a whole record short of its
 * newline is completed; anything else after the last newline is cut away.
 */
export function repairedMetricsText(text: string): string | null {
  if (text === '' || text.endsWith('\n')) return null;
  const cut = text.lastIndexOf('\n') + 1;
  return parseRecord(text.slice(cut).trim()) !== null ? `${text}\n` : text.slice(0, cut);
}

/** The latest finite episode return among `records`, or null. */
export function latestReturn(records: readonly MetricsRecord[]): number | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const value = records[i].episode_return;
    if (Number.isFinite(value)) return value;
  }
  return null;
}
