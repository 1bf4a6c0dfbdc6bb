import { z } from 'zod';

// The document the crash child writes. The payload is derived from the counter, so a file that
// mixed two writes, or lost its tail, fails validation.
const PAYLOAD_CHUNKS = 256;

export function payloadFor(counter: number): string[] {
  return Array.from(
    { length: PAYLOAD_CHUNKS },
    (_, index) => `${counter}:${index}:${'x'.repeat(24)}`,
  );
}

export const crashSchema = z
  .object({ counter: z.number().int().min(0), payload: z.array(z.string()) })
  .refine(
    (value) => {
      const expected = payloadFor(value.counter);
      return (
        value.payload.length === expected.length &&
        value.payload.every((chunk, index) => chunk === expected[index])
      );
    },
    { message: 'payload does not match the counter' },
  );

export type CrashDocument = z.output<typeof crashSchema>;

export const crashDefaults: CrashDocument = { counter: 0, payload: payloadFor(0) };
