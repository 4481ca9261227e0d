import { isRobotName, robotInfo } from '../../sim/registry.ts';

/**
 * Observation and action layouts with units, for the policy card. sim/'s robot registry is the one table of
 * what each index means (RobotInfo.observationLayout / actionLayout); the command line and the app both read it
 * through robotLayout.
 */
export interface SignalEntry {
  readonly name: string;
  readonly unit: string;
}

export interface RobotLayout {
  readonly observation: readonly SignalEntry[];
  readonly action: readonly SignalEntry[];
  /** Where the layout comes from, shown in the card. */
  readonly source: string;
}

const entry = (name: string, unit: string): SignalEntry => ({ name, unit });

/** The layout sim/ gives a robot whose sizes match, or generic names with unknown units. */
export function robotLayout(robot: string, observationSize: number, actionSize: number): RobotLayout {
  const known = isRobotName(robot) ? layoutFromRobotInfo(robotInfo(robot), observationSize, actionSize) : null;
  if (known) return known;
  return {
    observation: Array.from({ length: observationSize }, (_, i) => entry(`observation ${i}`, 'unknown')),
    action: Array.from({ length: actionSize }, (_, i) => entry(`action ${i}`, 'normalised [-1, 1]')),
    source: 'unknown (no layout for this robot and size)',
  };
}

function signalList(value: unknown, size: number): SignalEntry[] | null {
  if (!Array.isArray(value) || value.length !== size) return null;
  const entries = value.map((item: unknown) => {
    const record = item as { name?: unknown; unit?: unknown } | null;
    return typeof record?.name === 'string' && typeof record.unit === 'string' ? entry(record.name, record.unit) : null;
  });
  return entries.every((item) => item !== null) ? (entries as SignalEntry[]) : null;
}

/**
 * The layout a robot description from sim/ carries (fields observationLayout and actionLayout: arrays of
 * {name, unit}), or null when it has none or its sizes disagree.
 */
export function layoutFromRobotInfo(info: unknown, observationSize: number, actionSize: number): RobotLayout | null {
  const record = info as { observationLayout?: unknown; actionLayout?: unknown } | null;
  const observation = signalList(record?.observationLayout, observationSize);
  const action = signalList(record?.actionLayout, actionSize);
  return observation && action ? { observation, action, source: 'the robot description in sim/' } : null;
}
