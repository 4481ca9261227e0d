import { Attributes, checkAttributes, DefaultClasses, MjcfError, parseNumbers, where } from './attributes.ts';
import { bodyInertial, geomInertia, geomVolume, type GeomMass } from './mass.ts';
import { axisAngleQuat, IDENTITY_QUAT, mulQuat, normalize3, normalizeQuat, xyAxesQuat, zToQuat } from './math.ts';
import type { GeomType, Integrator, JointType, ModelActuator, ModelBody, ModelGeom, ModelJoint, ModelSite, Quat, RobotModel, Vec3 } from './types.ts';
import { parseXml, XmlError, type XmlElement } from './xml.ts';

/**
 * Compiles an MJCF file into a RobotModel as MuJoCo's compiler does for the subset our robots use (see
 * attributes.ts SUPPORTED): frames, default classes and childclass, angle units, fromto, masses and inertias from
 * geoms (inertiafromgeom, settotalmass), joint limits (autolimits), actuators. Anything else is an error naming
 * the element, attribute and line. Rendering-only elements (<visual>, <asset>, <light>, <camera>) are not read.
 */

/** Elements that only configure MuJoCo's own renderer; the app draws from geoms and their rgba. */
const RENDERING_ONLY = new Set(['visual', 'asset', 'light', 'camera']);

const GEOM_SOLREF = [0.02, 1];
const GEOM_SOLIMP = [0.9, 0.95, 0.001, 0.5, 2];
const ROOT_SECTIONS = new Set(['compiler', 'option', 'size', 'custom', 'default', 'worldbody', 'actuator']);

interface Compiler {
  readonly degrees: boolean;
  readonly autolimits: boolean;
  readonly settotalmass: number;
}

export function compileMjcf(text: string, source: string): RobotModel {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    if (error instanceof XmlError) throw new MjcfError(`${source}: ${error.message}`);
    throw error;
  }
  if (root.name !== 'mujoco') throw new MjcfError(`${source}:${root.line}: the root element must be <mujoco>, not <${root.name}>`);
  checkAttributes(source, root, 'mujoco');
  const sections = (name: string) => root.children.filter((child) => child.name === name);
  for (const child of root.children) {
    if (!ROOT_SECTIONS.has(child.name) && !RENDERING_ONLY.has(child.name))
      throw new MjcfError(`${where(source, child)}: element <${child.name}> is not supported`);
  }
  for (const name of ['compiler', 'option', 'worldbody']) {
    if (sections(name).length > 1) throw new MjcfError(`${where(source, sections(name)[1])}: only one <${name}> is supported`);
  }
  const compiler = readCompiler(source, sections('compiler')[0]);
  const defaults = new DefaultClasses(source);
  for (const element of sections('default')) defaults.read(element);
  const builder = new ModelBuilder(source, compiler, defaults);
  const world = sections('worldbody')[0];
  if (world === undefined) throw new MjcfError(`${source}: no <worldbody>`);
  builder.addWorld(world);
  for (const section of sections('actuator')) for (const element of section.children) builder.addActuator(element);
  builder.applyTotalMass();
  return {
    name: root.attributes.get('model') ?? '',
    option: readOption(source, sections('option')[0]),
    bodies: builder.bodies,
    joints: builder.joints,
    geoms: builder.geoms,
    sites: builder.sites,
    actuators: builder.actuators,
    nq: builder.qpos0.length,
    nv: builder.nv,
    nu: builder.actuators.length,
    qpos0: builder.qpos0,
    numerics: readNumerics(source, sections('custom'), sections('size')),
  };
}

function readCompiler(source: string, element: XmlElement | undefined): Compiler {
  if (element === undefined) return { degrees: true, autolimits: true, settotalmass: -1 };
  checkAttributes(source, element, 'compiler');
  const a = new Attributes(source, element, [element]);
  if (a.oneOf('coordinate', ['local', 'global'], 'local') === 'global')
    throw new MjcfError(`${where(source, element)}: coordinate="global" is not supported`);
  if (a.oneOf('inertiafromgeom', ['true', 'auto', 'false'], 'auto') === 'false')
    throw new MjcfError(`${where(source, element)}: inertiafromgeom="false" needs <inertial>, which is not supported`);
  if (a.string('eulerseq', 'xyz') !== 'xyz') throw new MjcfError(`${where(source, element)}: only eulerseq="xyz" is supported`);
  return {
    degrees: a.oneOf('angle', ['degree', 'radian'], 'degree') === 'degree',
    autolimits: a.oneOf('autolimits', ['true', 'false'], 'true') === 'true',
    settotalmass: a.number('settotalmass', -1),
  };
}

