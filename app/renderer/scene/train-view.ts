import { Raycaster, Vector2, Vector3 } from 'three';
import { robotInfo } from '../../../sim/registry.ts';
import { RobotGrid } from './robot-grid.ts';
import type { Stage } from './stage.ts';

const pointer = new Vector2();
const raycaster = new Raycaster();
const followTarget = new Vector3();
const followDelta = new Vector3();
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
    const key = poses ? `${robot}:${count}:${label}` : '';
    this.poses = poses;
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
      const doing = label.startsWith('Playing') ? 'playing' : 'training';
      this.caption.textContent = `${label}: ${count} ${robot} robots ${doing}. Click one to follow it.`;
    } else {
      this.caption.textContent = label;
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

  private frameGrid(): void {
    if (!this.grid) return;
    const extent = Math.max(1, Math.sqrt(this.grid.count) * this.grid.spacing);
    const hopper = this.grid.robot.name === 'hopper';
    const controls = this.stage.controls;
    controls.target.set(hopper ? 1 : 0, hopper ? 0.8 : 0, 0);
    this.stage.camera.position.set(extent * (hopper ? 1.6 : 0.9), extent * (hopper ? 0.9 : 1.2), extent * (hopper ? 1.4 : 1.1));
    controls.update();
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
