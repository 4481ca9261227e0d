import type { World } from '@dimforge/rapier3d-simd-compat';
import type { Rapier } from '../../rapier.ts';
import type { RapierLayout } from './layout.ts';
import { rotateInto } from './quat.ts';

type RawVector = ReturnType<Rapier['VectorOps']['intoRaw']>;
type RawRigidBodySet = World['bodies']['raw'];

/**
 * The external forces and torques on a robot's links for one world step, gathered from every source (actuators of
 * joints without a motor, fluid forces, root damping, root armature's weight) and handed to Rapier once per link.
 * Forces act at the link's centre of mass; a force elsewhere adds its moment about it (addForceAt). World frame, lane
 * free. Rapier keeps user forces until they are reset, so apply() resets each link's before adding this step's.
 */
export class LinkLoads {
  readonly force: Float64Array;
  readonly torque: Float64Array;
  /** Each link's centre of mass in the world for this step (locate()). */
  readonly com: Float64Array;
  private readonly offset = new Float64Array(3);

  constructor(private readonly layout: RapierLayout) {
    const n = layout.links.length;
    this.force = new Float64Array(3 * n);
    this.torque = new Float64Array(3 * n);
    this.com = new Float64Array(3 * n);
  }

  /** Zeroes the loads and places each link's centre of mass from its translation `t` and rotation `r`. */
  begin(t: Float64Array, r: Float64Array): void {
    this.force.fill(0);
    this.torque.fill(0);
    const { com, offset } = this;
    for (let i = 0; i < this.layout.links.length; i++) {
      rotateInto(offset, r, 4 * i, this.layout.links[i].com, true);
      com[3 * i] = t[3 * i] + offset[0];
      com[3 * i + 1] = t[3 * i + 1] + offset[1];
      com[3 * i + 2] = t[3 * i + 2] + offset[2];
    }
  }

  /** Force (fx, fy, fz) on link i at world point (px, py, pz): the force at its centre of mass and its moment. */
  addForceAt(i: number, fx: number, fy: number, fz: number, px: number, py: number, pz: number): void {
    const { force, torque, com } = this;
    const dx = px - com[3 * i];
    const dy = py - com[3 * i + 1];
    const dz = pz - com[3 * i + 2];
    force[3 * i] += fx;
    force[3 * i + 1] += fy;
    force[3 * i + 2] += fz;
    torque[3 * i] += dy * fz - dz * fy;
    torque[3 * i + 1] += dz * fx - dx * fz;
    torque[3 * i + 2] += dx * fy - dy * fx;
  }

  /** Replaces each link's user force and torque in Rapier with this step's. */
  apply(bodies: RawRigidBodySet, links: readonly number[], value: RawVector): void {
    const { force, torque } = this;
    for (let i = 0; i < links.length; i++) {
      bodies.rbResetTorques(links[i], false);
      bodies.rbResetForces(links[i], false);
      value.x = force[3 * i];
      value.y = force[3 * i + 1];
      value.z = force[3 * i + 2];
      bodies.rbAddForce(links[i], value, false);
      value.x = torque[3 * i];
      value.y = torque[3 * i + 1];
      value.z = torque[3 * i + 2];
      bodies.rbAddTorque(links[i], value, false);
    }
  }
}
