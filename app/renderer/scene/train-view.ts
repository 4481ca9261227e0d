import { Box3, Raycaster, Vector2, Vector3 } from 'three';
import { robotInfo } from '../../../sim/registry.ts';
import { RobotGrid } from './robot-grid.ts';
import type { Stage } from './stage.ts';

const pointer = new Vector2();
const raycaster = new Raycaster();
const followTarget = new Vector3();
const followDelta = new Vector3();
const framedBox = new Box3();
const framedCentre = new Vector3();
const framedSize = new Vector3();
/**
 * Where the camera looks from, as elevation above the horizon and azimuth around from the side (three's x is the
 * robots' forward direction): robots that lie flat face on from high up, so that their grid fills the view; robots
 * that stand from low and three-quarters on, so that their lanes do not hide each other.
 */
const FLAT_VIEW = { elevation: (62 * Math.PI) / 180, azimuth: 0 };
const STANDING_VIEW = { elevation: (14 * Math.PI) / 180, azimuth: (38 * Math.PI) / 180 };
/** Room left around the framed robots, as a factor on the distance that would just fit them. */
const FRAME_MARGIN = 1.1;
/** A robot alone is shown with the ground around it, not filling the view. */
const LONE_ROBOT_MARGIN = 1.8;
/** Camera distance (m) from its target under which the robots are drawn close-up (see RobotGrid.setCloseUp). */
const CLOSE_UP_M = 3;

/**
 * The 3D view of one run: its parallel robots in a grid, read from the run's pose board every frame (never
 * waiting for training). Click a robot to follow it (F toggles following, Escape returns to the grid).
 */
export class TrainView {
  private grid: RobotGrid | null = null;
  private poses: Float32Array | null = null;
  /** The poses last drawn: a frame is drawn only when they changed (not while paused or after the run ended). */
  private drawnPoses = new Float32Array(0);
  private shownKey = '';
  followed: number | null = null;
  private lastFollowed = 0;

  constructor(private readonly stage: Stage, private readonly caption: HTMLElement) {
    stage.onFrame(() => this.frame());
    stage.canvas.addEventListener('click', (event) => this.pick(event));
  }

  /** Shows `count` robots of `robot` driven by `poses`, or clears the view when poses is null. */
  show(robot: string | null, count: number, poses: Float32Array | null, label: string): void {
    const doing = label.startsWith('Playing') ? 'playing' : 'training';
    this.display(robot, count, poses, poses ? `${label}: ${count} ${robot} robots ${doing}. Click one to follow it.` : label);
  }

  /**
   * Before any run: one `robot` standing still at its initial pose, framed close, above `caption` (what to press).
   * The same view a run starts from, so pressing Start changes the number of robots, not the picture.
   */
  preview(robot: string, caption: string): void {
    this.display(robot, 1, robotInfo(robot).restPoses, caption);
  }

  private display(robot: string | null, count: number, poses: Float32Array | null, caption: string): void {
    const key = poses ? `${robot}:${count}:${caption}` : '';
    this.poses = poses;
    this.caption.textContent = caption;
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.grid?.dispose();
    this.grid = null;
    this.followed = null;
    this.stage.invalidate();
    if (robot && poses && count > 0) {
      this.grid = new RobotGrid(robotInfo(robot), count, { light: this.stage.quality === 'light', sunDirection: this.stage.sunDirection });
      this.drawnPoses = new Float32Array(poses.length);
      this.stage.scene.add(this.grid.root);
      this.frameGrid();
    }
  }

  get robotCount(): number {
    return this.grid?.count ?? 0;
  }

  follow(robot: number | null): void {
    if (!this.grid) return;
    this.followed = robot === null ? null : Math.max(0, Math.min(this.grid.count - 1, robot));
    if (this.followed !== null) this.lastFollowed = this.followed;
    else this.frameGrid();
  }

  toggleFollow(): void {
    this.follow(this.followed === null ? this.lastFollowed : null);
  }

