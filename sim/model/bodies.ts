import { Attributes, checkAttributes } from './attributes.ts';
import { compileActuator } from './actuators.ts';
import type { CompileContext } from './compile-context.ts';
import { compileGeom, compileSite, type GeomDraft } from './geoms.ts';
import { compileJoint, JOINT_DOFS, jointQpos0 } from './joints.ts';
import { bodyInertial, geomInertia, type GeomMass } from './mass.ts';
import { IDENTITY_QUAT } from './math.ts';
import type { ModelActuator, ModelBody, ModelJoint, ModelSite, Quat, Vec3 } from './types.ts';
import type { XmlElement } from './xml.ts';

/** Elements that only configure MuJoCo's own renderer; the app draws from geoms and their rgba. */
export const RENDERING_ONLY = new Set(['visual', 'asset', 'light', 'camera']);

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

/**
 * The model's lists as MuJoCo numbers them: bodies in preorder from the world, each body's joints, geoms and sites
 * in file order, qpos0 and the dof count as the joints come; then the actuators; then settotalmass.
 */
export class ModelBuilder {
  readonly bodies: BodyDraft[] = [];
  readonly joints: ModelJoint[] = [];
  readonly geoms: GeomDraft[] = [];
  readonly sites: ModelSite[] = [];
  readonly actuators: ModelActuator[] = [];
  readonly qpos0: number[] = [];
  nv = 0;

  constructor(private readonly ctx: CompileContext) {}

  addWorld(element: XmlElement): void {
    if (element.attributes.size > 0) this.ctx.fail(element, `attribute '${[...element.attributes.keys()][0]}' is not supported on <worldbody>`);
    this.addBody(element, -1, 'main', 'world');
  }

  /** Adds a body (preorder, as MuJoCo numbers them), its joints, geoms and sites, its mass from its geoms, then its children. */
  private addBody(element: XmlElement, parent: number, inheritedClass: string, name: string): void {
    const { ctx } = this;
    const id = this.bodies.length;
    let pos: Vec3 = [0, 0, 0];
    let quat: Quat = IDENTITY_QUAT;
    let childClass = inheritedClass;
    if (parent >= 0) {
      checkAttributes(ctx.source, element, 'body');
      const a = new Attributes(ctx.source, element, [element]);
      const p = a.numbers('pos', [0, 0, 0], true);
      pos = [p[0], p[1], p[2]];
      quat = ctx.orientation(a);
      childClass = element.attributes.get('childclass') ?? inheritedClass;
      if (!ctx.defaults.hasClass(childClass)) ctx.fail(element, `unknown childclass '${childClass}'`);
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
        const geom = compileGeom(ctx, child, id, childClass, this.geoms.length);
        this.geoms.push(geom);
        body.geoms.push(geom.id);
        if (id > 0 && geom.type !== 'plane')
          masses.push({ mass: geom.mass, inertia: geomInertia(geom.type, geom.size, geom.mass), pos: geom.pos, quat: geom.quat });
      } else if (child.name === 'site') {
        const site = compileSite(ctx, child, id, childClass, this.sites.length);
        this.sites.push(site);
        body.sites.push(site.id);
      } else if (!RENDERING_ONLY.has(child.name)) ctx.fail(child, `element <${child.name}> is not supported in a body`);
    }
    if (id > 0) {
      Object.assign(body, bodyInertial(masses));
      if (!(body.mass > 0)) ctx.fail(element, 'a moving body needs mass: give it a geom');
    }
    for (const child of children) this.addBody(child, id, childClass, child.attributes.get('name') ?? '');
  }

  private addJoint(element: XmlElement, body: ModelBody, inheritedClass: string): number {
    const joint = compileJoint(this.ctx, element, body, inheritedClass, this.joints.length, { qpos: this.qpos0.length, dof: this.nv });
    this.qpos0.push(...jointQpos0(joint, body));
    this.nv += JOINT_DOFS[joint.type];
    this.joints.push(joint);
    return joint.id;
  }

  addActuator(element: XmlElement): void {
    this.actuators.push(compileActuator(this.ctx, element, this.joints, this.actuators.length));
  }

  /** compiler settotalmass: scales every body's mass and inertia so that they sum to it. */
  applyTotalMass(): void {
    const target = this.ctx.compiler.settotalmass;
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
