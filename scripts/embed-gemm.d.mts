// Types of embed-gemm.mjs, for the test that checks the embedded modules are current.
export const SOURCE: string;
export const OUTPUT: string;
export function withoutRelaxedSimd(wat: string): string;
export function withUnsharedMemory(wat: string): string;
export function compiledGemm(root?: string): Promise<{ relaxed: Buffer; plain: Buffer; relaxedUnshared: Buffer; plainUnshared: Buffer }>;
export function embeddedGemm(root?: string): Promise<string>;
