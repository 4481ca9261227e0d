import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Versions recorded in config.json, read from the installed packages (no tfjs or Rapier start-up needed). */
export function runtimeVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  return {
    sinew: readVersion(fileURLToPath(new URL('../../package.json', import.meta.url))),
    tfjs: packageVersion(require, '@tensorflow/tfjs'),
    rapier: packageVersion(require, '@dimforge/rapier3d-simd-compat'),
    node: process.version,
  };
}

/** Some packages do not export their package.json: find it above the resolved entry point instead. */
function packageVersion(require: NodeJS.Require, name: string): string {
  try {
    let dir = dirname(require.resolve(name));
    while (dir !== dirname(dir)) {
      const candidate = join(dir, 'package.json');
      if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === name) return readVersion(candidate);
      dir = dirname(dir);
    }
  } catch {
    // not installed
  }
  return 'unknown';
}

function readVersion(path: string): string {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
