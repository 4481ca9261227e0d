import { Box3, DoubleSide, Mesh, MeshBasicMaterial, Raycaster, RingGeometry, Vector2, Vector3 } from 'three';
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
/** A followed robot fills about this share of the view's height (its reach, or its height for robots that stand). */
const FOLLOW_MARGIN = 1.35;
/** The ring on the ground around a followed robot, in the app's accent colour, drawn over the ground. */
const MARKER_COLOUR = 0xff7a1a;
const followedBox = new Box3();
const viewDirection = new Vector3();
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
  /** Height (m) of the robots at rest, from the last framing of the grid: how much a followed robot's view must hold. */
  private robotHeight = 0;
  private readonly marker: Mesh<RingGeometry, MeshBasicMaterial>;

  constructor(
    private readonly stage: Stage,
    private readonly caption: HTMLElement,
  ) {
    stage.onFrame(() => this.frame());
    stage.canvas.addEventListener('click', (event) => this.pick(event));
    this.marker = new Mesh(
      new RingGeometry(0.9, 1, 64),
      new MeshBasicMaterial({ color: MARKER_COLOUR, side: DoubleSide, transparent: true, opacity: 0.9, depthWrite: false }),
    );
    this.marker.rotation.x = -Math.PI / 2;
    this.marker.renderOrder = 1;
    this.marker.visible = false;
    stage.scene.add(this.marker);
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
    this.marker.visible = false;
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

  /** Follows a robot (the camera moves close, a ring marks it), or returns to the whole grid (null). */
  follow(robot: number | null): void {
    if (!this.grid) return;
    this.followed = robot === null ? null : Math.max(0, Math.min(this.grid.count - 1, robot));
    this.marker.visible = this.followed !== null;
    this.stage.invalidate();
    if (this.followed === null) return this.frameGrid();
    this.lastFollowed = this.followed;
    this.frameFollowed(this.followed);
  }

  /** Brings the camera close to a robot, from the grid's direction of view, so that it fills a good part of the view. */
  private frameFollowed(robot: number): void {
    if (!this.grid || !this.poses) return;
    const camera = this.stage.camera;
    const target = this.stage.controls.target;
    this.grid.bodyWorldPosition(this.poses, robot, 0, followTarget);
    const radius = this.grid.markerRadius;
    followedBox.min.set(followTarget.x - radius, 0, followTarget.z - radius);
    followedBox.max.set(followTarget.x + radius, Math.max(this.robotHeight, 0.02), followTarget.z + radius);
    followedBox.getCenter(framedCentre);
    viewDirection.subVectors(camera.position, target).normalize();
    const distance = fitDistance(followedBox, framedCentre, viewDirection, camera.fov, camera.aspect) * FOLLOW_MARGIN;
    target.copy(framedCentre);
    camera.position.copy(viewDirection).multiplyScalar(distance).add(framedCentre);
    this.stage.controls.update();
    this.placeMarker(robot);
  }

  private placeMarker(robot: number): void {
    if (!this.grid || !this.poses) return;
    this.grid.bodyWorldPosition(this.poses, robot, 0, followTarget);
    const radius = this.grid.markerRadius * 1.08;
    this.marker.position.set(followTarget.x, 0.004, followTarget.z);
    this.marker.scale.setScalar(radius);
  }

  /**
   * Where a robot's base is in the canvas (CSS px from its top left) and the radius there of its ring (the room it
   * moves in, markerRadius), or null; e2e tests click it there and measure its pixels within that circle.
   */
  screenPoint(robot: number): { x: number; y: number; radius: number } | null {
    if (!this.grid || !this.poses || robot >= this.grid.count) return null;
    // The camera may have moved since the last frame drawn (frames are drawn on demand).
    const camera = this.stage.camera;
    camera.updateMatrixWorld();
    const centre = this.grid.bodyWorldPosition(this.poses, robot, 0, new Vector3());
    const right = new Vector3().setFromMatrixColumn(camera.matrixWorld, 0).multiplyScalar(this.grid.markerRadius);
    const [at, left, rightEdge] = [centre.clone(), centre.clone().sub(right), centre.clone().add(right)].map((point) => point.project(camera));
    const rect = this.stage.canvas.getBoundingClientRect();
    // Projected x spans 2 over the view's width.
    return { x: ((at.x + 1) / 2) * rect.width, y: ((1 - at.y) / 2) * rect.height, radius: (Math.abs(rightEdge.x - left.x) / 4) * rect.width };
  }

  /** How much of the view's height the followed robot's reach (the ring's diameter) spans, 0 when none is followed. */
  followedShare(): number {
    const ring = this.followed === null ? null : this.screenPoint(this.followed);
    return ring ? (2 * ring.radius) / this.stage.canvas.getBoundingClientRect().height : 0;
  }

  /** Whether the ring that marks a followed robot is shown. */
  get markerShown(): boolean {
    return this.marker.visible;
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
    this.robotHeight = framedSize.y;
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
      // The camera keeps its offset from the followed robot's ground point as it moves (robots that travel).
      this.grid.bodyWorldPosition(this.poses, this.followed, 0, followTarget);
      followDelta.set(followTarget.x - this.marker.position.x, 0, followTarget.z - this.marker.position.z);
      this.stage.controls.target.add(followDelta);
      this.stage.camera.position.add(followDelta);
      this.placeMarker(this.followed);
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
    this.stage.camera.updateMatrixWorld();
    raycaster.setFromCamera(pointer, this.stage.camera);
    const robot = this.grid.pick(raycaster, this.poses);
    if (robot !== null) this.follow(robot);
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
