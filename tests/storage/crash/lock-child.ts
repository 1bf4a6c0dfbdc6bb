// Child of the lock race test: tries to open the store, reports "locked" or "busy <code>" on
// stdout, then holds the lock (if it got it) until its stdin closes.
import { JsonStore } from '../../../src/storage/index.js';
import { crashDefaults, crashSchema, payloadFor } from './crash-schema.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: lock-child <file>');
try {
  const store = await JsonStore.open({ path: file, schema: crashSchema, defaults: crashDefaults });
  store.update((draft) => ({ counter: draft.counter + 1, payload: payloadFor(draft.counter + 1) }));
  await store.flush();
  process.stdout.write('locked\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    void store.close();
  });
} catch (error) {
  process.stdout.write(`busy ${(error as { code?: string }).code ?? String(error)}\n`);
}
