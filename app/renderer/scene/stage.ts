import {
  ACESFilmicToneMapping,
  Color,
  DirectionalLight,
  Fog,
  HemisphereLight,
  Matrix4,
  PCFShadowMap,
  PerspectiveCamera,
  Scene,
  SRGBColorSpace,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { Ground, darkTheme, lightTheme, type StageTheme } from './ground.ts';

export { darkTheme, lightTheme, type StageTheme };

/**
 * Whether WebGL runs on the CPU (SwiftShader, llvmpipe): headless Chromium on our machines, and browsers without
 * a usable GPU. There every pixel costs CPU time that training needs, so the stage draws more cheaply.
 */
export function isSoftwareRenderer(): boolean {
  const probe = document.createElement('canvas');
  const gl = probe.getContext('webgl2') ?? probe.getContext('webgl');
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(name);
}

/**
 * 'full' on a GPU: multisampling, PCF shadow maps, lit ground, physically based robots. 'light' on a software
 * renderer: none of those, planar contact shadows instead, and a render scale capped below the canvas's size.
 * `?quality=light|full` in the page's address overrides the detection (to look at one path on the other's machine).
 */
export type StageQuality = 'full' | 'light';

function chooseQuality(): StageQuality {
  const asked = new URLSearchParams(globalThis.location?.search ?? '').get('quality');
  if (asked === 'full' || asked === 'light') return asked;
  return isSoftwareRenderer() ? 'light' : 'full';
}

/**
 * Render scales (multiples of the device pixel ratio) in light mode. Under SwiftShader the cost of a frame is
 * mostly per pixel and is paid by the cores that train, so the scale never goes above LIGHT_MAX_SCALE even when
 * frames keep up; it only falls (to LIGHT_MIN_SCALE) when they do not.
 */
const LIGHT_MAX_SCALE = 0.5;
const LIGHT_MIN_SCALE = 0.35;
/** A rAF tick this close (ms) to the next frame's slot draws it: ticks jitter around the display's period. */
const TICK_SLACK_MS = 4;
/** Still for this many frame slots (half a second at 30 fps), the stage stops asking for animation frames... */
const IDLE_SLOTS = 15;
/** ...and looks for changes this often (ms) instead. */
const IDLE_POLL_MS = 40;

/**
 * The 3D stage: renderer, camera, orbit controls, lights (with shadow maps in full quality) and a ground. Robots
 * are added by whoever owns them through `scene`; `onFrame` callbacks run before each draw and say whether they
 * changed anything. A frame is drawn only when something changed (poses, camera, size, theme), at most `maxFps`
 * times a second and never while the canvas is hidden: training owns the CPU the rest of the time. The loop
 * allocates nothing.
 */
export class Stage {
  readonly scene = new Scene();
  readonly camera = new PerspectiveCamera(45, 1, 0.05, 200);
  readonly renderer: WebGLRenderer;
  readonly controls: OrbitControls;
  readonly quality: StageQuality = chooseQuality();
  /** Unit vector from the ground towards the sun (three's frame, y up): what shadows are cast along. */
  readonly sunDirection = new Vector3(4, 8, 3).normalize();
  private readonly ground: Ground;
  private readonly frameCallbacks: ((seconds: number) => boolean)[] = [];
  private running = false;
  /** Frames drawn since the page loaded. */
  framesDrawn = 0;
  private windowFrames = 0;
  /** rAF ticks in the current fps window that had a slot to draw in but nothing new to draw. */
  private windowIdleTicks = 0;
  private fpsWindowStart = 0;
  /** Frames drawn per second over the last second (0 while nothing moves), for the status line and the bench. */
  fps = 0;
  /** Drawing stops at this rate: the rest of the machine is training. */
  maxFps = 30;
  private nextDraw = -Infinity;
  private invalidated = true;
  /** Frame slots in a row with nothing to draw; after IDLE_SLOTS the stage polls instead (see wake). */
  private idleSlots = 0;
  private polling = false;
  private pollTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private readonly drawnCamera = new Matrix4();
  private readonly fullPixelRatio = Math.min(2, globalThis.devicePixelRatio || 1);
  private readonly maxPixelRatio = this.quality === 'light' ? this.fullPixelRatio * LIGHT_MAX_SCALE : this.fullPixelRatio;
  private readonly minPixelRatio = this.quality === 'light' ? this.fullPixelRatio * LIGHT_MIN_SCALE : 0.5;
  /** Render scale, lowered when frames fall behind (software rendering on a busy CPU) and raised when they catch up. */
  private pixelRatio = this.maxPixelRatio;

  constructor(
    readonly canvas: HTMLCanvasElement,
    theme: StageTheme,
  ) {
    const light = this.quality === 'light';
    // Light: no multisampling (it multiplies the per-pixel cost under SwiftShader); a stencil so that the
    // overlapping parts of a robot's planar shadow darken the ground once.
    this.renderer = new WebGLRenderer({ canvas, antialias: !light, stencil: light, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(this.pixelRatio);
    this.renderer.outputColorSpace = SRGBColorSpace;
    this.renderer.toneMapping = ACESFilmicToneMapping;
    this.renderer.shadowMap.enabled = !light;
    this.renderer.shadowMap.type = PCFShadowMap;

    this.camera.position.set(3.2, 2.4, 3.6);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.set(0, 0.5, 0);
    this.controls.enableDamping = true;
    this.controls.maxPolarAngle = Math.PI * 0.495;
    this.controls.update();

    this.scene.add(new HemisphereLight(0xffffff, 0x444a55, 1.4));
    const sun = new DirectionalLight(0xffffff, 2.2);
    sun.position.copy(this.sunDirection).multiplyScalar(Math.hypot(4, 8, 3));
    if (!light) {
      sun.castShadow = true;
      sun.shadow.mapSize.set(2048, 2048);
      sun.shadow.camera.left = -12;
      sun.shadow.camera.right = 12;
      sun.shadow.camera.top = 12;
      sun.shadow.camera.bottom = -12;
      sun.shadow.camera.far = 40;
    }
    this.scene.add(sun);

    this.ground = new Ground(light);
    this.scene.add(this.ground.mesh);
    this.applyTheme(theme);
  }

  applyTheme(theme: StageTheme): void {
    this.scene.background = new Color(theme.background);
    this.scene.fog = new Fog(theme.background, 18, 60);
    this.ground.applyTheme(theme);
    this.invalidate();
  }

  /** Draws the next frame even if no frame callback reports a change. */
  invalidate(): void {
    this.invalidated = true;
    if (this.polling) this.wake();
  }

  /**
   * Trades resolution (then, in full quality, shadows) for frame rate, like a game engine's dynamic resolution.
   * Judged only over windows in which every frame slot had something to draw: a still scene draws nothing.
   */
  private adaptQuality(): void {
    if (this.windowIdleTicks > 0 || this.windowFrames === 0) return;
    let ratio = this.pixelRatio;
    if (this.fps < this.maxFps * 0.75 && ratio > this.minPixelRatio) ratio = Math.max(this.minPixelRatio, ratio * 0.8);
    else if (this.fps >= this.maxFps * 0.9 && ratio < this.maxPixelRatio) ratio = Math.min(this.maxPixelRatio, ratio * 1.1);
    if (this.quality === 'full') this.renderer.shadowMap.enabled = !(ratio <= this.minPixelRatio && this.fps < this.maxFps * 0.5);
    if (ratio !== this.pixelRatio) {
      this.pixelRatio = ratio;
      this.renderer.setPixelRatio(ratio);
      this.invalidate();
    }
  }

  /** `callback` runs before each frame slot and returns whether it changed what the frame shows. */
  onFrame(callback: (seconds: number) => boolean): void {
    this.frameCallbacks.push(callback);
  }

  /** Matches the drawing buffer to the canvas's size; returns whether it changed. */
  resize(): boolean {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === 0 || height === 0) return false;
    const ratio = this.renderer.getPixelRatio();
    if (this.canvas.width === Math.floor(width * ratio) && this.canvas.height === Math.floor(height * ratio)) return false;
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    return true;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.controls.addEventListener('start', this.wake);
    this.wake();
  }

  stop(): void {
    this.running = false;
    this.controls.removeEventListener('start', this.wake);
    this.renderer.setAnimationLoop(null);
    clearTimeout(this.pollTimer);
    this.polling = false;
  }

  private countFrames(seconds: number): void {
    if (seconds - this.fpsWindowStart < 1) return;
    this.fps = this.windowFrames / (seconds - this.fpsWindowStart);
    this.adaptQuality();
    this.windowFrames = 0;
    this.windowIdleTicks = 0;
    this.fpsWindowStart = seconds;
  }

  /** Runs the frame callbacks and the controls; returns whether the view changed since the last drawn frame. */
  private changed(seconds: number): boolean {
    let changed = this.resize() || this.invalidated;
    for (const callback of this.frameCallbacks) if (callback(seconds)) changed = true;
    this.controls.update();
    this.camera.updateMatrixWorld();
    return changed || !this.camera.matrixWorld.equals(this.drawnCamera);
  }

  /**
   * Back to drawing on animation frames. While nothing moves, the stage polls on a timer instead: a pending
   * animation frame keeps the browser's whole frame pipeline ticking 60 times a second (0.05 cores measured
   * under SwiftShader), which training would pay for.
   */
  private readonly wake = (): void => {
    if (!this.running) return;
    this.invalidated = true;
    this.idleSlots = 0;
    clearTimeout(this.pollTimer);
    this.polling = false;
    this.renderer.setAnimationLoop(this.frame);
  };

  private readonly poll = (): void => {
    if (!this.running || !this.polling) return;
    const seconds = performance.now() / 1000;
    this.countFrames(seconds);
    if (this.canvas.clientWidth > 0 && this.changed(seconds)) {
      this.wake();
      return;
    }
    this.windowIdleTicks++;
    this.pollTimer = setTimeout(this.poll, IDLE_POLL_MS);
  };

  private readonly frame = (timeMs: number): void => {
    const seconds = timeMs / 1000;
    this.countFrames(seconds);
    if (timeMs < this.nextDraw - TICK_SLACK_MS) return;
    // Hidden (another view is shown) or still: nothing to draw for.
    if (this.canvas.clientWidth === 0 || !this.changed(seconds)) {
      this.windowIdleTicks++;
      if (++this.idleSlots >= IDLE_SLOTS) {
        this.renderer.setAnimationLoop(null);
        this.polling = true;
        this.pollTimer = setTimeout(this.poll, IDLE_POLL_MS);
      }
      return;
    }
    this.idleSlots = 0;
    this.invalidated = false;
    this.drawnCamera.copy(this.camera.matrixWorld);
    this.renderer.render(this.scene, this.camera);
    // The next slot is one period after this one's (not after now), so that ticks jittering around the display's
    // period still give maxFps on average; after a stall it restarts from now instead of drawing a burst.
    const period = 1000 / this.maxFps;
    this.nextDraw = Math.max(this.nextDraw + period, timeMs + period / 2);
    this.framesDrawn++;
    this.windowFrames++;
  };
}
