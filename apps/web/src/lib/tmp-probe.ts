import type { LiveEnvelope } from './trpc';
const x: LiveEnvelope = 1 as unknown as LiveEnvelope;
export const y: number = x;
