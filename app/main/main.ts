// Electron's main process: thin wiring only. Policy (security, IPC validation, file access) lives in the
// modules it imports, which are unit-tested without the Electron binary.
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { IpcChannel, type PolicyFiles } from '../shared/ipc.ts';
import { createIpcHandlers } from './ipc-handlers.ts';
import { RunFiles } from './run-files.ts';
import {
  APP_ORIGIN,
  APP_SCHEME,
  RESPONSE_HEADERS,
  isAllowedExternalUrl,
  isAllowedNavigation,
  isPermissionGranted,
  isTrustedSender,
  responseHeaders,
} from './security.ts';
import { mimeTypeFor, resolveStaticPath } from './static-files.ts';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

const rendererRoot = join(__dirname, '..', 'renderer');

async function serveRenderer(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const path = resolveStaticPath(rendererRoot, pathname);
  if (path === null) return new Response('forbidden', { status: 403, headers: RESPONSE_HEADERS });
  try {
    const body = await readFile(path);
    return new Response(body, { headers: { ...responseHeaders(pathname), 'Content-Type': mimeTypeFor(path) } });
  } catch {
    return new Response('not found', { status: 404, headers: RESPONSE_HEADERS });
  }
}

async function showSaveDialog(files: PolicyFiles): Promise<string | null> {
  const result = await dialog.showOpenDialog({ title: 'Export policy to folder', properties: ['openDirectory', 'createDirectory'] });
  if (result.canceled || result.filePaths.length === 0) return null;
  const folder = result.filePaths[0];
  await mkdir(folder, { recursive: true });
  for (const file of files.files) await writeFile(join(folder, basename(file.name)), file.data);
  return folder;
}

async function showOpenDialog(): Promise<PolicyFiles | null> {
  const result = await dialog.showOpenDialog({ title: 'Import policy', properties: ['openFile', 'multiSelections'] });
  if (result.canceled) return null;
  const files = await Promise.all(
    result.filePaths.slice(0, 8).map(async (path) => ({ name: basename(path), data: new Uint8Array(await readFile(path)) })),
  );
  return { files };
}

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Sinew',
    backgroundColor: '#14161a',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
}

app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, serveRenderer);
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) =>
    callback(isPermissionGranted(permission, contents.getURL())),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin));
  // SINEW_RUNS_DIR points the app at the command line's runs folder (e.g. the `runs/` of a checkout).
  const runFiles = new RunFiles(process.env.SINEW_RUNS_DIR || join(app.getPath('userData'), 'runs'));
  // The runs the app trains are locked against the command line until it quits.
  app.on('will-quit', () => runFiles.unlockAll());
  const handlers = createIpcHandlers({
    appInfo: { version: app.getVersion(), platform: process.platform, runsDirectory: runFiles.runsDirectory, cores: availableParallelism() },
    runFiles,
    showSaveDialog,
    showOpenDialog,
  });
  for (const channel of Object.values(IpcChannel)) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) {
        throw new Error(`IPC on ${channel} refused: untrusted sender`);
      }
      return handlers[channel](...args);
    });
  }
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
