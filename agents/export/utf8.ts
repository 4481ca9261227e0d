/**
 * UTF-8 through the platform's TextEncoder/TextDecoder (Node, browsers and workers all have them); declared
 * here because agents/ compiles without DOM or Node types.
 */
interface Platform {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
}
const platform = globalThis as unknown as Platform;
const encoder = new platform.TextEncoder();
// Not fatal: a corrupt file decodes with replacement characters and is then refused by the JSON parser.
const decoder = new platform.TextDecoder('utf-8', { fatal: false });

export const encodeUtf8 = (text: string): Uint8Array => encoder.encode(text);
export const decodeUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);
