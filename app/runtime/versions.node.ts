import { createRequire } from 'node:module';

/** Versions recorded in config.json, read from the installed packages (no tfjs or Rapier start-up needed). */
export function runtimeVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versionOf = (path: string): string => {
    try {
      return (require(path) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    sinew: versionOf('../../package.json'),
    tfjs: versionOf('@tensorflow/tfjs/package.json'),
    rapier: versionOf('@dimforge/rapier3d-compat/package.json'),
    node: process.version,
  };
}