function readOption(source: string, element: XmlElement | undefined): RobotModel['option'] {
  const defaults = { timestep: 0.002, gravity: [0, 0, -9.81] as Vec3, integrator: 'Euler' as Integrator, density: 0, viscosity: 0 };
  if (element === undefined) return defaults;
  checkAttributes(source, element, 'option');
  if (element.children.length > 0)
    throw new MjcfError(`${where(source, element.children[0])}: element <${element.children[0].name}> is not supported`);
  const a = new Attributes(source, element, [element]);
  const g = a.numbers('gravity', defaults.gravity, true);
  const timestep = a.number('timestep', defaults.timestep);
  if (!(timestep > 0)) throw new MjcfError(`${where(source, element)}: timestep must be positive`);
  return {
    timestep,
    gravity: [g[0], g[1], g[2]],
    integrator: a.oneOf('integrator', ['Euler', 'RK4', 'implicit', 'implicitfast'], defaults.integrator),
    density: a.number('density', 0),
    viscosity: a.number('viscosity', 0),
  };
}

function readNumerics(source: string, customs: readonly XmlElement[], sizes: readonly XmlElement[]): Record<string, number[]> {
  for (const size of sizes) checkAttributes(source, size, 'size');
  const numerics: Record<string, number[]> = {};
  for (const custom of customs) {
    for (const element of custom.children) {
      if (element.name !== 'numeric') throw new MjcfError(`${where(source, element)}: element <${element.name}> is not supported in <custom>`);
      checkAttributes(source, element, 'numeric');
      const name = element.attributes.get('name');
      const data = parseNumbers(element.attributes.get('data') ?? '');
      if (name === undefined || data === null) throw new MjcfError(`${where(source, element)}: a numeric needs a name and finite data`);
      numerics[name] = data;
    }
  }
  return numerics;
}

/** A body while its children, mass and (settotalmass) scale are still being filled in. */
interface BodyDraft extends Omit<ModelBody, 'mass' | 'inertia' | 'ipos' | 'iquat' | 'joints' | 'geoms' | 'sites' | 'children'> {
  mass: number;
  inertia: Vec3;
  ipos: Vec3;
  iquat: Quat;
  joints: number[];
  geoms: number[];
  sites: number[];
  children: number[];
}

interface GeomDraft extends Omit<ModelGeom, 'mass'> {
  mass: number;
}

class ModelBuilder {
  readonly bodies: BodyDraft[] = [];
  readonly joints: ModelJoint[] = [];
  readonly geoms: GeomDraft[] = [];
  readonly sites: ModelSite[] = [];
  readonly actuators: ModelActuator[] = [];
  readonly qpos0: number[] = [];
  nv = 0;

  constructor(
    private readonly source: string,
    private readonly compiler: Compiler,
    private readonly defaults: DefaultClasses,
  ) {}

  private fail(element: XmlElement, message: string): never {
    throw new MjcfError(`${where(this.source, element)}: ${message}`);
  }

  private angle(value: number): number {
    return this.compiler.degrees ? (value * Math.PI) / 180 : value;
  }

  addWorld(element: XmlElement): void {
    if (element.attributes.size > 0) this.fail(element, `attribute '${[...element.attributes.keys()][0]}' is not supported on <worldbody>`);
    this.addBody(element, -1, 'main', 'world');
  }

