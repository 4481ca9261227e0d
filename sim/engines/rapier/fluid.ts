import { mulQuat, rotate } from '../../model/math.ts';
import type { Quat, RobotModel } from '../../model/types.ts';
import type { RapierLayout } from './layout.ts';
import type { LinkLoads } from './loads.ts';
import { mulInto, rotateInto } from './quat.ts';

/** MuJoCo's mjMINVAL: the floor under a box side's squared length. */
const MIN_VALUE = 1e-15;

/**
 * MuJoCo's fluid forces of a medium (option density and viscosity) by its inertia-box model
 * (mj_inertiaBoxFluidModel, what MuJoCo uses when no geom names a fluid shape): each body with mass is the box of
 * uniform density with its mass and principal inertia; in that box's frame, with w and v the body's angular velocity
 * and its centre of mass's velocity (no wind):
 * - viscous (Stokes) drag of the sphere of the box's mean side d: torque -pi d^3 mu w, force -3 pi d mu v;
 * - quadratic drag: force_k -= rho/2 * (area facing k) |v_k| v_k, torque_k -= rho b_k (b_j^4 + b_l^4) / 64 |w_k| w_k.
 * The forces act at the body's centre of mass, evaluated from the velocities at the start of each world step
 * (MuJoCo evaluates them in each RK4 stage).
 */
export class FluidForces {
  /** Per body with mass on a link: its link, centre of mass in the link frame, inertial frame in the link frame. */
  private readonly bodies: { link: number; com: readonly [number, number, number]; frame: Quat; box: readonly [number, number, number] }[];
  private readonly density: number;
  private readonly viscosity: number;
  private readonly frame = new Float64Array(4);
  private readonly conjugate = new Float64Array(4);
  private readonly point = new Float64Array(3);
  private readonly local = new Float64Array(3);
  private readonly spin = new Float64Array(3);
  private readonly out = new Float64Array(3);

  constructor(model: RobotModel, layout: RapierLayout) {
    this.density = model.option.density;
    this.viscosity = model.option.viscosity;
    this.bodies = [];
    for (const body of model.bodies) {
      const frame = layout.bodyFrames[body.id];
      if (frame.link < 0 || !(body.mass >= MIN_VALUE)) continue;
      const [i0, i1, i2] = body.inertia;
      const side = (value: number) => Math.sqrt((Math.max(MIN_VALUE, value) / body.mass) * 6);
      const offset = rotate(frame.quat, body.ipos);
      this.bodies.push({
        link: frame.link,
        com: [frame.pos[0] + offset[0], frame.pos[1] + offset[1], frame.pos[2] + offset[2]],
        frame: mulQuat(frame.quat, body.iquat),
        box: [side(i1 + i2 - i0), side(i0 + i2 - i1), side(i0 + i1 - i2)],
      });
    }
  }

  /** Whether the model's medium exerts any force. */
  static acts(model: RobotModel): boolean {
    return model.option.density > 0 || model.option.viscosity > 0;
  }

  /** Adds the fluid forces for link states t, r, v (centre-of-mass velocity), w to `loads` (begun with t and r). */
  add(loads: LinkLoads, t: Float64Array, r: Float64Array, v: Float64Array, w: Float64Array): void {
    const { density: rho, viscosity: mu, frame, conjugate, point, local, spin, out } = this;
    for (const body of this.bodies) {
      const i = body.link;
      // World centre of mass of the body and the velocity there.
      rotateInto(point, r, 4 * i, body.com, true);
      const px = t[3 * i] + point[0];
      const py = t[3 * i + 1] + point[1];
      const pz = t[3 * i + 2] + point[2];
      const dx = px - loads.com[3 * i];
      const dy = py - loads.com[3 * i + 1];
      const dz = pz - loads.com[3 * i + 2];
      const wx = w[3 * i];
      const wy = w[3 * i + 1];
      const wz = w[3 * i + 2];
      point[0] = v[3 * i] + wy * dz - wz * dy;
      point[1] = v[3 * i + 1] + wz * dx - wx * dz;
      point[2] = v[3 * i + 2] + wx * dy - wy * dx;
      // Into the inertial frame: conj(R_link * frame).
      mulInto(frame, r, 4 * i, body.frame);
      conjugate[0] = -frame[0];
      conjugate[1] = -frame[1];
      conjugate[2] = -frame[2];
      conjugate[3] = frame[3];
      rotateInto(local, conjugate, 0, point, true);
      point[0] = wx;
      point[1] = wy;
      point[2] = wz;
      rotateInto(spin, conjugate, 0, point, true);
      const [b0, b1, b2] = body.box;
      const diameter = (b0 + b1 + b2) / 3;
      const angular = -Math.PI * diameter ** 3 * mu;
      const linear = -3 * Math.PI * diameter * mu;
      // Force in the inertial frame.
      out[0] = linear * local[0] - 0.5 * rho * b1 * b2 * Math.abs(local[0]) * local[0];
      out[1] = linear * local[1] - 0.5 * rho * b0 * b2 * Math.abs(local[1]) * local[1];
      out[2] = linear * local[2] - 0.5 * rho * b0 * b1 * Math.abs(local[2]) * local[2];
      rotateInto(local, frame, 0, out, true);
      loads.addForceAt(i, local[0], local[1], local[2], px, py, pz);
      // Torque in the inertial frame.
      out[0] = angular * spin[0] - (rho * b0 * (b1 ** 4 + b2 ** 4) * Math.abs(spin[0]) * spin[0]) / 64;
      out[1] = angular * spin[1] - (rho * b1 * (b0 ** 4 + b2 ** 4) * Math.abs(spin[1]) * spin[1]) / 64;
      out[2] = angular * spin[2] - (rho * b2 * (b0 ** 4 + b1 ** 4) * Math.abs(spin[2]) * spin[2]) / 64;
      rotateInto(spin, frame, 0, out, true);
      loads.torque[3 * i] += spin[0];
      loads.torque[3 * i + 1] += spin[1];
      loads.torque[3 * i + 2] += spin[2];
    }
  }
}
