import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How `npm start` runs: the Electron app, or the renderer served as a web page (where Electron cannot be had). */
export type LaunchMode =
  | { kind: 'electron'; binary: string }
  /** `downloadable`: the `electron` package is installed but its binary is not, so its installer may fetch it. */
  | { kind: 'web'; reason: string; downloadable?: true };

export interface StartOptions {
  readonly port: number;
  /** Serve only; open no window (tests, remote machines). */
  readonly headless: boolean;
  /** Web mode even where Electron exists. */
  readonly forceWeb: boolean;
}

export function parseStartOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): StartOptions {
  let port = env.SINEW_PORT ? Number(env.SINEW_PORT) : 5173;
  let headless = env.SINEW_HEADLESS === '1';
  let forceWeb = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--headless') headless = true;
    else if (arg === '--web') forceWeb = true;
    else if (arg === '--port' || arg.startsWith('--port=')) {
      const text = arg.includes('=') ? arg.slice('--port='.length) : argv[++i];
      port = Number(text);
    } else throw new Error(`unknown option '${arg}' (options: --port N, --headless, --web)`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535, got '${port}'`);
  return { port, headless, forceWeb };
}

/**
 * Picks the mode. `resolveElectron` is the `electron` package's export: the binary's path, or a throw when
 * the binary was never downloaded (as on machines that reach only the npm registry).
 */
export function chooseLaunchMode(
  options: StartOptions,
  resolveElectron: () => string,
  fileExists: (path: string) => boolean = existsSync,
): LaunchMode {
  if (options.forceWeb) return { kind: 'web', reason: '--web was given' };
  let binary: string;
  try {
    binary = resolveElectron();
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { kind: 'web', reason: `the Electron binary is not installed (${detail})`, downloadable: true };
  }
  if (!fileExists(binary)) return { kind: 'web', reason: `the Electron binary is missing at ${binary}`, downloadable: true };
  return { kind: 'electron', binary };
}

const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'brave-browser', 'microsoft-edge', 'vivaldi'];

/** A Chromium-family browser on PATH, or null. */
export function findChromiumBrowser(path: string | undefined, fileExists: (path: string) => boolean = existsSync): string | null {
  for (const folder of (path ?? '').split(delimiter)) {
    if (!folder) continue;
    for (const name of BROWSER_NAMES) {
      const candidate = join(folder, name);
      if (fileExists(candidate)) return candidate;
    }
  }
  return null;
}

/** Whether a window can be shown at all (Linux needs a display server). */
export function hasDisplay(platform: string, env: Readonly<Record<string, string | undefined>>): boolean {
  if (platform !== 'linux') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
