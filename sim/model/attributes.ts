import type { XmlElement } from './xml.ts';

/**
 * Reading MJCF attributes through default classes. An element's value of an attribute is MuJoCo's built-in
 * default, overwritten by each default class from 'main' down to the element's class, then by the element itself.
 * Like MuJoCo, a vector attribute with fewer numbers than its length overwrites only its leading entries
 * (friction=".9" keeps the inherited torsional and rolling coefficients).
 */

export class MjcfError extends Error {}

/** The kinds of elements a default class configures (every actuator shortcut shares one default). */
export type DefaultKind = 'joint' | 'geom' | 'site' | 'actuator';

/** Every attribute the compiler reads, per element; any other attribute is an error. */
export const SUPPORTED: Readonly<Record<string, readonly string[]>> = {
  mujoco: ['model'],
  compiler: ['angle', 'coordinate', 'inertiafromgeom', 'settotalmass', 'autolimits', 'eulerseq'],
  option: ['timestep', 'gravity', 'integrator', 'density', 'viscosity'],
  // Memory sizes of MuJoCo's arenas and user-data widths: no effect on the physics.
  size: ['nstack', 'nuser_geom', 'njmax', 'nconmax', 'memory'],
  numeric: ['name', 'data', 'size'],
  default: ['class'],
  body: ['name', 'pos', 'quat', 'axisangle', 'euler', 'xyaxes', 'zaxis', 'childclass'],
  joint: [
    'name',
    'class',
    'type',
    'pos',
    'axis',
    'limited',
    'range',
    'ref',
    'springref',
    'stiffness',
    'damping',
    'armature',
    'frictionloss',
    'margin',
    'solreflimit',
    'solimplimit',
  ],
  geom: [
    'name',
    'class',
    'type',
    'size',
    'fromto',
    'pos',
    'quat',
    'axisangle',
    'euler',
    'xyaxes',
    'zaxis',
    'contype',
    'conaffinity',
    'condim',
    'friction',
    'solref',
    'solimp',
    'solmix',
    'priority',
    'margin',
    'gap',
    'rgba',
    'material',
    'density',
    'mass',
    'group',
  ],
  site: ['name', 'class', 'type', 'size', 'pos', 'quat', 'axisangle', 'euler', 'xyaxes', 'zaxis', 'rgba', 'group'],
  motor: ['name', 'class', 'joint', 'gear', 'ctrllimited', 'ctrlrange', 'forcelimited', 'forcerange'],
  general: [
    'name',
    'class',
    'joint',
    'gear',
    'ctrllimited',
    'ctrlrange',
    'forcelimited',
    'forcerange',
    'gaintype',
    'gainprm',
    'biastype',
    'biasprm',
    'dyntype',
  ],
};

/** Where an element is, for messages: "hopper.xml:12: <geom name='foot'>". */
export function where(source: string, element: XmlElement): string {
  const name = element.attributes.get('name');
  return `${source}:${element.line}: <${element.name}${name !== undefined ? ` name='${name}'` : ''}>`;
}

/** Throws unless every attribute of `element` is one the compiler reads for `tag`. */
export function checkAttributes(source: string, element: XmlElement, tag: string, exclude: readonly string[] = []): void {
  const supported = SUPPORTED[tag];
  if (supported === undefined) throw new MjcfError(`${where(source, element)}: element <${element.name}> is not supported`);
  for (const attribute of element.attributes.keys()) {
    if (!supported.includes(attribute) || exclude.includes(attribute)) {
      throw new MjcfError(`${where(source, element)}: attribute '${attribute}' is not supported on <${element.name}>`);
    }
  }
}

/** One element's attributes seen through its default classes (layers: outermost default first, element last). */
export class Attributes {
  constructor(
    readonly source: string,
    readonly element: XmlElement,
    private readonly layers: readonly XmlElement[],
  ) {}

  private fail(message: string, layer: XmlElement = this.element): never {
    throw new MjcfError(`${where(this.source, layer)}: ${message}`);
  }

  /** Whether any layer sets the attribute. */
  has(name: string): boolean {
    return this.layers.some((layer) => layer.attributes.has(name));
  }

  /** Whether the element itself (not a default) sets it. */
  own(name: string): boolean {
    return this.element.attributes.has(name);
  }

