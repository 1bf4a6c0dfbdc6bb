import { describe, expect, it } from 'vitest';
import { runQuickstart } from './pipeline.js';

describe('quick-start pipeline (npm run demo)', () => {
  it('applies settings, detects the raid, the spam and the anomaly, and reports each in #mod-log', async () => {
    const result = await runQuickstart();

    expect(result.configReplies).toEqual([
      'Set raidJoins to 3.',
      'You need the Manage Server permission to change settings.',
      expect.stringContaining('raidJoins'),
      'Set raidWindow to 20000.',
    ]);
    expect(result.storedSettings).toEqual({ raidJoins: 3, raidWindow: 20_000 });

    expect(result.alerts.map((embed) => embed.title)).toEqual([
      'Raid detected',
      'Copy-paste spam',
      'Unusual activity',
    ]);
    expect(result.timedOut).toHaveLength(3);
    const anomaly = result.alerts[2];
    const confidence = anomaly?.fields?.find((field) => field.name === 'Confidence')?.value;
    expect(Number(confidence)).toBeGreaterThanOrEqual(0.85);
    expect(result.signals.handlerFailures).toBe(0);
  });
});
