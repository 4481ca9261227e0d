// `npm start`: the Electron app where its binary exists; otherwise the renderer served on 127.0.0.1 with the
// headers the app needs, opened in a local Chromium-family browser when one (and a display) is available.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { chooseLaunchMode, findChromiumBrowser, hasDisplay, parseStartOptions } from '../app/main/launch-mode.ts';
import { serveRenderer } from '../app/main/web-server.ts';

const require = createRequire(import.meta.url);

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((done) => spawn(command, args, { stdio: 'inherit', env }).on('exit', (code) => done(code ?? 1)));
}

async function main(): Promise<number> {
  const options = parseStartOptions(process.argv.slice(2), process.env);
  const mode = chooseLaunchMode(options, () => require('electron') as string);

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
