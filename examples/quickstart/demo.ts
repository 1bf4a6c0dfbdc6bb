// `npm run demo`: runs the quick-start pipeline against the offline Discord simulator and prints
// what the bot did.
import { createConsoleLogger } from '../../src/index.js';
import { runQuickstart } from './pipeline.js';

const logger = createConsoleLogger({ component: 'Quickstart' });
const result = await runQuickstart({ logger });

console.log('\n!config replies:');
for (const reply of result.configReplies) console.log(`  ${reply}`);

console.log('\n#mod-log alerts:');
for (const embed of result.alerts) {
  const fields = (embed.fields ?? []).map((field) => `${field.name}: ${field.value}`).join(' | ');
  console.log(`  [${embed.footer?.text ?? ''}] ${embed.title ?? ''}: ${fields}`);
}

console.log(`\ntimed out by the raid workflow: ${result.timedOut.length} accounts`);
console.log(`settings on disk: ${JSON.stringify(result.storedSettings)}`);
console.log(
  `signals emitted: ${result.signals.emitted}, handler failures: ${result.signals.handlerFailures}`,
);
