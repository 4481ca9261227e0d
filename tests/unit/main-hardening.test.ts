import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIpcHandlers } from '../../app/main/ipc-handlers.ts';
import { RunFiles } from '../../app/main/run-files.ts';
import { isAllowedExternalUrl, isPermissionGranted, isSafeFileName } from '../../app/main/security.ts';
import { serveRenderer } from '../../app/main/web-server.ts';
import { IpcChannel } from '../../app/shared/ipc.ts';

describe('Electron main hardening', () => {
  it('the save dialog writes only plain file names: no hidden files, no "..", no separators', async () => {
    for (const name of ['.bashrc', '..', '...', '.', 'a..b', 'a/b', '-rf', 'x'.repeat(129), '', 'a\\b']) expect(isSafeFileName(name)).toBe(false);
    for (const name of ['policy.onnx', 'model.json', 'group1-shard1of1.bin', 'policy_card.md', 'A-1.txt']) expect(isSafeFileName(name)).toBe(true);
    const saved: string[] = [];
    const handlers = createIpcHandlers({
      appInfo: { version: '0', platform: 'linux', runsDirectory: '/x', cores: 1 },
      runFiles: new RunFiles(mkdtempSync(join(tmpdir(), 'sinew-hard-'))),
      showSaveDialog: async (files) => {
        saved.push(...files.files.map((file) => file.name));
        return '/chosen';
      },
      showOpenDialog: async () => null,
    });
    for (const name of ['.bashrc', '..']) {
      await expect(handlers[IpcChannel.savePolicyDialog]({ files: [{ name, data: new Uint8Array() }] })).rejects.toThrow(
        `policy file name '${name}' is not allowed`,
      );
    }
    expect(saved).toEqual([]);
  });

  it('opens only https links to a short list of hosts in the browser', () => {
    expect(isAllowedExternalUrl('https://gymnasium.farama.org/environments/mujoco/hopper/')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/google-deepmind/mujoco')).toBe(true);
    expect(isAllowedExternalUrl('https://evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://github.com.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://evilgithub.com/')).toBe(false);
    expect(isAllowedExternalUrl('http://github.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@github.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://github.com:8443/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });

  it('denies every permission check and request, from any origin', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal']) {
      expect(isPermissionGranted(permission, 'sinew://app/index.html')).toBe(false);
      expect(isPermissionGranted(permission, 'https://evil.example/')).toBe(false);
    }
    const main = readFileSync('app/main/main.ts', 'utf8');
    expect(main).toContain(
      'setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin))',
    );
    expect(main).toContain('if (isAllowedExternalUrl(url)) void shell.openExternal(url);');
  });

  it("sets Electron's fuses in electron-builder's config", () => {
    const lines = readFileSync('electron-builder.yml', 'utf8').split('\n');
    const start = lines.indexOf('electronFuses:');
    expect(start).toBeGreaterThan(-1);
    const fuses: Record<string, string> = {};
    for (const line of lines.slice(start + 1)) {
      const match = /^ {2}(\w+): (\w+)$/.exec(line);
      if (!match) break;
      fuses[match[1]] = match[2];
    }
    expect(fuses).toEqual({
      runAsNode: 'false',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableCookieEncryption: 'true',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
      grantFileProtocolExtraPrivileges: 'false',
    });
  });

  it('the web server answers other methods with 405 and an Allow header', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sinew-hard-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    const server = await serveRenderer(root);
    try {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const response = await fetch(server.url, { method });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('GET, HEAD');
      }
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
