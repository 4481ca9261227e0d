import type { SinewBridge } from './ipc.ts';

declare global {
  interface Window {
    /** Present only inside Electron (set by the preload script); absent when the renderer runs as a web page. */
    readonly sinew?: SinewBridge;
  }
}
