import { createConsoleLogger } from '../../src/index.js';

const logger = createConsoleLogger({ component: 'Demo' });
logger.info({}, 'soc-kit demo: the signal bus lands next');
