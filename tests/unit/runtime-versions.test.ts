import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { runtimeVersions } from '../../app/runtime/versions.node.ts';

describe('runtimeVersions', () => {
  it('reads the installed package versions and node', () => {
    const versions = runtimeVersions();
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const tfjs = JSON.parse(readFileSync(new URL('../../node_modules/@tensorflow/tfjs/package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(versions.sinew).toBe(pkg.version);
    expect(versions.tfjs).toBe(tfjs.version);
    expect(versions.rapier).toMatch(/^\d+\.\d+\.\d+/);
    expect(versions.node).toBe(process.version);
  });
});
