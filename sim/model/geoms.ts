import { checkAttributes, MjcfError, where } from './attributes.ts';
import { DEFAULT_SOLIMP, DEFAULT_SOLREF, five, pair, type CompileContext } from './compile-context.ts';
import { geomVolume } from './mass.ts';
import { IDENTITY_QUAT, zToQuat } from './math.ts';
import type { GeomType, ModelGeom, ModelSite, Vec3 } from './types.ts';
import type { XmlElement } from './xml.ts';

/** A geom whose mass compiler settotalmass may still scale. */
export interface GeomDraft extends Omit<ModelGeom, 'mass'> {
  mass: number;
}

/**
 * A <geom> of body `body` through its default classes: shape (fromto for capsules and cylinders), frame, contact
 * parameters, colour, and its mass (given, or density times volume; planes and the world's geoms have none).
 */
export function compileGeom(ctx: CompileContext, element: XmlElement, body: number, inheritedClass: string, id: number): GeomDraft {
  checkAttributes(ctx.source, element, 'geom');
  const a = ctx.defaults.attributes(element, 'geom', inheritedClass);
  const type = a.oneOf<GeomType>('type', ['plane', 'sphere', 'capsule', 'ellipsoid', 'cylinder', 'box'], 'sphere');
  const s = a.numbers('size', [0, 0, 0]);
  let size: Vec3 = [s[0], s[1], s[2]];
  let p = a.numbers('pos', [0, 0, 0], true);
  let quat = ctx.orientation(a);
  if (a.own('fromto')) {
    if (type !== 'capsule' && type !== 'cylinder') ctx.fail(element, `fromto is supported for capsules and cylinders, not ${type}s`);
    if (a.own('pos') || quat !== IDENTITY_QUAT) ctx.fail(element, 'fromto sets the position and orientation: give neither beside it');
    const f = a.numbers('fromto', [0, 0, 0, 0, 0, 0], true);
    const d: Vec3 = [f[3] - f[0], f[4] - f[1], f[5] - f[2]];
    p = [(f[0] + f[3]) / 2, (f[1] + f[4]) / 2, (f[2] + f[5]) / 2];
    quat = zToQuat(d);
    size = [size[0], Math.hypot(d[0], d[1], d[2]) / 2, 0];
  }
  checkSize(type, size, () => where(ctx.source, element));
  if (type === 'plane' && body !== 0) ctx.fail(element, 'planes can only belong to the world');
  const volume = geomVolume(type, size);
  let mass = 0;
  if (body !== 0 && type !== 'plane') {
    mass = a.has('mass') ? a.number('mass', 0) : a.number('density', 1000) * volume;
    if (!(mass >= 0)) ctx.fail(element, `mass must be non-negative, got ${mass}`);
  }
  const friction = a.numbers('friction', [1, 0.005, 0.0001]);
  const rgba = a.numbers('rgba', [0.5, 0.5, 0.5, 1], true);
  return {
    id,
    name: element.attributes.get('name') ?? '',
    type,
    body,
    pos: [p[0], p[1], p[2]],
    quat,
    size,
    contype: a.integer('contype', 1),
    conaffinity: a.integer('conaffinity', 1),
    condim: checkCondim(a.integer('condim', 3), () => where(ctx.source, element)),
    friction: [friction[0], friction[1], friction[2]],
    solref: pair(a.numbers('solref', DEFAULT_SOLREF)),
    solimp: five(a.numbers('solimp', DEFAULT_SOLIMP)),
    solmix: a.number('solmix', 1),
    priority: a.integer('priority', 0),
    margin: a.number('margin', 0),
    gap: a.number('gap', 0),
    rgba: [rgba[0], rgba[1], rgba[2], rgba[3]],
    mass,
    group: a.integer('group', 0),
  };
}

/** A <site> of body `body`: a named frame (its type is checked; its size and colour only matter to MuJoCo's renderer). */
export function compileSite(ctx: CompileContext, element: XmlElement, body: number, inheritedClass: string, id: number): ModelSite {
  checkAttributes(ctx.source, element, 'site');
  const a = ctx.defaults.attributes(element, 'site', inheritedClass);
  a.oneOf('type', ['sphere', 'capsule', 'ellipsoid', 'cylinder', 'box'], 'sphere');
  const p = a.numbers('pos', [0, 0, 0], true);
  return { id, name: element.attributes.get('name') ?? '', body, pos: [p[0], p[1], p[2]], quat: ctx.orientation(a) };
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
