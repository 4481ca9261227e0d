import type { RapierLayout } from './layout.ts';
import { rotateInto } from './quat.ts';

/**
 * Metres a joint's two anchors (on its parent, on its child) may drift apart before the robot's state counts as
 * diverged. Rapier's impulse joints hold them within 0.1-12 mm over 1000 random-action steps of each robot
 * (the Ant's light legs the most: docs/FINDINGS.md);
 * a state Rapier cannot integrate (a velocity beyond what a world step can turn through, a value beyond single
 * precision) tears the joints apart or leaves non-finite numbers, and neither raises an error.
 */
export const JOINT_GAP_LIMIT = 0.05;

/**
 * Whether a link turns faster than a world step of `h` seconds can integrate: more than half a turn per step
 * (a rotation integrated through half a turn aliases; Rapier slows such a link unphysically instead of failing:
 * a Reacher arm set spinning at 1e7 rad/s came out of one step at 74 rad/s). NaN counts. Rapier itself caps a
 * body at a quarter turn per step, so only a set state or a non-finite one trips this: at the Reacher's 10 ms the
 * bound is 314 rad/s, Rapier's cap 78.5, and the fastest MuJoCo Reacher 246.6 (joint0 driven one way, joint1 swung
 * limit to limit, no time limit; 172 within its 50-step episodes: docs/FINDINGS.md, tests/unit/rapier-spin.test.ts).
 */
export function spinsBeyondStep(layout: RapierLayout, w: Float64Array, h: number): boolean {
  const limit = Math.PI / h;
  for (let i = 0; i < layout.links.length; i++) {
    if (!(Math.hypot(w[3 * i], w[3 * i + 1], w[3 * i + 2]) <= limit)) return true;
  }
  return false;
}

const onParent = new Float64Array(3);
const onChild = new Float64Array(3);

/**
 * The largest gap between a joint's anchors over the robot's joints, from link translations `t` (lane free) and
 * rotations `r`; NaN when a link state is not finite.
 */
export function largestJointGap(layout: RapierLayout, t: Float64Array, r: Float64Array): number {
  let largest = 0;
  for (const plan of layout.joints) {
    const p = plan.parentLink;
    const c = plan.link;
    rotateInto(onParent, r, 4 * p, plan.anchorParent, p >= 0);
    rotateInto(onChild, r, 4 * c, plan.anchorChild, true);
    const dx = (p >= 0 ? t[3 * p] : 0) + onParent[0] - t[3 * c] - onChild[0];
    const dy = (p >= 0 ? t[3 * p + 1] : 0) + onParent[1] - t[3 * c + 1] - onChild[1];
    const dz = (p >= 0 ? t[3 * p + 2] : 0) + onParent[2] - t[3 * c + 2] - onChild[2];
    // Along a slide the anchors part by design: only the part across its axis counts.
    let gap = Math.hypot(dx, dy, dz);
    if (plan.kind === 'slide') {
      const axis = rotateInto(onParent, r, 4 * p, plan.axis, p >= 0);
      const along = dx * axis[0] + dy * axis[1] + dz * axis[2];
      gap = Math.sqrt(Math.max(0, gap * gap - along * along));
    }
    if (Number.isNaN(gap)) return NaN;
    if (gap > largest) largest = gap;
  }
  return largest;
}