  string(name: string, fallback: string): string {
    let value = fallback;
    for (const layer of this.layers) value = layer.attributes.get(name) ?? value;
    return value;
  }

  oneOf<T extends string>(name: string, options: readonly T[], fallback: T): T {
    let value = fallback;
    for (const layer of this.layers) {
      const text = layer.attributes.get(name);
      if (text === undefined) continue;
      if (!(options as readonly string[]).includes(text)) this.fail(`${name}="${text}": expected one of ${options.join(', ')}`, layer);
      value = text as T;
    }
    return value;
  }

  /** A vector of `fallback.length` numbers; `exact` demands all of them from any layer that sets it. */
  numbers(name: string, fallback: readonly number[], exact = false): number[] {
    const value = [...fallback];
    for (const layer of this.layers) {
      const text = layer.attributes.get(name);
      if (text === undefined) continue;
      const parsed = parseNumbers(text);
      if (parsed === null) this.fail(`${name}="${text}" is not a list of finite numbers`, layer);
      if (parsed.length === 0 || parsed.length > value.length || (exact && parsed.length !== value.length)) {
        this.fail(`${name}="${text}": expected ${exact ? '' : 'up to '}${value.length} number${value.length > 1 ? 's' : ''}`, layer);
      }
      parsed.forEach((number, i) => (value[i] = number));
    }
    return value;
  }

  number(name: string, fallback: number): number {
    return this.numbers(name, [fallback], true)[0];
  }

  integer(name: string, fallback: number): number {
    const value = this.number(name, fallback);
    if (!Number.isInteger(value)) this.fail(`${name} must be an integer, got ${value}`);
    return value;
  }
}

/** Whitespace-separated finite numbers, or null when any is not one. */
export function parseNumbers(text: string): number[] | null {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  const numbers = words.map(Number);
  return numbers.every(Number.isFinite) ? numbers : null;
}

/** The default classes of a model: per class, the chain of default elements from 'main' down to it, per kind. */
export class DefaultClasses {
  private readonly chains = new Map<string, Record<DefaultKind, XmlElement[]>>();

  constructor(private readonly source: string) {}

  /** Reads a top-level <default> (class 'main' unless named) and its nested classes. */
  read(element: XmlElement, parent: Record<DefaultKind, XmlElement[]> | null = null): void {
    checkAttributes(this.source, element, 'default');
    const name = element.attributes.get('class') ?? (parent === null ? 'main' : undefined);
    if (name === undefined) throw new MjcfError(`${where(this.source, element)}: a nested <default> needs a class`);
    if (this.chains.has(name)) throw new MjcfError(`${where(this.source, element)}: default class '${name}' defined twice`);
    const chain: Record<DefaultKind, XmlElement[]> = {
      joint: [...(parent?.joint ?? [])],
      geom: [...(parent?.geom ?? [])],
      site: [...(parent?.site ?? [])],
      actuator: [...(parent?.actuator ?? [])],
    };
    this.chains.set(name, chain);
    const nested: XmlElement[] = [];
    for (const child of element.children) {
      if (child.name === 'default') nested.push(child);
      else if (child.name === 'joint' || child.name === 'geom' || child.name === 'site') {
        checkAttributes(this.source, child, child.name, ['name', 'class']);
        chain[child.name].push(child);
      } else if (child.name === 'motor' || child.name === 'general') {
        checkAttributes(this.source, child, 'general', ['name', 'class', 'joint']);
        chain.actuator.push(child);
      } else if (child.name === 'tendon' && child.attributes.size === 0 && child.children.length === 0) {
        // An empty tendon default configures nothing (the models have no tendons).
      } else throw new MjcfError(`${where(this.source, child)}: element <${child.name}> is not supported in <default>`);
    }
    for (const child of nested) this.read(child, chain);
  }

  /** The attributes of `element` of `kind`, in its own class or else `inherited` (a body's childclass) or 'main'. */
  attributes(element: XmlElement, kind: DefaultKind, inherited: string): Attributes {
    const name = element.attributes.get('class') ?? inherited;
    const chain = this.chains.get(name);
    if (chain === undefined && name !== 'main') throw new MjcfError(`${where(this.source, element)}: unknown default class '${name}'`);
    return new Attributes(this.source, element, [...(chain?.[kind] ?? []), element]);
  }

  hasClass(name: string): boolean {
    return name === 'main' || this.chains.has(name);
  }
}
