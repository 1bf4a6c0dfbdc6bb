// soc-kit quick start: a small offline security pipeline built from the library's pieces.
// Run it with `npm run demo`.
import { z } from 'zod';
import { createConsoleLogger, defineSignals, SignalBus } from '../../src/index.js';

const logger = createConsoleLogger({ component: 'Demo' });

const catalog = defineSignals({
  ANOMALY_DETECTED: z.object({
    userId: z.string(),
    metric: z.string(),
    confidence: z.number().min(0).max(1),
  }),
});

const bus = new SignalBus({ catalog, logger: logger.child?.({ part: 'bus' }) ?? logger });

bus.subscribe(
  'ANOMALY_DETECTED',
  (signal) => {
    logger.info(
      { userId: signal.data.userId, confidence: signal.data.confidence },
      `alert: ${signal.data.metric} anomaly`,
    );
  },
  { minSeverity: 'high' },
);
bus.subscribe('*', () => {
  throw new Error('a broken audit handler');
});

const report = await bus.emit(
  'ANOMALY_DETECTED',
  { userId: '111111111111111111', metric: 'messages/min', confidence: 0.93 },
  { severity: 'high', source: 'Demo' },
);
logger.info(
  { delivered: report.delivered, failed: report.failed.length },
  'emit settled; the broken handler was isolated',
);

try {
  await bus.emit(
    'ANOMALY_DETECTED',
    { userId: '1', metric: 'x', confidence: 7 },
    { severity: 'low', source: 'Demo' },
  );
} catch (error) {
  logger.warn({ err: error }, 'invalid payload refused before delivery');
}

await bus.close();
logger.info({ emitted: bus.stats().emitted }, 'done');
