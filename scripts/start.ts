// `npm start`: the Electron app where its binary exists or can be downloaded; otherwise the renderer served on
// 127.0.0.1 with the headers the app needs, opened in a local Chromium-family browser when one (and a display) is
// available. `npm ci` runs no dependency's install script (.npmrc), so Electron's binary is fetched here, once, by
// Electron's own installer: where that fails (machines that reach only the npm registry) the web mode takes over.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { chooseLaunchMode, findChromiumBrowser, hasDisplay, parseStartOptions, type LaunchMode, type StartOptions } from '../app/main/launch-mode.ts';
import { serveRenderer } from '../app/main/web-server.ts';

const require = createRequire(import.meta.url);

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((done) => spawn(command, args, { stdio: 'inherit', env }).on('exit', (code) => done(code ?? 1)));
}

const DOWNLOAD_TIMEOUT_MS = 180_000;

/** Runs Electron's own installer (it downloads the binary from outside the npm registry); null, or why it failed. */
function downloadElectron(): Promise<string | null> {
  const installer = require.resolve('electron/install.js');
  return new Promise((done) => {
    const child = spawn(process.execPath, [installer], {
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: undefined },
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const timer = setTimeout(() => child.kill(), DOWNLOAD_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return done(null);
      if (signal) return done(`no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`);
      const firstLine = errors.split('\n').find((line) => line.trim() !== '') ?? `exit code ${code}`;
      done(firstLine.trim());
    });
  });
}

async function chooseMode(options: StartOptions): Promise<LaunchMode> {
  const resolveElectron = (): string => require('electron') as string;
  const mode = chooseLaunchMode(options, resolveElectron);
  if (mode.kind === 'electron' || !mode.downloadable) return mode;
  console.log("sinew: Electron's binary is not downloaded yet; fetching it once with Electron's installer...");
  const failure = await downloadElectron();
  if (failure) return { kind: 'web', reason: `Electron's binary could not be downloaded (${failure})` };
  return chooseLaunchMode(options, resolveElectron);
}

async function main(): Promise<number> {
  const options = parseStartOptions(process.argv.slice(2), process.env);
  const mode = await chooseMode(options);

  if (mode.kind === 'electron') {
    console.log('sinew: starting the desktop app (Electron found).');
    if ((await run(process.execPath, ['scripts/build.mjs'])) !== 0) return 1;
    return run(mode.binary, ['.'], { ...process.env, ELECTRON_RUN_AS_NODE: undefined });
  }

  console.log(`sinew: web mode, because ${mode.reason}.`);
  console.log('sinew: building the renderer...');
  if ((await run(process.execPath, ['scripts/build.mjs', '--renderer'])) !== 0) return 1;
  const server = await serveRenderer(resolve('dist/renderer'), options.port).catch((error: Error) => {
    throw new Error(`could not listen on 127.0.0.1:${options.port}: ${error.message} (choose another with --port)`);
  });
  console.log(`sinew: serving the app at ${server.url} (cross-origin isolated: COOP/COEP headers on). Ctrl-C stops.`);

  if (options.headless) {
    console.log('sinew: --headless: not opening a browser.');
  } else if (!hasDisplay(process.platform, process.env)) {
    console.log('sinew: no display found (DISPLAY/WAYLAND_DISPLAY unset): open the URL above in a browser yourself.');
  } else {
    const browser = findChromiumBrowser(process.env.PATH);
    if (browser) {
      console.log(`sinew: opening ${browser}.`);
      spawn(browser, [`--app=${server.url}`, '--no-first-run'], { stdio: 'ignore', detached: true }).unref();
    } else {
      console.log('sinew: no Chromium-family browser found on PATH: open the URL above in Chromium, Chrome, Edge or Brave.');
    }
  }
  const stop = async (): Promise<void> => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return new Promise<number>(() => undefined);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`sinew start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
