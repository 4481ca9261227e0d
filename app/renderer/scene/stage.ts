import {
  ACESFilmicToneMapping,
  Color,
  DirectionalLight,
  Fog,
  CanvasTexture,
  RepeatWrapping,
  HemisphereLight,
  Mesh,
  MeshLambertMaterial,
  PCFShadowMap,
  PerspectiveCamera,
  PlaneGeometry,
  Scene,
  SRGBColorSpace,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

export interface StageTheme {
  readonly background: number;
  readonly ground: number;
  readonly gridMajor: number;
  readonly gridMinor: number;
}

export const lightTheme: StageTheme = { background: 0xdfe4ea, ground: 0xd5dae2, gridMajor: 0x5d6573, gridMinor: 0x9aa3b2 };
export const darkTheme: StageTheme = { background: 0x16191f, ground: 0x1f232b, gridMajor: 0x6a7385, gridMinor: 0x3a414e };

/** Side of the square ground (m). */
const GROUND_SIZE = 80;

function hex(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}

/** One 1 m tile of the ground: its colour, 0.25 m minor lines and a major line on the tile's edge. */
function gridTexture(theme: StageTheme): CanvasTexture {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 256;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas for the ground texture');
  context.fillStyle = hex(theme.ground);
  context.fillRect(0, 0, 256, 256);
  context.fillStyle = hex(theme.gridMinor);
  for (let i = 64; i < 256; i += 64) {
    context.fillRect(i - 1, 0, 2, 256);
    context.fillRect(0, i - 1, 256, 2);
  }
  context.fillStyle = hex(theme.gridMajor);
  context.fillRect(0, 0, 3, 256);
  context.fillRect(0, 0, 256, 3);
  const texture = new CanvasTexture(canvas);
  texture.wrapS = texture.wrapT = RepeatWrapping;
  // Anisotropic filtering halved the frame rate under software rendering; 2 keeps the grid crisp enough.
  texture.anisotropy = 2;
  texture.colorSpace = SRGBColorSpace;
  return texture;
}

/**
 * The 3D stage: renderer, camera, orbit controls, lights with shadows and a ground. Robots are added by
 * whoever owns them through `scene`; `onFrame` callbacks run before each draw. The loop allocates nothing.
 */
export class Stage {
  readonly scene = new Scene();
  readonly camera = new PerspectiveCamera(45, 1, 0.05, 200);
  readonly renderer: WebGLRenderer;
  readonly controls: OrbitControls;
  private readonly ground: Mesh<PlaneGeometry, MeshLambertMaterial>;
  private gridTexture: CanvasTexture | null = null;
  private readonly frameCallbacks: ((seconds: number) => void)[] = [];
  private running = false;
  private frames = 0;
  private fpsWindowStart = 0;
  /** Frames per second over the last second, for the status line and the frame-rate measurement. */
  fps = 0;
  /** Drawing stops at this rate: the rest of the machine is training. */
  maxFps = 30;
  private lastDraw = -Infinity;
  private readonly fullPixelRatio = Math.min(2, globalThis.devicePixelRatio || 1);
  /** Render scale, lowered when frames fall behind (software rendering on a busy CPU) and raised when they catch up. */
  private pixelRatio = this.fullPixelRatio;

  constructor(readonly canvas: HTMLCanvasElement, theme: StageTheme) {
    this.renderer = new WebGLRenderer({ canvas, antialias: true, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(this.pixelRatio);
    this.renderer.outputColorSpace = SRGBColorSpace;
    this.renderer.toneMapping = ACESFilmicToneMapping;
    this.renderer.shadowMap.enabled = true;
    this.renderer.shadowMap.type = PCFShadowMap;

    this.camera.position.set(3.2, 2.4, 3.6);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.set(0, 0.5, 0);
    this.controls.enableDamping = true;
    this.controls.maxPolarAngle = Math.PI * 0.495;
    this.controls.update();

    this.scene.add(new HemisphereLight(0xffffff, 0x444a55, 1.4));
    const sun = new DirectionalLight(0xffffff, 2.2);
    sun.position.set(4, 8, 3);
    sun.castShadow = true;
    sun.shadow.mapSize.set(2048, 2048);
    sun.shadow.camera.left = -12;
    sun.shadow.camera.right = 12;
    sun.shadow.camera.top = 12;
    sun.shadow.camera.bottom = -12;
    sun.shadow.camera.far = 40;
    this.scene.add(sun);

    // Subdivided: under SwiftShader one huge two-triangle plane can hide everything behind it (FINDINGS.md).
    this.ground = new Mesh(new PlaneGeometry(GROUND_SIZE, GROUND_SIZE, 80, 80), new MeshLambertMaterial());
    this.ground.rotation.x = -Math.PI / 2;
    this.ground.receiveShadow = true;
    this.scene.add(this.ground);
    this.applyTheme(theme);
  }

  applyTheme(theme: StageTheme): void {
    this.scene.background = new Color(theme.background);
    this.scene.fog = new Fog(theme.background, 18, 60);
    // The grid is painted into the ground's texture (1 m tiles of 0.25 m cells): SwiftShader drew GridHelper's
    // long lines only far from the camera, while a textured plane draws everywhere.
    this.gridTexture?.dispose();
    this.gridTexture = gridTexture(theme);
    this.gridTexture.repeat.set(GROUND_SIZE, GROUND_SIZE);
    this.ground.material.map = this.gridTexture;
    this.ground.material.color.setHex(0xffffff);
    this.ground.material.needsUpdate = true;
  }

  /** Trades resolution (then shadows) for frame rate, like a game engine's dynamic resolution. */
  private adaptQuality(): void {
    let ratio = this.pixelRatio;
    if (this.fps < this.maxFps * 0.75 && ratio > 0.5) ratio = Math.max(0.5, ratio * 0.8);
    else if (this.fps >= this.maxFps * 0.95 && ratio < this.fullPixelRatio) ratio = Math.min(this.fullPixelRatio, ratio * 1.1);
    this.renderer.shadowMap.enabled = !(ratio <= 0.5 && this.fps < this.maxFps * 0.5);
    if (ratio !== this.pixelRatio) {
      this.pixelRatio = ratio;
      this.renderer.setPixelRatio(ratio);
    }
  }

  onFrame(callback: (seconds: number) => void): void {
    this.frameCallbacks.push(callback);
  }

  resize(): void {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === 0 || height === 0) return;
    if (this.canvas.width !== Math.floor(width * this.renderer.getPixelRatio()) || this.canvas.height !== Math.floor(height * this.renderer.getPixelRatio())) {
      this.renderer.setSize(width, height, false);
      this.camera.aspect = width / height;
      this.camera.updateProjectionMatrix();
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.renderer.setAnimationLoop(this.frame);
  }

  stop(): void {
    this.running = false;
    this.renderer.setAnimationLoop(null);
  }

  private readonly frame = (timeMs: number): void => {
    if (timeMs - this.lastDraw < 1000 / this.maxFps - 2) return;
    this.lastDraw = timeMs;
    const seconds = timeMs / 1000;
    this.resize();
    for (const callback of this.frameCallbacks) callback(seconds);
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
    this.frames++;
    if (seconds - this.fpsWindowStart >= 1) {
      this.fps = this.frames / (seconds - this.fpsWindowStart);
      this.frames = 0;
      this.fpsWindowStart = seconds;
      this.adaptQuality();
    }
  };
}
