/**
 * The engine-independent robot model: what compile.ts makes of an MJCF file, as MuJoCo's compiler would (its
 * mjModel, restricted to what our robots use). Engines (engines/rapier, engines/mujoco), tasks and the renderer
 * read it; nothing here depends on an engine.
 *
 * Conventions (MuJoCo's, so numbers compare one to one with mjModel):
 * - z is up, lengths in metres, angles in radians (the compiler converts degrees), masses in kg.
 * - Quaternions are [w, x, y, z] (MJCF's and mjModel's order; note sim/robot-description.ts uses [x, y, z, w]).
 * - Every pose is relative to its parent: a body's to its parent body, a joint's, geom's or site's to its body.
 * - Ids are indices into the model's arrays; body 0 is the world.
 */

export type Vec3 = readonly [number, number, number];
/** [w, x, y, z], unit length. */
export type Quat = readonly [number, number, number, number];

/** MuJoCo solref: [timeconst, dampratio] (or, both negative, [-stiffness, -damping]). */
export type SolRef = readonly [number, number];
/** MuJoCo solimp: [dmin, dmax, width, midpoint, power]. */
export type SolImp = readonly [number, number, number, number, number];

export type Integrator = 'Euler' | 'RK4' | 'implicit' | 'implicitfast';

export interface ModelOption {
  /** Seconds per physics step. */
  readonly timestep: number;
  readonly gravity: Vec3;
  readonly integrator: Integrator;
  /** Density (kg/m^3) and viscosity of the medium: both 0 except for the Swimmer (MuJoCo's fluid forces). */
  readonly density: number;
  readonly viscosity: number;
}

export interface ModelBody {
  readonly id: number;
  /** '' for an unnamed body (MuJoCo reports it as "(null)"). */
  readonly name: string;
  /** Parent body id; -1 for the world. Parents always come before their children. */
  readonly parent: number;
  /** Frame in the parent's frame at qpos0. */
  readonly pos: Vec3;
  readonly quat: Quat;
  /** Mass and principal moments of inertia (decreasing, as MuJoCo orders them) about the centre of mass. */
  readonly mass: number;
  readonly inertia: Vec3;
  /** Inertial frame (centre of mass, principal axes) in the body frame. */
  readonly ipos: Vec3;
  readonly iquat: Quat;
  readonly joints: readonly number[];
  readonly geoms: readonly number[];
  readonly sites: readonly number[];
  readonly children: readonly number[];
}

/** free: 7 qpos (position, quaternion [w, x, y, z]) and 6 dofs (linear in world, angular in body frame); ball: 4 and 3. */
export type JointType = 'free' | 'ball' | 'slide' | 'hinge';

export interface ModelJoint {
  readonly id: number;
  readonly name: string;
  readonly type: JointType;
  readonly body: number;
  /** Anchor and unit axis in the body frame (unused by free joints). */
  readonly pos: Vec3;
  readonly axis: Vec3;
  /** First index of this joint's coordinates in qpos, and of its dofs in qvel. */
  readonly qposAddress: number;
  readonly dofAddress: number;
  readonly limited: boolean;
  /** [lower, upper] in radians (hinge) or metres (slide); [0, 0] when not limited. */
  readonly range: readonly [number, number];
  /** qpos of the joint where the body sits at its model pose (hinge and slide). */
  readonly ref: number;
  /** Joint spring: torque -stiffness * (q - springref). */
  readonly stiffness: number;
  readonly springref: number;
  /** Passive torque -damping * qdot; armature adds to the joint-space inertia's diagonal (rotor inertia). */
  readonly damping: number;
  readonly armature: number;
  readonly frictionloss: number;
  /** The limit constraint's softness and activation distance. */
  readonly solrefLimit: SolRef;
  readonly solimpLimit: SolImp;
  readonly margin: number;
}

export type GeomType = 'plane' | 'sphere' | 'capsule' | 'ellipsoid' | 'cylinder' | 'box';

export interface ModelGeom {
  readonly id: number;
  readonly name: string;
  readonly type: GeomType;
  readonly body: number;
  /** Pose in the body frame; capsules and cylinders lie along their local z. */
  readonly pos: Vec3;
  readonly quat: Quat;
  /**
   * MuJoCo's size: sphere [r, 0, 0]; capsule and cylinder [r, half length, 0]; box half extents; ellipsoid radii;
   * plane [half x, half y, grid spacing] (0 half size: infinite).
   */
  readonly size: Vec3;
  /** Collision filter: two geoms can touch when (a.contype & b.conaffinity) || (b.contype & a.conaffinity). */
  readonly contype: number;
  readonly conaffinity: number;
  /** Contact dimensionality: 1 frictionless, 3 sliding friction, 4 and torsional, 6 and rolling. */
  readonly condim: number;
  /** [sliding, torsional, rolling]; a contact takes the maximum of its two geoms'. */
  readonly friction: Vec3;
  readonly solref: SolRef;
  readonly solimp: SolImp;
  readonly solmix: number;
  readonly priority: number;
  /** Contacts activate within margin - gap of touching. */
  readonly margin: number;
  readonly gap: number;
  readonly rgba: readonly [number, number, number, number];
  /** The geom's own mass (0 for world geoms and planes) as it went into its body's. */
  readonly mass: number;
  /** Visual group (MuJoCo's `group`). */
  readonly group: number;
}

export interface ModelSite {
  readonly id: number;
  readonly name: string;
  readonly body: number;
  readonly pos: Vec3;
  readonly quat: Quat;
}

/**
 * A joint actuator with fixed gain and no activation dynamics (MuJoCo's motor, or general with gaintype fixed):
 * force = gain * ctrl + bias[0] + bias[1] * length + bias[2] * velocity, clamped to forceRange when forceLimited;
 * the joint receives gear[0] * force. ctrl is clamped to ctrlRange when ctrlLimited.
 */
export interface ModelActuator {
  readonly id: number;
  readonly name: string;
  readonly joint: number;
  /** MuJoCo's 6-vector gear; for a hinge or slide only gear[0] acts. */
  readonly gear: readonly [number, number, number, number, number, number];
  readonly ctrlLimited: boolean;
  readonly ctrlRange: readonly [number, number];
  readonly forceLimited: boolean;
  readonly forceRange: readonly [number, number];
  readonly gain: number;
  readonly bias: readonly [number, number, number];
}

export interface RobotModel {
  /** The <mujoco model="..."> name. */
  readonly name: string;
  readonly option: ModelOption;
  readonly bodies: readonly ModelBody[];
  /** In qpos order. */
  readonly joints: readonly ModelJoint[];
  readonly geoms: readonly ModelGeom[];
  readonly sites: readonly ModelSite[];
  readonly actuators: readonly ModelActuator[];
  readonly nq: number;
  readonly nv: number;
  readonly nu: number;
  /** The model's reference configuration: joint refs, free joints at their body's pose. */
  readonly qpos0: readonly number[];
  /** <custom><numeric name data/></custom> entries. */
  readonly numerics: Readonly<Record<string, readonly number[]>>;
}
