import { Attributes, DefaultClasses, MjcfError, where } from './attributes.ts';
import { axisAngleQuat, IDENTITY_QUAT, mulQuat, normalizeQuat, xyAxesQuat, zToQuat } from './math.ts';
import type { Quat } from './types.ts';
import type { XmlElement } from './xml.ts';

/** What the element compilers (bodies.ts, joints.ts, geoms.ts, actuators.ts) share while compiling one file. */

/** MuJoCo's default solref and solimp, of contacts (geoms) and of joint limits alike. */
export const DEFAULT_SOLREF = [0.02, 1];
export const DEFAULT_SOLIMP = [0.9, 0.95, 0.001, 0.5, 2];

/** The <compiler> settings the element compilers read. */
export interface CompilerSettings {
  readonly degrees: boolean;
  readonly autolimits: boolean;
  readonly settotalmass: number;
}

export class CompileContext {
  constructor(
    /** The file's name, for messages. */
    readonly source: string,
    readonly compiler: CompilerSettings,
    readonly defaults: DefaultClasses,
  ) {}

  fail(element: XmlElement, message: string): never {
    throw new MjcfError(`${where(this.source, element)}: ${message}`);
  }

  /** An angle in radians, from the file's unit (compiler angle). */
  angle(value: number): number {
    return this.compiler.degrees ? (value * Math.PI) / 180 : value;
  }

  /**
   * Whether a range is on (MuJoCo's limited, ctrllimited, forcelimited): "true", or "auto" (the default) with the
   * range given, which autolimits="false" forbids.
   */
  limited(a: Attributes, flag: string, range: string): boolean {
    const text = a.oneOf(flag, ['true', 'false', 'auto'], 'auto');
    if (text === 'auto' && a.has(range) && !this.compiler.autolimits)
      this.fail(a.element, `${range} given with ${flag}="auto" and autolimits="false"`);
    return text === 'true' || (text === 'auto' && a.has(range));
  }

  /** A frame's orientation from whichever one of quat, axisangle, euler, xyaxes, zaxis is given. */
  orientation(a: Attributes): Quat {
    const given = ['quat', 'axisangle', 'euler', 'xyaxes', 'zaxis'].filter((name) => a.own(name));
    if (given.length > 1) this.fail(a.element, `give one orientation, not ${given.join(' and ')}`);
    switch (given[0]) {
      case 'quat': {
        const q = a.numbers('quat', [1, 0, 0, 0], true);
        return normalizeQuat([q[0], q[1], q[2], q[3]], `${where(this.source, a.element)} quat`);
      }
      case 'axisangle': {
        const v = a.numbers('axisangle', [0, 0, 1, 0], true);
        return axisAngleQuat([v[0], v[1], v[2]], this.angle(v[3]));
      }
      case 'euler': {
        // Intrinsic x-y-z rotations (eulerseq "xyz"): q = qx * qy * qz.
        const e = a.numbers('euler', [0, 0, 0], true).map((value) => this.angle(value));
        return mulQuat(mulQuat(axisAngleQuat([1, 0, 0], e[0]), axisAngleQuat([0, 1, 0], e[1])), axisAngleQuat([0, 0, 1], e[2]));
      }
      case 'xyaxes': {
        const v = a.numbers('xyaxes', [1, 0, 0, 0, 1, 0], true);
        return xyAxesQuat([v[0], v[1], v[2]], [v[3], v[4], v[5]]);
      }
      case 'zaxis': {
        const v = a.numbers('zaxis', [0, 0, 1], true);
        return zToQuat([v[0], v[1], v[2]]);
      }
      default:
        return IDENTITY_QUAT;
    }
  }
}

export function pair(values: readonly number[]): readonly [number, number] {
  return [values[0], values[1]];
}

export function five(values: readonly number[]): readonly [number, number, number, number, number] {
  return [values[0], values[1], values[2], values[3], values[4]];
}
