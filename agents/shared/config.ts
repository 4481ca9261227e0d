/**
 * Algorithm configs: one flat, typed object per algorithm whose defaults double as the schema. validateConfig
 * turns user input (a preset, CLI flags, a config.json) into that type or throws an Error naming the field.
 */

export type ConfigValue = number | boolean | string | readonly number[];
export type AlgorithmConfig = Readonly<Record<string, ConfigValue>>;

/** Extra constraints on a field beyond "same type as its default". */
export interface FieldRule {
  readonly min?: number;
  readonly max?: number;
  /** min is exclusive (e.g. a learning rate must be > 0). */
  readonly exclusiveMin?: boolean;
  readonly integer?: boolean;
  readonly oneOf?: readonly string[];
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'number[]';
  return typeof value;
}

function checkNumber(algorithm: string, field: string, value: number, rule: FieldRule | undefined): void {
  if (!Number.isFinite(value)) throw new Error(`${algorithm}: ${field} must be a finite number, got ${value}`);
  if (!rule) return;
  if (rule.integer && !Number.isInteger(value)) throw new Error(`${algorithm}: ${field} must be an integer, got ${value}`);
  if (rule.min !== undefined && (rule.exclusiveMin ? value <= rule.min : value < rule.min)) {
    throw new Error(`${algorithm}: ${field} must be ${rule.exclusiveMin ? '>' : '>='} ${rule.min}, got ${value}`);
  }
  if (rule.max !== undefined && value > rule.max) throw new Error(`${algorithm}: ${field} must be <= ${rule.max}, got ${value}`);
}

/**
 * Returns defaults overridden by `config`, after checking that every key is known, every value has the type
 * of its default and obeys its rule. Unknown keys are errors (a typo must not silently fall back to a default).
 */
export function validateConfig<C extends AlgorithmConfig>(
  algorithm: string,
  defaults: C,
  config: Readonly<Record<string, unknown>>,
  rules: Partial<Record<keyof C, FieldRule>> = {},
): C {
  const result: Record<string, ConfigValue> = { ...defaults };
  for (const [field, value] of Object.entries(config)) {
    if (!(field in defaults)) {
      throw new Error(`${algorithm}: unknown config field '${field}'; known fields: ${Object.keys(defaults).join(', ')}`);
    }
    const expected = kindOf(defaults[field]);
    if (kindOf(value) !== expected) throw new Error(`${algorithm}: ${field} must be a ${expected}, got ${JSON.stringify(value)}`);
    result[field] = value as ConfigValue;
  }
  for (const [field, value] of Object.entries(result)) {
    const rule = rules[field as keyof C];
    if (typeof value === 'number') checkNumber(algorithm, field, value, rule);
    if (Array.isArray(value)) value.forEach((v: number, i: number) => checkNumber(algorithm, `${field}[${i}]`, v, rule));
    if (typeof value === 'string' && rule?.oneOf && !rule.oneOf.includes(value)) {
      throw new Error(`${algorithm}: ${field} must be one of ${rule.oneOf.join(', ')}, got '${value}'`);
    }
  }
  return result as C;
}
