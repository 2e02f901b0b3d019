// Structured logging: JSON lines for machines, pretty lines when a person watches a terminal.
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** Paths that may carry secrets or personal data: never written to the logs. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'apiKey',
  'password',
  'secret',
];

export function createLogger(log: Config['log'], destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: log.level,
    base: { service: 'territoires-integration' },
    redact: { paths: REDACTED_PATHS, censor: '[caché]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  const pretty = log.format === 'pretty' || (log.format === 'auto' && process.stdout.isTTY === true);
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' } } });
  }
  return pino(options);
}
