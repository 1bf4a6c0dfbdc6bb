export { SocKitError } from './errors.js';
export { createConsoleLogger, noopLogger } from './logger.js';
export type { ConsoleLoggerOptions, LogBindings, Logger, LogLevel } from './logger.js';
export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
