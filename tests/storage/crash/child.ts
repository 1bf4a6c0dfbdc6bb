// Child of the crash test: loops update + flush on one store and acknowledges each durable
// counter on stdout ("ack N") until the parent SIGKILLs it.
import { JsonStore } from '../../../src/storage/index.js';
import { crashDefaults, crashSchema, payloadFor } from './crash-schema.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: child <file>');
const store = await JsonStore.open({
  path: file,
  schema: crashSchema,
  defaults: crashDefaults,
  debounceMs: 1,
});
process.stdout.write(`ready ${store.get().counter}\n`);
for (;;) {
  const { counter } = store.update((draft) => {
    const next = draft.counter + 1;
    return { counter: next, payload: payloadFor(next) };
  });
  await store.flush();
  process.stdout.write(`ack ${counter}\n`);
}
