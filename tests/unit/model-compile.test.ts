import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileMjcf, loadModel, MjcfError, type ModelFileName } from '../../sim/model/index.ts';
import { modelFiles } from '../../sim/model/model-files.ts';

const REFERENCE = new URL('../fixtures/sim', import.meta.url).pathname;
/** Each robot's model file, its reference trajectory prefix and Gymnasium's reset noise on qpos. */
const ROBOTS: readonly (readonly [ModelFileName, string, number])[] = [
  ['reacher.xml', 'reacher', 0.2],
  ['hopper.xml', 'hopper', 0.005],
  ['walker2d_v5.xml', 'walker2d', 0.005],
  ['half_cheetah.xml', 'half-cheetah', 0.1],
  ['ant.xml', 'ant', 0.1],
];

interface ReferenceFile {
  nq: number;
  nv: number;
  nu: number;
  joints: string[];
  bodies: { name: string; mass: number; inertia: number[] }[];
  qpos0: number[];
}

/** The reference files print 9 significant digits: ours must round to exactly what MuJoCo printed. */
const nineDigits = (value: number) => Number(value.toPrecision(9));

describe('MJCF compiler against MuJoCo 2.2.2 (reference trajectory files)', () => {
  for (const [file, prefix, noise] of ROBOTS) {
    it(`${file}: nq, nv, nu, joint order, every body's mass and inertia, qpos0`, () => {
      const model = loadModel(file);
      for (const seed of [1, 2, 3]) {
        const reference = JSON.parse(readFileSync(`${REFERENCE}/${prefix}-seed${seed}.json`, 'utf8')) as ReferenceFile;
        expect([model.nq, model.nv, model.nu]).toEqual([reference.nq, reference.nv, reference.nu]);
        expect(model.joints.map((joint) => joint.name)).toEqual(reference.joints);
        expect(model.bodies.map((body) => body.name || '(null)')).toEqual(reference.bodies.map((body) => body.name));
        reference.bodies.forEach((body, i) => {
          expect(nineDigits(model.bodies[i].mass)).toBe(body.mass);
          expect(model.bodies[i].inertia.map(nineDigits)).toEqual(body.inertia);
        });
        // The recorded initial state is qpos0 plus Gymnasium's reset noise (the Reacher's target: a disc of 0.2).
        reference.qpos0.forEach((value, i) => expect(Math.abs(value - model.qpos0[i])).toBeLessThanOrEqual(noise));
      }
    });
  }

  it('qpos0 holds joint refs and a free joint at its body pose', () => {
    expect(loadModel('hopper.xml').qpos0).toEqual([0, 1.25, 0, 0, 0, 0]);
    expect(loadModel('reacher.xml').qpos0).toEqual([0, 0, 0.1, -0.1]);
    expect(loadModel('ant.xml').qpos0).toEqual([0, 0, 0.75, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('MJCF compiler: settings, units, defaults', () => {
  it('compiles InvertedPendulum, InvertedDoublePendulum and Swimmer with masses from their geometry', () => {
    const pendulum = loadModel('inverted_pendulum.xml');
    expect([pendulum.nq, pendulum.nv, pendulum.nu]).toEqual([2, 2, 1]);
    // Cart: capsule r 0.1, half length 0.1 at density 1000: pi r^2 (0.2) + 4/3 pi r^3.
    expect(pendulum.bodies[1].mass).toBeCloseTo(1000 * (Math.PI * 0.01 * 0.2 + (4 / 3) * Math.PI * 0.001), 10);
    // Pole: fromto (0 0 0)-(0.001 0 0.6), radius 0.049.
    const length = Math.hypot(0.001, 0.6);
    expect(pendulum.bodies[2].mass).toBeCloseTo(1000 * (Math.PI * 0.049 ** 2 * length + (4 / 3) * Math.PI * 0.049 ** 3), 10);
    // angle defaults to degrees: range -90 90.
    expect(pendulum.joints[1].range[0]).toBeCloseTo(-Math.PI / 2, 12);
    expect(pendulum.actuators[0]).toMatchObject({ gear: [100, 0, 0, 0, 0, 0], ctrlLimited: true, ctrlRange: [-3, 3] });
    const double = loadModel('inverted_double_pendulum.xml');
    expect([double.nq, double.nv, double.nu]).toEqual([3, 3, 1]);
    expect(double.sites.map((site) => site.name)).toEqual(['tip']);
    expect(double.option.gravity).toEqual([1e-5, 0, -9.81]);
    expect(double.numerics.frame_skip).toEqual([2]);
    const swimmer = loadModel('swimmer.xml');
    expect([swimmer.nq, swimmer.nv, swimmer.nu]).toEqual([5, 5, 2]);
    expect(swimmer.option).toMatchObject({ density: 4000, viscosity: 0.1, integrator: 'RK4' });
  });

  it('settotalmass scales the HalfCheetah to 14 kg; partial vectors keep inherited entries', () => {
    const cheetah = loadModel('half_cheetah.xml');
    expect(cheetah.bodies.reduce((sum, body) => sum + body.mass, 0)).toBeCloseTo(14, 12);
    // solimp="0.0 0.8 0.01" keeps MuJoCo's midpoint 0.5 and power 2.
    expect(cheetah.geoms[1].solimp).toEqual([0, 0.8, 0.01, 0.5, 2]);
    // Walker: friction="0.9" over the default ".7 .1 .1".
    expect(loadModel('walker2d_v5.xml').geoms[1].friction).toEqual([0.9, 0.1, 0.1]);
    // Hopper's default class 'main' with autolimits: the thigh is limited by its range, rootx is not.
    const hopper = loadModel('hopper.xml');
    expect(hopper.joints[3]).toMatchObject({ limited: true, armature: 1, damping: 1, range: [-2.61799, 0] });
    expect(hopper.joints[0]).toMatchObject({ type: 'slide', limited: false, armature: 0 });
    expect(hopper.actuators[0]).toMatchObject({ ctrlLimited: true, ctrlRange: [-1, 1], gear: [200, 0, 0, 0, 0, 0] });
  });

  it('fromto: midpoint, +z along the segment, half length', () => {
    const ant = loadModel('ant.xml');
    const geom = ant.geoms.find((g) => g.name === 'aux_1_geom');
    expect(geom?.pos).toEqual([0.1, 0.1, 0]);
    expect(geom?.size[1]).toBeCloseTo(Math.hypot(0.2, 0.2) / 2, 15);
    // Rotating +z by 90 degrees about (-1, 1, 0)/sqrt(2) gives (1, 1, 0)/sqrt(2).
    const h = Math.SQRT1_2;
    expect(geom?.quat[0]).toBeCloseTo(h, 12);
    expect(geom?.quat[1]).toBeCloseTo(-0.5, 12);
    expect(geom?.quat[2]).toBeCloseTo(0.5, 12);
  });
});

describe('MJCF compiler: unsupported input is an error naming it and its line', () => {
  const compile = (body: string) => () => compileMjcf(`<mujoco model="t">\n<worldbody>\n${body}\n</worldbody>\n</mujoco>`, 't.xml');
  it('names an unsupported element, attribute, class, joint, and bad numbers', () => {
    expect(compile('<body><geom size="0.1"/><tendon/></body>')).toThrow(/t\.xml:3: <tendon>: element <tendon> is not supported in a body/);
    expect(compile('<body>\n<geom size="0.1" fluidshape="ellipsoid"/></body>')).toThrow(
      /t\.xml:4: <geom>: attribute 'fluidshape' is not supported on <geom>/,
    );
    expect(compile('<body><geom class="x" size="0.1"/></body>')).toThrow(/unknown default class 'x'/);
    expect(compile('<body><geom size="0.1 abc"/></body>')).toThrow(/size="0.1 abc" is not a list of finite numbers/);
    expect(compile('<body><geom type="mesh" size="1"/></body>')).toThrow(/type="mesh": expected one of/);
    expect(compile('<body><joint/></body>')).toThrow(/a moving body needs mass/);
    expect(() => compileMjcf('<mujoco><worldbody/><actuator><motor joint="nope"/></actuator></mujoco>', 'a.xml')).toThrow(
      /a\.xml:1: <motor>: no joint named 'nope'/,
    );
    expect(() => compileMjcf('<mujoco><worldbody><body></worldbody></mujoco>', 'b.xml')).toThrow(MjcfError);
    expect(() => compileMjcf('<mujoco><sensor/><worldbody/></mujoco>', 'c.xml')).toThrow(/c\.xml:1: <sensor>: element <sensor> is not supported/);
  });
});

describe('embedded model files', () => {
  it('sim/model/model-files.ts holds assets/models/*.xml verbatim (regenerate: node scripts/embed-models.mjs)', () => {
    const folder = new URL('../../assets/models/', import.meta.url);
    const files = readdirSync(folder)
      .filter((name) => name.endsWith('.xml'))
      .sort();
    expect(Object.keys(modelFiles).sort()).toEqual(files);
    for (const file of files) expect(modelFiles[file as ModelFileName]).toBe(readFileSync(new URL(file, folder), 'utf8'));
  });
});