  /**
   * Points the camera at the whole grid, every robot at its initial pose (the pose board may not be written yet),
   * from as close as shows them all: from above for robots that lie flat, from the side for robots that stand.
   * The robots are drawn as posed until the live poses arrive.
   */
  private frameGrid(): void {
    if (!this.grid) return;
    const rest = this.grid.robot.restPoses;
    const tiled = new Float32Array(rest.length * this.grid.count);
    for (let robot = 0; robot < this.grid.count; robot++) tiled.set(rest, robot * rest.length);
    this.grid.update(tiled);
    this.grid.bounds(framedBox);
    if (framedBox.isEmpty()) return;
    framedBox.getCenter(framedCentre);
    framedBox.getSize(framedSize);
    const flat = framedSize.y < 0.25 * Math.max(framedSize.x, framedSize.z);
    const { elevation, azimuth } = flat ? FLAT_VIEW : STANDING_VIEW;
    const toCamera = new Vector3(Math.sin(azimuth) * Math.cos(elevation), Math.sin(elevation), Math.cos(azimuth) * Math.cos(elevation));
    const camera = this.stage.camera;
    this.stage.resize();
    const margin = this.grid.count === 1 ? LONE_ROBOT_MARGIN : FRAME_MARGIN;
    const distance = fitDistance(framedBox, framedCentre, toCamera, camera.fov, camera.aspect) * margin;
    this.stage.controls.target.copy(framedCentre);
    camera.position.copy(toCamera).multiplyScalar(distance).add(framedCentre);
    this.stage.controls.update();
  }

  /** Updates the robots from the pose board; returns whether they moved since the last call. */
  private frame(): boolean {
    if (!this.grid || !this.poses) return false;
    // Rounder robots within a few metres (following one, or zoomed in), with a margin against flicker.
    const distance = this.stage.camera.position.distanceTo(this.stage.controls.target);
    const rebuilt = distance < CLOSE_UP_M ? this.grid.setCloseUp(true) : distance > CLOSE_UP_M * 1.3 && this.grid.setCloseUp(false);
    if (!this.posesChanged(this.poses) && !rebuilt) return false;
    this.grid.update(this.poses);
    if (this.followed !== null) {
      this.grid.bodyWorldPosition(this.poses, this.followed, 0, followTarget);
      followDelta.subVectors(followTarget, this.stage.controls.target);
      this.stage.controls.target.add(followDelta);
      this.stage.camera.position.add(followDelta);
    }
    return true;
  }

  /** Compares the pose board with the poses last drawn, and keeps a copy when they differ. */
  private posesChanged(poses: Float32Array): boolean {
    const drawn = this.drawnPoses;
    if (drawn.length !== poses.length) {
      this.drawnPoses = Float32Array.from(poses);
      return true;
    }
    for (let i = 0; i < poses.length; i++) {
      if (drawn[i] !== poses[i]) {
        drawn.set(poses);
        return true;
      }
    }
    return false;
  }

  private pick(event: MouseEvent): void {
    if (!this.grid || !this.poses) return;
    const rect = this.stage.canvas.getBoundingClientRect();
    pointer.set(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
    raycaster.setFromCamera(pointer, this.stage.camera);
    const robot = this.grid.pick(raycaster);
    if (robot !== null) {
      this.follow(robot);
      const camera = this.stage.camera;
      const target = this.stage.controls.target;
      this.grid.bodyWorldPosition(this.poses, robot, 0, target);
      camera.position.set(target.x + 1.2, target.y + 0.6, target.z + 1.2);
    }
  }
}

/**
 * The camera distance from `centre` along `toCamera` (unit) at which every corner of `box` is inside the view
 * (vertical field of view `fovDegrees`, width/height `aspect`). For a corner p (relative to the centre) in the camera's
 * right/up axes (x, y), at depth D - p.toCamera: |x| <= depth tan(h/2) and |y| <= depth tan(v/2).
 */
export function fitDistance(box: Box3, centre: Vector3, toCamera: Vector3, fovDegrees: number, aspect: number): number {
  const tanVertical = Math.tan((fovDegrees * Math.PI) / 360);
  const tanHorizontal = tanVertical * aspect;
  const right = new Vector3().crossVectors(new Vector3(0, 1, 0), toCamera).normalize();
  const up = new Vector3().crossVectors(toCamera, right);
  const corner = new Vector3();
  let distance = 0;
  for (let i = 0; i < 8; i++) {
    corner.set(i & 1 ? box.max.x : box.min.x, i & 2 ? box.max.y : box.min.y, i & 4 ? box.max.z : box.min.z).sub(centre);
    const along = corner.dot(toCamera);
    distance = Math.max(distance, along + Math.abs(corner.dot(right)) / tanHorizontal, along + Math.abs(corner.dot(up)) / tanVertical);
  }
  return distance;
}
