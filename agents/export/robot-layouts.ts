/**
 * Observation and action layouts with units, for the policy card. sim/ is the owner of what each index
 * means; until its robot descriptions carry a layout, these follow Gymnasium's v5 documentation of the same
 * robots (which Sinew's robots reproduce). Callers that have a layout from sim pass it instead.
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
const GYMNASIUM = 'Gymnasium v5 documentation (Sinew built-in table)';

const builtInLayouts: Readonly<Record<string, RobotLayout>> = {
  reacher: {
    observation: [
      entry('cos(joint0 angle)', '1'), entry('cos(joint1 angle)', '1'), entry('sin(joint0 angle)', '1'), entry('sin(joint1 angle)', '1'),
      entry('target x', 'm'), entry('target y', 'm'), entry('joint0 angular velocity', 'rad/s'), entry('joint1 angular velocity', 'rad/s'),
      entry('fingertip x - target x', 'm'), entry('fingertip y - target y', 'm'),
    ],
    action: [entry('joint0 torque', 'normalised [-1, 1] (x gear 200)'), entry('joint1 torque', 'normalised [-1, 1] (x gear 200)')],
    source: GYMNASIUM,
  },
  hopper: {
    observation: [
      entry('torso height (rootz)', 'm'), entry('torso angle (rooty)', 'rad'), entry('thigh joint angle', 'rad'), entry('leg joint angle', 'rad'),
      entry('foot joint angle', 'rad'), entry('torso x velocity', 'm/s'), entry('torso z velocity', 'm/s'), entry('torso angular velocity', 'rad/s'),
      entry('thigh joint angular velocity', 'rad/s'), entry('leg joint angular velocity', 'rad/s'), entry('foot joint angular velocity', 'rad/s'),
    ],
    action: [entry('thigh torque', 'normalised [-1, 1] (x gear 200)'), entry('leg torque', 'normalised [-1, 1] (x gear 200)'), entry('foot torque', 'normalised [-1, 1] (x gear 200)')],
    source: GYMNASIUM,
  },
};

/** The layout for a robot whose sizes match, or generic names with unknown units. */
export function robotLayout(robot: string, observationSize: number, actionSize: number): RobotLayout {
  const known = builtInLayouts[robot];
  if (known && known.observation.length === observationSize && known.action.length === actionSize) return known;
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