  /** Adds a body (preorder, as MuJoCo numbers them), its joints, geoms and sites, then its children. */
  private addBody(element: XmlElement, parent: number, inheritedClass: string, name: string): void {
    const id = this.bodies.length;
    let pos: Vec3 = [0, 0, 0];
    let quat: Quat = IDENTITY_QUAT;
    let childClass = inheritedClass;
    if (parent >= 0) {
      checkAttributes(this.source, element, 'body');
      const a = new Attributes(this.source, element, [element]);
      const p = a.numbers('pos', [0, 0, 0], true);
      pos = [p[0], p[1], p[2]];
      quat = this.orientation(a);
      childClass = element.attributes.get('childclass') ?? inheritedClass;
      if (!this.defaults.hasClass(childClass)) this.fail(element, `unknown childclass '${childClass}'`);
    }
    const body: BodyDraft = {
      id,
      name,
      parent,
      pos,
      quat,
      mass: 0,
      inertia: [0, 0, 0],
      ipos: [0, 0, 0],
      iquat: IDENTITY_QUAT,
      joints: [],
      geoms: [],
      sites: [],
      children: [],
    };
    this.bodies.push(body);
    if (parent >= 0) this.bodies[parent].children.push(id);
    const children: XmlElement[] = [];
    const masses: GeomMass[] = [];
    for (const child of element.children) {
      if (child.name === 'body') children.push(child);
      else if (child.name === 'joint') body.joints.push(this.addJoint(child, body, childClass));
      else if (child.name === 'geom') {
        const geom = this.addGeom(child, id, childClass);
        body.geoms.push(geom.id);
        if (id > 0 && geom.type !== 'plane')
          masses.push({ mass: geom.mass, inertia: geomInertia(geom.type, geom.size, geom.mass), pos: geom.pos, quat: geom.quat });
      } else if (child.name === 'site') body.sites.push(this.addSite(child, id, childClass));
      else if (!RENDERING_ONLY.has(child.name)) this.fail(child, `element <${child.name}> is not supported in a body`);
    }
    if (id > 0) {
      Object.assign(body, bodyInertial(masses));
      if (!(body.mass > 0)) this.fail(element, 'a moving body needs mass: give it a geom');
    }
    for (const child of children) this.addBody(child, id, childClass, child.attributes.get('name') ?? '');
  }

