// Tells "the database is out of reach" (a passing outage the user can wait out) from every other
// failure, for the API (503) and the bot (a French "briefly unavailable" message) alike.

/** The driver's and mongoose's names for a database that cannot be reached or stopped answering. */
const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoPoolClosedError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
]);

/** What the driver says when an operation reaches a client that is not (or no longer) connected. */
const UNAVAILABLE_MESSAGE = /Client must be connected|connection .* (closed|timed out)|before initial connection is complete|Topology is closed/i;

/**
 * Socket errors the driver lets through unwrapped (a write on a connection the server has just
 * closed fails with a bare EPIPE): counted only when they come from the driver's own code.
 */
const NETWORK_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH']);
const DRIVER_FRAME = /[\\/]node_modules[\\/]mongodb[\\/]/;

const MAX_CAUSE_DEPTH = 5;

/** True when the error, or one of its causes, says the database is out of reach rather than that a request was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth += 1) {
    const { name, message } = current as { name?: unknown; message?: unknown };
    if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
    if (typeof message === 'string' && /^Mongo/.test(typeof name === 'string' ? name : '') && UNAVAILABLE_MESSAGE.test(message)) return true;
    if (typeof message === 'string' && name === 'MongooseError' && UNAVAILABLE_MESSAGE.test(message)) return true;
    const { code, stack } = current as { code?: unknown; stack?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code) && typeof stack === 'string' && DRIVER_FRAME.test(stack)) return true;
    // botbuilder-dialogs wraps a step's failure in a DialogContextError whose `error` is the original.
    const { cause, error: wrapped } = current as { cause?: unknown; error?: unknown };
    current = cause ?? wrapped;
  }
  return false;
}
