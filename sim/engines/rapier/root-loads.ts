import type { RobotModel } from '../../model/types.ts';
import type { RapierLayout } from './layout.ts';
import type { LinkLoads } from './loads.ts';

/**
 * What a locked root's coordinates (layout.ts: slides along world axes, a hinge about one) add as loads:
 * - the weight of its slide armature: layout.ts puts that armature into the link as a point mass at the origin,
 *   which Rapier's gravity would pull; MuJoCo's armature has no weight, so an equal upward force acts there;
 * - MuJoCo's joint damping, -D qdot along a slide (at the origin) or about the hinge, from the velocities at the start
 *   of the world step (explicit: stable while D h stays well below the mass it acts on; the Swimmer has none).
 */
export class RootLoads {
  /** Per entry: link, kind (0 weight, 1 slide damping, 2 hinge damping), coefficient, axis. */
  private readonly entries: { link: number; kind: 0 | 1 | 2; coefficient: number; axis: readonly number[] }[] = [];

  constructor(model: RobotModel, layout: RapierLayout) {
    const g = model.option.gravity;
    layout.links.forEach((link, i) => {
      if (link.armatureMass > 0 && (g[0] !== 0 || g[1] !== 0 || g[2] !== 0))
        this.entries.push({ link: i, kind: 0, coefficient: -link.armatureMass, axis: g });
    });
    for (const coordinate of layout.rootCoordinates) {
      const joint = model.joints.find((j) => j.qposAddress === coordinate.qposAddress);
      const damping = joint?.damping ?? 0;
      if (damping > 0)
        this.entries.push({ link: coordinate.link, kind: coordinate.kind === 'slide' ? 1 : 2, coefficient: -damping, axis: coordinate.axis });
    }
  }

  get active(): boolean {
    return this.entries.length > 0;
  }

  /** Adds the loads for link states t (origins), v (centre-of-mass velocities), w to `loads` (begun with this step's t, r). */
  add(loads: LinkLoads, t: Float64Array, v: Float64Array, w: Float64Array): void {
    for (const { link: i, kind, coefficient, axis } of this.entries) {
      const ox = t[3 * i];
      const oy = t[3 * i + 1];
      const oz = t[3 * i + 2];
      if (kind === 0) {
        loads.addForceAt(i, coefficient * axis[0], coefficient * axis[1], coefficient * axis[2], ox, oy, oz);
      } else if (kind === 1) {
        // The origin's velocity: the centre of mass's plus w x (origin - centre of mass).
        const dx = ox - loads.com[3 * i];
        const dy = oy - loads.com[3 * i + 1];
        const dz = oz - loads.com[3 * i + 2];
        const vx = v[3 * i] + w[3 * i + 1] * dz - w[3 * i + 2] * dy;
        const vy = v[3 * i + 1] + w[3 * i + 2] * dx - w[3 * i] * dz;
        const vz = v[3 * i + 2] + w[3 * i] * dy - w[3 * i + 1] * dx;
        const f = coefficient * (vx * axis[0] + vy * axis[1] + vz * axis[2]);
        loads.addForceAt(i, f * axis[0], f * axis[1], f * axis[2], ox, oy, oz);
      } else {
        const tau = coefficient * (w[3 * i] * axis[0] + w[3 * i + 1] * axis[1] + w[3 * i + 2] * axis[2]);
        loads.torque[3 * i] += tau * axis[0];
        loads.torque[3 * i + 1] += tau * axis[1];
        loads.torque[3 * i + 2] += tau * axis[2];
      }
    }
  }
}