  /** A frame's orientation from whichever one of quat, axisangle, euler, xyaxes, zaxis is given. */
  private orientation(a: Attributes): Quat {
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

  private addJoint(element: XmlElement, body: ModelBody, inheritedClass: string): number {
    checkAttributes(this.source, element, 'joint');
    const a = this.defaults.attributes(element, 'joint', inheritedClass);
    if (body.id === 0) this.fail(element, 'the world cannot have joints');
    const type = a.oneOf<JointType>('type', ['free', 'ball', 'slide', 'hinge'], 'hinge');
    const angular = type === 'hinge' || type === 'ball';
    const limitedText = a.oneOf('limited', ['true', 'false', 'auto'], 'auto');
    let limited = limitedText === 'true' || (limitedText === 'auto' && a.has('range'));
    if (limitedText === 'auto' && a.has('range') && !this.compiler.autolimits)
      this.fail(element, 'range given with limited="auto" and autolimits="false"');
    if (type === 'free') {
      if (limited) this.fail(element, 'a free joint cannot be limited');
      if (body.parent !== 0) this.fail(element, 'a free joint must be on a child of the world');
      limited = false;
    }
    const range = a.numbers('range', [0, 0], true).map((value) => (angular ? this.angle(value) : value));
    if (limited && !(range[0] < range[1])) this.fail(element, `range [${range.join(', ')}] must have lower < upper`);
    const convert = (value: number) => (type === 'hinge' ? this.angle(value) : value);
    const p = a.numbers('pos', [0, 0, 0], true);
    const x = a.numbers('axis', [0, 0, 1], true);
    const axis = normalize3([x[0], x[1], x[2]], `${where(this.source, element)} axis`);
    const ref = convert(a.number('ref', 0));
    const joint: ModelJoint = {
      id: this.joints.length,
      name: element.attributes.get('name') ?? '',
      type,
      body: body.id,
      pos: [p[0], p[1], p[2]],
      axis,
      qposAddress: this.qpos0.length,
      dofAddress: this.nv,
      limited,
      range: limited ? [range[0], range[1]] : [0, 0],
      ref,
      stiffness: a.number('stiffness', 0),
      springref: convert(a.number('springref', 0)),
      damping: a.number('damping', 0),
      armature: a.number('armature', 0),
      frictionloss: a.number('frictionloss', 0),
      solrefLimit: pair(a.numbers('solreflimit', GEOM_SOLREF)),
      solimpLimit: five(a.numbers('solimplimit', GEOM_SOLIMP)),
      margin: a.number('margin', 0),
    };
    if (type === 'free') this.qpos0.push(...body.pos, ...body.quat);
    else if (type === 'ball') this.qpos0.push(1, 0, 0, 0);
    else this.qpos0.push(ref);
    this.nv += type === 'free' ? 6 : type === 'ball' ? 3 : 1;
    this.joints.push(joint);
    return joint.id;
  }

  private addGeom(element: XmlElement, body: number, inheritedClass: string): ModelGeom {
    checkAttributes(this.source, element, 'geom');
    const a = this.defaults.attributes(element, 'geom', inheritedClass);
    const type = a.oneOf<GeomType>('type', ['plane', 'sphere', 'capsule', 'ellipsoid', 'cylinder', 'box'], 'sphere');
    const s = a.numbers('size', [0, 0, 0]);
    let size: Vec3 = [s[0], s[1], s[2]];
    let p = a.numbers('pos', [0, 0, 0], true);
    let quat = this.orientation(a);
    if (a.own('fromto')) {
      if (type !== 'capsule' && type !== 'cylinder') this.fail(element, `fromto is supported for capsules and cylinders, not ${type}s`);
      if (a.own('pos') || quat !== IDENTITY_QUAT) this.fail(element, 'fromto sets the position and orientation: give neither beside it');
      const f = a.numbers('fromto', [0, 0, 0, 0, 0, 0], true);
      const d: Vec3 = [f[3] - f[0], f[4] - f[1], f[5] - f[2]];
      p = [(f[0] + f[3]) / 2, (f[1] + f[4]) / 2, (f[2] + f[5]) / 2];
      quat = zToQuat(d);
      size = [size[0], Math.hypot(d[0], d[1], d[2]) / 2, 0];
    }
    checkSize(type, size, () => where(this.source, element));
    if (type === 'plane' && body !== 0) this.fail(element, 'planes can only belong to the world');
    const volume = geomVolume(type, size);
    let mass = 0;
    if (body !== 0 && type !== 'plane') {
      mass = a.has('mass') ? a.number('mass', 0) : a.number('density', 1000) * volume;
      if (!(mass >= 0)) this.fail(element, `mass must be non-negative, got ${mass}`);
    }
    const friction = a.numbers('friction', [1, 0.005, 0.0001]);
    const rgba = a.numbers('rgba', [0.5, 0.5, 0.5, 1], true);
    const geom: GeomDraft = {
      id: this.geoms.length,
      name: element.attributes.get('name') ?? '',
      type,
      body,
      pos: [p[0], p[1], p[2]],
      quat,
      size,
      contype: a.integer('contype', 1),
      conaffinity: a.integer('conaffinity', 1),
      condim: checkCondim(a.integer('condim', 3), () => where(this.source, element)),
      friction: [friction[0], friction[1], friction[2]],
      solref: pair(a.numbers('solref', GEOM_SOLREF)),
      solimp: five(a.numbers('solimp', GEOM_SOLIMP)),
      solmix: a.number('solmix', 1),
      priority: a.integer('priority', 0),
      margin: a.number('margin', 0),
      gap: a.number('gap', 0),
      rgba: [rgba[0], rgba[1], rgba[2], rgba[3]],
      mass,
      group: a.integer('group', 0),
    };
    this.geoms.push(geom);
    return geom;
  }

  private addSite(element: XmlElement, body: number, inheritedClass: string): number {
    checkAttributes(this.source, element, 'site');
    const a = this.defaults.attributes(element, 'site', inheritedClass);
    a.oneOf('type', ['sphere', 'capsule', 'ellipsoid', 'cylinder', 'box'], 'sphere');
    const p = a.numbers('pos', [0, 0, 0], true);
    const site: ModelSite = {
      id: this.sites.length,
      name: element.attributes.get('name') ?? '',
      body,
      pos: [p[0], p[1], p[2]],
      quat: this.orientation(a),
    };
    this.sites.push(site);
    return site.id;
  }

  addActuator(element: XmlElement): void {
    if (element.name !== 'motor' && element.name !== 'general') this.fail(element, `actuator <${element.name}> is not supported (motor, general)`);
    checkAttributes(this.source, element, element.name);
    const a = this.defaults.attributes(element, 'actuator', 'main');
    const jointName = element.attributes.get('joint');
    const joint = this.joints.find((candidate) => candidate.name === jointName && jointName !== '');
    if (joint === undefined) this.fail(element, jointName === undefined ? 'an actuator needs a joint' : `no joint named '${jointName}'`);
    if (joint.type === 'free' || joint.type === 'ball') this.fail(element, `actuators on ${joint.type} joints are not supported`);
    const motor = element.name === 'motor';
    if (!motor) {
      a.oneOf('gaintype', ['fixed'], 'fixed');
      a.oneOf('dyntype', ['none'], 'none');
    }
    const biasType = motor ? 'none' : a.oneOf('biastype', ['none', 'affine'], 'none');
    const gainprm = motor ? [1] : a.numbers('gainprm', [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const biasprm = biasType === 'affine' ? a.numbers('biasprm', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) : [0, 0, 0];
    const limited = (name: string, range: string) => {
      const text = a.oneOf(name, ['true', 'false', 'auto'], 'auto');
      const on = text === 'true' || (text === 'auto' && a.has(range));
      if (text === 'auto' && a.has(range) && !this.compiler.autolimits)
        this.fail(element, `${range} given with ${name}="auto" and autolimits="false"`);
      const values = a.numbers(range, [0, 0], true);
      if (on && !(values[0] < values[1])) this.fail(element, `${range} [${values.join(', ')}] must have lower < upper`);
      return { on, range: (on ? [values[0], values[1]] : [0, 0]) as [number, number] };
    };
    const ctrl = limited('ctrllimited', 'ctrlrange');
    const force = limited('forcelimited', 'forcerange');
    const gear = a.numbers('gear', [1, 0, 0, 0, 0, 0]);
    this.actuators.push({
      id: this.actuators.length,
      name: element.attributes.get('name') ?? '',
      joint: joint.id,
      gear: [gear[0], gear[1], gear[2], gear[3], gear[4], gear[5]],
      ctrlLimited: ctrl.on,
      ctrlRange: ctrl.range,
      forceLimited: force.on,
      forceRange: force.range,
      gain: gainprm[0],
      bias: [biasprm[0], biasprm[1], biasprm[2]],
    });
  }

  /** compiler settotalmass: scales every body's mass and inertia so that they sum to it. */
  applyTotalMass(): void {
    const target = this.compiler.settotalmass;
    if (!(target > 0)) return;
    const total = this.bodies.reduce((sum, body) => sum + body.mass, 0);
    const scale = target / total;
    for (const body of this.bodies) {
      body.mass *= scale;
      body.inertia = [body.inertia[0] * scale, body.inertia[1] * scale, body.inertia[2] * scale];
    }
    for (const geom of this.geoms) geom.mass *= scale;
  }
}

function pair(values: readonly number[]): readonly [number, number] {
  return [values[0], values[1]];
}

function five(values: readonly number[]): readonly [number, number, number, number, number] {
  return [values[0], values[1], values[2], values[3], values[4]];
}

function checkCondim(condim: number, at: () => string): number {
  if (![1, 3, 4, 6].includes(condim)) throw new MjcfError(`${at()}: condim must be 1, 3, 4 or 6, got ${condim}`);
  return condim;
}

/** The sizes a geom type reads must be positive (a plane's may be 0: infinite). */
function checkSize(type: GeomType, size: Vec3, at: () => string): void {
  const used = { sphere: 1, capsule: 2, cylinder: 2, ellipsoid: 3, box: 3, plane: 0 }[type];
  for (let i = 0; i < used; i++) if (!(size[i] > 0)) throw new MjcfError(`${at()}: a ${type} needs size[${i}] > 0, got ${size[i]}`);
  if (type === 'plane' && !(size[2] >= 0 && size[0] >= 0 && size[1] >= 0)) throw new MjcfError(`${at()}: a plane's sizes must be non-negative`);
}
