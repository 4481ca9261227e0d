import { Attributes, checkAttributes, DefaultClasses, MjcfError, parseNumbers, where } from './attributes.ts';
import { ModelBuilder, RENDERING_ONLY } from './bodies.ts';
import { CompileContext, type CompilerSettings } from './compile-context.ts';
import type { Integrator, RobotModel, Vec3 } from './types.ts';
import { parseXml, XmlError, type XmlElement } from './xml.ts';

/**
 * Compiles an MJCF file into a RobotModel as MuJoCo's compiler does for the subset our robots use (see
 * attributes.ts SUPPORTED): frames, default classes and childclass, angle units, fromto, masses and inertias from
 * geoms (inertiafromgeom, settotalmass), joint limits (autolimits), actuators. Anything else is an error naming
 * the element, attribute and line. Rendering-only elements (<visual>, <asset>, <light>, <camera>) are not read.
 * This file reads the file's sections; bodies.ts builds the body tree from the elements that joints.ts, geoms.ts
 * (geoms and sites) and actuators.ts compile, sharing compile-context.ts (units, orientations, messages).
 */

const ROOT_SECTIONS = new Set(['compiler', 'option', 'size', 'custom', 'default', 'worldbody', 'actuator']);

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
  const builder = new ModelBuilder(new CompileContext(source, compiler, defaults));
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

function readCompiler(source: string, element: XmlElement | undefined): CompilerSettings {
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
