import type { RestorePass } from '../../env-common.ts';
import type { RobotModel } from '../../model/types.ts';
import { builtCounts } from './build.ts';
import type { RapierLayout } from './layout.ts';
import { RapierWorld } from './world.ts';

/**
 * Exact resume on Rapier. What decides a robot's next step is not only its bodies' poses and velocities (single
 * precision, and off the joints by the impulse joints' drift, so qpos/qvel do not give them back exactly) but also
 * state inside its world that Rapier's JS API can neither read nor write per robot: the joints' and the contact
 * manifolds' accumulated impulses (the solver's warm starts) and the contacts themselves. So a snapshot holds whole
 * worlds (World.takeSnapshot), and each robot's extra state (EnginePhysics.writeStateExtra) says which world it
 * lives in and which handles there are its bodies, joints and colliders.
 *
 * A robot's numbers do not depend on which other robots share its world (they never touch; tested), so a restore
 * rebuilds each saved world once, the robots being restored adopt their bodies in it, and the bodies no restored
 * robot claimed are removed: a vector env resumed with another worker count (other slices, so other worlds)
 * continues bit for bit, its threads then holding a world per saved world their slice overlaps.
 *
 * Extra state layout: world id (its lowest lane), then the handles of the robot's links, joints, lane ground body,
 * own colliders, and the world's shared plane bodies (-1 where, on soft ground, the lane's ground body holds them).
 */

/** A robot's handles in its world (rigid bodies, impulse joints, colliders). */
export interface RobotHandles {
  readonly links: number[];
  readonly joints: number[];
  readonly staticBodies: number[];
  readonly colliders: number[];
}

/** `planeSlots` (builtCounts) are written whether or not the world has shared plane bodies (-1 for none: soft ground). */
export function writeRobotExtra(
  out: Float64Array,
  offset: number,
  worldId: number,
  handles: RobotHandles,
  planes: readonly number[],
  planeSlots: number,
): void {
  let o = offset;
  out[o++] = worldId;
  for (const list of [handles.links, handles.joints, handles.staticBodies, handles.colliders]) for (const h of list) out[o++] = h;
  for (let k = 0; k < planeSlots; k++) out[o++] = planes[k] ?? -1;
}

/** The world id, the robot's handles and the world's plane bodies from a robot's extra state. */
export function readRobotExtra(
  values: ArrayLike<number>,
  offset: number,
  model: RobotModel,
  layout: RapierLayout,
): { worldId: number; handles: RobotHandles; planes: number[] } {
  const counts = builtCounts(model, layout);
  let o = offset;
  const take = (n: number) => Array.from({ length: n }, () => values[o++]);
  const worldId = values[o++];
  const handles = {
    links: take(counts.links),
    joints: take(counts.joints),
    staticBodies: take(counts.staticBodies),
    colliders: take(counts.colliders),
  };
  return { worldId, handles, planes: take(counts.planes).filter((handle) => handle >= 0) };
}

/** A saved world rebuilt for one restore pass: robots adopt their bodies in it, finish() drops the unclaimed ones. */
export class RestoredWorld {
  private readonly kept = new Set<number>();

  constructor(readonly host: RapierWorld) {}

  /** The world `id` of `saved` for this pass, rebuilt on first use (like `like`: model, frame skip, solver). */
  static forPass(pass: RestorePass, saved: ReadonlyMap<number, Uint8Array> | undefined, id: number, like: RapierWorld): RestoredWorld {
    const existing = pass.get(id);
    if (existing instanceof RestoredWorld) return existing;
    const bytes = saved?.get(id);
    if (bytes === undefined)
      throw new Error(`${like.model.name}: the snapshot does not hold Rapier world ${id}, which this robot's saved state lives in`);
    const restored = new RestoredWorld(RapierWorld.fromSnapshot(like, bytes));
    pass.set(id, restored);
    return restored;
  }

  claim(handles: RobotHandles, planes: readonly number[]): void {
    for (const list of [handles.links, handles.staticBodies, planes]) for (const h of list) this.kept.add(h);
    for (const h of planes) if (!this.host.planeBodies.includes(h)) this.host.planeBodies.push(h);
  }

  /** Removes every body (with its colliders and joints) that no robot of the pass claimed. */
  finish(): void {
    const world = this.host.world;
    const unclaimed: number[] = [];
    world.forEachRigidBody((body) => {
      if (!this.kept.has(body.handle)) unclaimed.push(body.handle);
    });
    for (const handle of unclaimed) world.removeRigidBody(world.getRigidBody(handle));
  }
}
