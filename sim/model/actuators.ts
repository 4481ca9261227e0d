import { checkAttributes } from './attributes.ts';
import type { CompileContext } from './compile-context.ts';
import type { ModelActuator, ModelJoint } from './types.ts';
import type { XmlElement } from './xml.ts';

/**
 * An actuator of the <actuator> section: a <motor> (gain 1, no bias) or a <general> with fixed gain, no activation
 * dynamics and an optional affine bias, on a hinge or slide of `joints`; its ctrl and force ranges (autolimits).
 */
export function compileActuator(ctx: CompileContext, element: XmlElement, joints: readonly ModelJoint[], id: number): ModelActuator {
  if (element.name !== 'motor' && element.name !== 'general') ctx.fail(element, `actuator <${element.name}> is not supported (motor, general)`);
  checkAttributes(ctx.source, element, element.name);
  const a = ctx.defaults.attributes(element, 'actuator', 'main');
  const jointName = element.attributes.get('joint');
  const joint = joints.find((candidate) => candidate.name === jointName && jointName !== '');
  if (joint === undefined) ctx.fail(element, jointName === undefined ? 'an actuator needs a joint' : `no joint named '${jointName}'`);
  if (joint.type === 'free' || joint.type === 'ball') ctx.fail(element, `actuators on ${joint.type} joints are not supported`);
  const motor = element.name === 'motor';
  if (!motor) {
    a.oneOf('gaintype', ['fixed'], 'fixed');
    a.oneOf('dyntype', ['none'], 'none');
  }
  const biasType = motor ? 'none' : a.oneOf('biastype', ['none', 'affine'], 'none');
  const gainprm = motor ? [1] : a.numbers('gainprm', [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const biasprm = biasType === 'affine' ? a.numbers('biasprm', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) : [0, 0, 0];
  const range = (flag: string, name: string) => {
    const on = ctx.limited(a, flag, name);
    const values = a.numbers(name, [0, 0], true);
    if (on && !(values[0] < values[1])) ctx.fail(element, `${name} [${values.join(', ')}] must have lower < upper`);
    return { on, range: (on ? [values[0], values[1]] : [0, 0]) as [number, number] };
  };
  const ctrl = range('ctrllimited', 'ctrlrange');
  const force = range('forcelimited', 'forcerange');
  const gear = a.numbers('gear', [1, 0, 0, 0, 0, 0]);
  return {
    id,
    name: element.attributes.get('name') ?? '',
    joint: joint.id,
    gear: [gear[0], gear[1], gear[2], gear[3], gear[4], gear[5]],
    ctrlLimited: ctrl.on,
    ctrlRange: ctrl.range,
    forceLimited: force.on,
    forceRange: force.range,
    gain: gainprm[0],
    bias: [biasprm[0], biasprm[1], biasprm[2]],
  };
}
