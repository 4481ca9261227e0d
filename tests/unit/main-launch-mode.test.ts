import { describe, expect, it } from 'vitest';
import { chooseLaunchMode, findChromiumBrowser, hasDisplay, parseStartOptions } from '../../app/main/launch-mode.ts';

describe('npm start launch mode', () => {
  const defaults = parseStartOptions([], {});

  it('parses --port, --headless and --web, and rejects anything else', () => {
    expect(defaults).toEqual({ port: 5173, headless: false, forceWeb: false });
    expect(parseStartOptions(['--port', '8080', '--headless'], {})).toEqual({ port: 8080, headless: true, forceWeb: false });
    expect(parseStartOptions(['--port=0', '--web'], {})).toEqual({ port: 0, headless: false, forceWeb: true });
    expect(parseStartOptions([], { SINEW_PORT: '9000', SINEW_HEADLESS: '1' })).toEqual({ port: 9000, headless: true, forceWeb: false });
    expect(() => parseStartOptions(['--port', 'abc'], {})).toThrow(/--port/);
    expect(() => parseStartOptions(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => parseStartOptions(['--open'], {})).toThrow(/unknown option/);
  });

  it('runs Electron when its binary resolves and exists', () => {
    expect(
      chooseLaunchMode(
        defaults,
        () => '/bin/electron',
        () => true,
      ),
    ).toEqual({ kind: 'electron', binary: '/bin/electron' });
  });

  it('falls back to web mode, saying why, when the binary was never downloaded', () => {
    const mode = chooseLaunchMode(defaults, () => {
      throw new Error('Electron failed to install correctly, please delete node_modules/electron');
    });
    expect(mode.kind).toBe('web');
    expect(mode.kind === 'web' && mode.reason).toMatch(/not installed.*failed to install/);
    expect(
      chooseLaunchMode(
        defaults,
        () => '/gone',
        () => false,
      ),
    ).toEqual({ kind: 'web', reason: 'the Electron binary is missing at /gone', downloadable: true });
    expect(
      chooseLaunchMode(
        { ...defaults, forceWeb: true },
        () => '/bin/electron',
        () => true,
      ).kind,
    ).toBe('web');
  });

  it('finds a Chromium-family browser on PATH and knows when there is no display', () => {
    expect(findChromiumBrowser('/a:/usr/bin', (path) => path === '/usr/bin/chromium')).toBe('/usr/bin/chromium');
    expect(findChromiumBrowser('/a:/b', () => false)).toBeNull();
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay('win32', {})).toBe(true);
  });
});
