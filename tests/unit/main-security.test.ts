import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, RESPONSE_HEADERS, isAllowedNavigation, isTrustedSender, responseHeaders } from '../../app/main/security.ts';
import { resolveStaticPath, mimeTypeFor } from '../../app/main/static-files.ts';

describe('security policy', () => {
  it('sends the cross-origin isolation headers SharedArrayBuffer needs', () => {
    expect(RESPONSE_HEADERS['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(RESPONSE_HEADERS['Cross-Origin-Embedder-Policy']).toBe('require-corp');
  });

  it("allows 'wasm-unsafe-eval' and nothing broader for scripts", () => {
    const scriptSrc = CONTENT_SECURITY_POLICY.split('; ').find((part) => part.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|\*|https?:/);
  });

  it("gives worker scripts alone 'unsafe-eval' (MuJoCo's Embind glue); pages and everything else keep the strict CSP", () => {
    const csp = (path: string) => responseHeaders(path)['Content-Security-Policy'];
    expect(csp('/workers/trainer.worker-CNmv_v_K.js')).toBe(
      CONTENT_SECURITY_POLICY.replace("'wasm-unsafe-eval'", "'wasm-unsafe-eval' 'unsafe-eval'"),
    );
    for (const path of ['/', '/index.html', '/assets/index-CIpA2aoo.js', '/workers/../index.html', '/workers/notes.txt', '/x/workers/a.js'])
      expect(csp(path)).toBe(CONTENT_SECURITY_POLICY);
    expect(responseHeaders('/workers/a.js')['Cross-Origin-Embedder-Policy']).toBe('require-corp');
  });

  it('denies navigation anywhere but the app origin', () => {
    expect(isAllowedNavigation('sinew://app/index.html')).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation('sinew://other/index.html')).toBe(false);
    expect(isAllowedNavigation('not a url')).toBe(false);
  });

  it('trusts IPC only from the main frame of the app origin', () => {
    expect(isTrustedSender('sinew://app/index.html', true)).toBe(true);
    expect(isTrustedSender('sinew://app/index.html', false)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });
});

describe('static file resolution', () => {
  it('maps routes to index.html and files inside the root', () => {
    expect(resolveStaticPath('/srv/app', '/')).toBe('/srv/app/index.html');
    expect(resolveStaticPath('/srv/app', '/compare')).toBe('/srv/app/index.html');
    expect(resolveStaticPath('/srv/app', '/assets/a.js?v=1')).toBe('/srv/app/assets/a.js');
  });

  it('refuses paths that escape the root', () => {
    expect(resolveStaticPath('/srv/app', '/../secret.txt')).toBeNull();
    expect(resolveStaticPath('/srv/app', '/%2e%2e/secret.txt')).toBeNull();
    expect(resolveStaticPath('/srv/app', '/a%00.js')).toBeNull();
    expect(resolveStaticPath('/srv/app', '/%E0%A4%A')).toBeNull();
  });

  it('serves wasm with its MIME type (streaming compilation needs it)', () => {
    expect(mimeTypeFor('x/backend.wasm')).toBe('application/wasm');
    expect(mimeTypeFor('index.html')).toMatch(/^text\/html/);
  });
});
