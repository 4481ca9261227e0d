import {
  CanvasTexture,
  Color,
  LinearSRGBColorSpace,
  Mesh,
  MeshLambertMaterial,
  PlaneGeometry,
  RepeatWrapping,
  ShaderMaterial,
  SRGBColorSpace,
  UniformsLib,
  UniformsUtils,
} from 'three';

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
  texture.anisotropy = 2;
  texture.colorSpace = SRGBColorSpace;
  texture.repeat.set(GROUND_SIZE, GROUND_SIZE);
  return texture;
}

/**
 * What the lights make of an upward-facing diffuse surface: (hemisphere 1.4 + sun 2.2 * cos 32 degrees) / pi.
 * The unlit ground is multiplied by it so that it looks like the lit one.
 */
const GROUND_IRRADIANCE = 1.04;

/** Three's ACES filmic curve (tonemapping_pars_fragment), for one channel after its input matrix. */
function rrtAndOdtFit(v: number): number {
  return (v * (v + 0.0245786) - 0.000090537) / (v * (0.983729 * v + 0.432951) + 0.238081);
}

function srgbEncode(v: number): number {
  const c = Math.min(1, Math.max(0, v));
  return c <= 0.0031308 ? c * 12.92 : 1.055 * c ** 0.41666 - 0.055;
}

/**
 * The colour a linear `color` reaches the screen as, after the renderer's ACES tone mapping (exposure 1) and
 * sRGB encoding: the light ground's shader outputs it directly instead of doing both per pixel.
 */
export function displayColor(color: Color, out: Color): Color {
  const r = (color.r / 0.6) * 0.59719 + (color.g / 0.6) * 0.35458 + (color.b / 0.6) * 0.04823;
  const g = (color.r / 0.6) * 0.076 + (color.g / 0.6) * 0.90834 + (color.b / 0.6) * 0.01566;
  const b = (color.r / 0.6) * 0.0284 + (color.g / 0.6) * 0.13383 + (color.b / 0.6) * 0.83777;
  const [fr, fg, fb] = [rrtAndOdtFit(r), rrtAndOdtFit(g), rrtAndOdtFit(b)];
  out.r = srgbEncode(1.60475 * fr - 0.53108 * fg - 0.07367 * fb);
  out.g = srgbEncode(-0.10208 * fr + 1.10813 * fg - 0.00605 * fb);
  out.b = srgbEncode(-0.00327 * fr - 0.07276 * fg + 1.07602 * fb);
  return out;
}

/**
 * The light ground's shader. Its colours arrive tone-mapped and sRGB-encoded (displayColor) and it mixes them,
 * and the fog towards the background, in display space: under SwiftShader the per-pixel tone mapping and sRGB
 * encoding (three powers) took half the ground's time (900x638: 53-60 ms of CPU a frame with them, 26 without).
 * The grid is computed per pixel instead of sampled from a texture: the trilinear sRGB texture lookup cost more
 * than all of this (ground alone at 900x638: 23 fps textured, 34 without mipmaps, 54 flat).
 */
const gridVertexShader = /* glsl */ `
varying vec2 vGround;
#include <fog_pars_vertex>
void main() {
  vGround = position.xy;
  vec4 mvPosition = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mvPosition;
  #include <fog_vertex>
}`;

