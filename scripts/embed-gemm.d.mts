// Types of embed-gemm.mjs, for the test that checks the embedded module is current.
export const SOURCE: string;
export const OUTPUT: string;
export function compiledGemm(root?: string): Promise<Buffer>;
export function embeddedGemm(root?: string): Promise<string>;
