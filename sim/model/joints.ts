import { checkAttributes, where } from './attributes.ts';
import { DEFAULT_SOLIMP, DEFAULT_SOLREF, five, pair, type CompileContext } from './compile-context.ts';
import { normalize3 } from './math.ts';
import type { JointType, ModelBody, ModelJoint } from './types.ts';
import type { XmlElement } from './xml.ts';

/** Where a joint's coordinates start: its qpos and qvel (dof) addresses, the counts of the joints before it. */
export interface JointAddresses {
  readonly qpos: number;
  readonly dof: number;
}

/** Degrees of freedom (entries of qvel) per joint type; jointQpos0 gives its entries of qpos. */
export const JOINT_DOFS: Readonly<Record<JointType, number>> = { free: 6, ball: 3, slide: 1, hinge: 1 };

/**
 * A <joint> of `body` through its default classes (`inheritedClass`: the body's childclass): type, frame, limits
 * (autolimits; angles in the compiler's unit), spring, damping, armature, friction loss and the limits' solver
 * parameters. Hinge angles (range, ref, springref) are converted to radians, like MuJoCo's compiler.
 */
export function compileJoint(
  ctx: CompileContext,
  element: XmlElement,
  body: ModelBody,
  inheritedClass: string,
  id: number,
  at: JointAddresses,
): ModelJoint {
  checkAttributes(ctx.source, element, 'joint');
  const a = ctx.defaults.attributes(element, 'joint', inheritedClass);
  if (body.id === 0) ctx.fail(element, 'the world cannot have joints');
  const type = a.oneOf<JointType>('type', ['free', 'ball', 'slide', 'hinge'], 'hinge');
  const angular = type === 'hinge' || type === 'ball';
  let limited = ctx.limited(a, 'limited', 'range');
  if (type === 'free') {
    if (limited) ctx.fail(element, 'a free joint cannot be limited');
    if (body.parent !== 0) ctx.fail(element, 'a free joint must be on a child of the world');
    limited = false;
  }
  const range = a.numbers('range', [0, 0], true).map((value) => (angular ? ctx.angle(value) : value));
  if (limited && !(range[0] < range[1])) ctx.fail(element, `range [${range.join(', ')}] must have lower < upper`);
  const convert = (value: number) => (type === 'hinge' ? ctx.angle(value) : value);
  const p = a.numbers('pos', [0, 0, 0], true);
  const x = a.numbers('axis', [0, 0, 1], true);
  const axis = normalize3([x[0], x[1], x[2]], `${where(ctx.source, element)} axis`);
  return {
    id,
    name: element.attributes.get('name') ?? '',
    type,
    body: body.id,
    pos: [p[0], p[1], p[2]],
    axis,
    qposAddress: at.qpos,
    dofAddress: at.dof,
    limited,
    range: limited ? [range[0], range[1]] : [0, 0],
    ref: convert(a.number('ref', 0)),
    stiffness: a.number('stiffness', 0),
    springref: convert(a.number('springref', 0)),
    damping: a.number('damping', 0),
    armature: a.number('armature', 0),
    frictionloss: a.number('frictionloss', 0),
    solrefLimit: pair(a.numbers('solreflimit', DEFAULT_SOLREF)),
    solimpLimit: five(a.numbers('solimplimit', DEFAULT_SOLIMP)),
    margin: a.number('margin', 0),
  };
}

/** A joint's entries of qpos0: a free joint's body frame, a ball's identity, a hinge's or slide's ref. */
export function jointQpos0(joint: ModelJoint, body: ModelBody): number[] {
  if (joint.type === 'free') return [...body.pos, ...body.quat];
  if (joint.type === 'ball') return [1, 0, 0, 0];
  return [joint.ref];
}
