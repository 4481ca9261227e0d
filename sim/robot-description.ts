/**
 * Robot descriptions: data in assets/robots/*.json (a transcription of Gymnasium's MuJoCo XML), read by the
 * builders in sim/ and by the renderer. Conventions: MuJoCo's frames (z up), quaternions [x, y, z, w],
 * capsules and cylinders along their local z with size [radius, halfLength], spheres [radius], boxes half extents.
 */

export type Vec3 = readonly [number, number, number];
export type Quat = readonly [number, number, number, number];
export type ShapeKind = 'capsule' | 'sphere' | 'box' | 'cylinder';

export interface GeomDescription {
  readonly name: string;
  readonly shape: ShapeKind;
  readonly size: readonly number[];
  /** Pose in the body frame. */
  readonly pos: Vec3;
  readonly quat: Quat;
  readonly rgba: readonly [number, number, number, number];
  /** MuJoCo's sliding friction coefficient (default 1). */
  readonly friction?: number;
}

export interface JointDescription {
  readonly name: string;
  readonly type: 'hinge' | 'slide';
  /** Axis and anchor in the body frame. */
  readonly axis: Vec3;
  readonly pos: Vec3;
  readonly armature: number;
  readonly damping: number;
  /** Joint range; absent for an unlimited joint. */
  readonly range?: readonly [number, number];
  /** qpos at which the body sits at its `pos` (MuJoCo's ref; 0 when absent). */
  readonly ref?: number;
}

export interface BodyDescription {
  readonly name: string;
  readonly parent: string;
  /** Pose in the parent frame at qpos = ref. */
  readonly pos: Vec3;
  readonly joints: readonly JointDescription[];
  readonly geoms: readonly GeomDescription[];
}

export interface SoftConstraintParams {
  /** MuJoCo solref: [timeconst, dampratio]. */
  readonly solref: readonly [number, number];
  /** MuJoCo solimp: [dmin, dmax, width, midpoint, power]. */
  readonly solimp: readonly [number, number, number, number, number];
  readonly margin: number;
}

export interface RobotDescription {
  readonly name: string;
  readonly timestep: number;
  readonly frameSkip: number;
  readonly gravity: Vec3;
  readonly density: number;
  readonly bodies: readonly BodyDescription[];
  readonly actuators: readonly { readonly joint: string; readonly gear: number; readonly ctrlRange: readonly [number, number] }[];
  readonly limits: SoftConstraintParams;
  readonly contact?: SoftConstraintParams & { readonly floorFriction: number };
  /** Fixed decoration for the renderer (ground, arena walls); not simulated unless a builder says so. */
  readonly scenery: readonly GeomDescription[];
  /** What each observation and action index means, with its unit (for policy cards and panels). */
  readonly observationLayout: readonly SignalDescription[];
  readonly actionLayout: readonly SignalDescription[];
}

export interface SignalDescription {
  readonly name: string;
  readonly unit: string;
}

/** Mass, centre of mass (body frame) and principal inertia with its frame, as MuJoCo computes them from geoms. */
export interface MassProperties {
  readonly mass: number;
  readonly com: Vec3;
  readonly principalInertia: Vec3;
  readonly inertiaFrame: Quat;
}

/** Mass and principal inertia (about the geom's own axes) of one geom at a density, MuJoCo's formulas. */
export function geomMass(geom: GeomDescription, density: number): { mass: number; inertia: Vec3 } {
  const [r, half] = geom.size;
  switch (geom.shape) {
    case 'sphere': {
      const mass = density * (4 / 3) * Math.PI * r ** 3;
      const i = 0.4 * mass * r * r;
      return { mass, inertia: [i, i, i] };
    }
    case 'capsule': {
      // A cylinder of height 2*half plus two hemispheres, each displaced along the axis (MuJoCo's mjCGeom).
      const height = 2 * half;
      const mass = density * Math.PI * r * r * (height + (4 / 3) * r);
      const sphereMass = (mass * 4 * r) / (4 * r + 3 * height);
      const cylinderMass = mass - sphereMass;
      const sphereInertia = (2 * sphereMass * r * r) / 5;
      const across = (cylinderMass * (3 * r * r + height * height)) / 12 + sphereInertia + (sphereMass * height * (3 * r + 2 * height)) / 8;
      const along = (cylinderMass * r * r) / 2 + sphereInertia;
      return { mass, inertia: [across, across, along] };
    }
    case 'cylinder': {
      const height = 2 * half;
      const mass = density * Math.PI * r * r * height;
      const across = (mass * (3 * r * r + height * height)) / 12;
      return { mass, inertia: [across, across, (mass * r * r) / 2] };
    }
    case 'box': {
      const [x, y, z] = geom.size;
      const mass = density * 8 * x * y * z;
      return { mass, inertia: [(mass * (y * y + z * z)) / 3, (mass * (x * x + z * z)) / 3, (mass * (x * x + y * y)) / 3] };
    }
  }
}

/** A body's mass properties from its geoms (every body of our robots has exactly one geom). */
export function bodyMassProperties(body: BodyDescription, density: number): MassProperties {
  if (body.geoms.length !== 1) throw new Error(`body '${body.name}': expected exactly one geom, found ${body.geoms.length}`);
  const geom = body.geoms[0];
  const { mass, inertia } = geomMass(geom, density);
  return { mass, com: geom.pos, principalInertia: inertia, inertiaFrame: geom.quat };
}

/** Looks a body up by name, with a clear error. */
export function findBody(description: RobotDescription, name: string): BodyDescription {
  const body = description.bodies.find((candidate) => candidate.name === name);
  if (!body) throw new Error(`robot '${description.name}' has no body '${name}'`);
  return body;
}

/** The joint named `name` wherever it is in the robot. */
export function findJoint(description: RobotDescription, name: string): JointDescription {
  for (const body of description.bodies) {
    const joint = body.joints.find((candidate) => candidate.name === name);
    if (joint) return joint;
  }
  throw new Error(`robot '${description.name}' has no joint '${name}'`);
}

/**
 * The pose board of one robot at rest (qpos = ref, MuJoCo's qpos0): 7 floats per body of `bodyNames` (position,
 * then quaternion x, y, z, w, in the world frame). Bodies carry no rotation of their own here, so each body's world
 * position is the sum of its ancestors' offsets and its rotation is the identity.
 */
export function restPoses(description: RobotDescription, bodyNames: readonly string[]): Float32Array {
  const poses = new Float32Array(bodyNames.length * 7);
  bodyNames.forEach((name, index) => {
    let position: Vec3 = [0, 0, 0];
    for (let body = findBody(description, name); ; body = findBody(description, body.parent)) {
      position = [position[0] + body.pos[0], position[1] + body.pos[1], position[2] + body.pos[2]];
      if (body.parent === 'world') break;
    }
    poses.set([...position, 0, 0, 0, 1], index * 7);
  });
  return poses;
}
