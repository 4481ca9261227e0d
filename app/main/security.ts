/**
 * Security policy of the Electron window and of every server of the renderer. Pure: unit-tested without Electron.
 */

/** The custom scheme the window loads the renderer from (not file://, so COOP/COEP headers can be sent). */
export const APP_SCHEME = 'sinew';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/**
 * Allows our own code, workers and wasm compilation ('wasm-unsafe-eval', which tfjs-wasm and Rapier need)
 * and nothing broader: no remote origins, no inline scripts, no eval.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' data: blob:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every response of the renderer carries: cross-origin isolation for SharedArrayBuffer, and the CSP. */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
};

/**
 * The CSP of worker scripts: the page's plus 'unsafe-eval', because the MuJoCo engine (mujoco-js) builds its
 * Embind bindings with new Function. Only workers get it: they have no DOM and load only our own bundles and
 * models, while the page keeps refusing eval. vite.config.ts puts every worker bundle under WORKER_FOLDER.
 */
export const WORKER_FOLDER = 'workers';
export const WORKER_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self' 'wasm-unsafe-eval'",
  "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'",
);

const WORKER_RESPONSE_HEADERS: Readonly<Record<string, string>> = { ...RESPONSE_HEADERS, 'Content-Security-Policy': WORKER_CONTENT_SECURITY_POLICY };

/** The headers of a successful response for the URL path `pathname`: worker scripts get the worker CSP. */
export function responseHeaders(pathname: string): Readonly<Record<string, string>> {
  const isWorkerScript = pathname.startsWith(`/${WORKER_FOLDER}/`) && pathname.endsWith('.js') && !pathname.includes('..');
  return isWorkerScript ? WORKER_RESPONSE_HEADERS : RESPONSE_HEADERS;
}

/** The window may only ever show our own pages: every other navigation is denied. */
export function isAllowedNavigation(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** IPC is accepted only from the top frame of our own origin. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  return isMainFrame && frameUrl !== undefined && isAllowedNavigation(frameUrl);
}

/**
 * The only places a link may open in the user's browser (https, these hosts and their subdomains): the pages
 * the app's help and policy cards may point to. Anything else the renderer asks for is ignored.
 */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com', 'gymnasium.farama.org', 'mujoco.readthedocs.io', 'www.tensorflow.org', 'onnx.ai'];

export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '' || parsed.port !== '') return false;
  return EXTERNAL_HOSTS.some((host) => parsed.hostname === host || parsed.hostname.endsWith(`.${host}`));
}

/**
 * Browser permissions (camera, notifications, clipboard reads, ...): the app uses none, so every request and
 * every check is denied, whoever asks.
 */
export function isPermissionGranted(_permission: string, _requestingUrl: string): boolean {
  return false;
}

/**
 * Names of files the renderer asks the main process to write into a folder the user picked: plain names
 * starting with a letter or digit, so no hidden files (".bashrc"), no "..", no separators.
 */
export function isSafeFileName(name: string): boolean {
  return /^[A-Za-z0-9][\w.-]{0,127}$/.test(name) && !name.includes('..');
}