const gridFragmentShader = /* glsl */ `
uniform vec3 groundColor;
uniform vec3 minorColor;
uniform vec3 majorColor;
uniform vec3 backgroundColor;
uniform float fogNear;
uniform float fogFar;
varying vec2 vGround;
varying float vFogDepth;
// A line of lineWidth (in cells) through every cell corner, box-filtered over the pixel's footprint: never drawn
// thinner than a pixel but faded by its coverage, and converging to its average where the cells shrink to a pixel
// or two, which is what the mipmapped texture of the full-quality ground does (after Ben Golus's pristine grid).
float gridLine(vec2 cells, float lineWidth) {
  vec2 footprint = fwidth(cells);
  vec2 drawWidth = max(vec2(lineWidth), footprint);
  vec2 distanceToLine = abs(fract(cells - 0.5) - 0.5);
  vec2 line = 1.0 - smoothstep(drawWidth * 0.5 - footprint, drawWidth * 0.5 + footprint, distanceToLine);
  line *= clamp(lineWidth / drawWidth, 0.0, 1.0);
  line = mix(line, vec2(lineWidth), clamp(footprint * 2.0 - 1.0, 0.0, 1.0));
  return max(line.x, line.y);
}
void main() {
  // The texture's lines: 2 of 256 texels per 1 m tile (a 0.25 m cell's 1/32) and 3 of 256 for the tile's edge.
  vec3 color = mix(groundColor, minorColor, gridLine(vGround * 4.0, 1.0 / 32.0));
  color = mix(color, majorColor, gridLine(vGround, 3.0 / 256.0));
  gl_FragColor = vec4(mix(color, backgroundColor, smoothstep(fogNear, fogFar, vFogDepth)), 1.0);
}`;

/**
 * The ground: a plane with a grid of 1 m tiles and 0.25 m cells.
 *
 * Full quality: Lambert, receiving the sun's shadow map, the grid painted into its texture (SwiftShader drew
 * GridHelper's long lines only far from the camera, while a textured plane draws everywhere), subdivided into
 * 1 m squares because under SwiftShader one huge two-triangle plane can hide everything behind it (docs/FINDINGS.md).
 *
 * Light (software rendering): unlit, since a flat plane under a directional and a hemisphere light is one colour
 * anyway; the grid drawn by the shader above; 5 m squares (SwiftShader sets up every small triangle on the CPU:
 * 80 x 80 squares drew at 16 fps where 16 x 16 drew at 21, ground alone at 900x638).
 */
export class Ground {
  readonly mesh: Mesh<PlaneGeometry, MeshLambertMaterial | ShaderMaterial>;
  private texture: CanvasTexture | null = null;

  constructor(private readonly light: boolean) {
    const segments = light ? 16 : 80;
    const material = light
      ? new ShaderMaterial({
          uniforms: UniformsUtils.merge([
            UniformsLib.fog,
            {
              groundColor: { value: new Color() },
              minorColor: { value: new Color() },
              majorColor: { value: new Color() },
              backgroundColor: { value: new Color() },
            },
          ]),
          vertexShader: gridVertexShader,
          fragmentShader: gridFragmentShader,
          fog: true,
        })
      : new MeshLambertMaterial();
    this.mesh = new Mesh(new PlaneGeometry(GROUND_SIZE, GROUND_SIZE, segments, segments), material);
    this.mesh.rotation.x = -Math.PI / 2;
    this.mesh.receiveShadow = !light;
  }

  applyTheme(theme: StageTheme): void {
    const material = this.mesh.material;
    if (material instanceof ShaderMaterial) {
      const uniforms = material.uniforms as Record<'groundColor' | 'minorColor' | 'majorColor' | 'backgroundColor', { value: Color }>;
      const lit = new Color();
      displayColor(lit.setHex(theme.ground).multiplyScalar(GROUND_IRRADIANCE), uniforms.groundColor.value);
      displayColor(lit.setHex(theme.gridMinor).multiplyScalar(GROUND_IRRADIANCE), uniforms.minorColor.value);
      displayColor(lit.setHex(theme.gridMajor).multiplyScalar(GROUND_IRRADIANCE), uniforms.majorColor.value);
      // The background is cleared to its colour sRGB-encoded but not tone-mapped: the fog ends there.
      const background = uniforms.backgroundColor.value.setHex(theme.background);
      background.setRGB(srgbEncode(background.r), srgbEncode(background.g), srgbEncode(background.b), LinearSRGBColorSpace);
      return;
    }
    this.texture?.dispose();
    // Anisotropic filtering halved the frame rate under software rendering; 2 keeps the grid crisp enough.
    this.texture = gridTexture(theme);
    material.map = this.texture;
    material.color.setHex(0xffffff);
    material.needsUpdate = true;
  }

  dispose(): void {
    this.texture?.dispose();
    this.mesh.geometry.dispose();
    this.mesh.material.dispose();
  }
}
