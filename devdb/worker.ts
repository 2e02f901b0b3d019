// The database worker thread: devdb's wire server and SQLite, away from the web server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { startDevDbHere, type DevDbLogger, type WorkerData } from './index';

const port = parentPort;
if (!port) throw new Error('devdb/worker.ts runs as a worker thread');
const data = workerData as WorkerData;

function plain(obj: object): object {
  // Errors do not survive postMessage with their message in every Node version: send them as text.
  return JSON.parse(JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v))) as object;
}

const logger: DevDbLogger = {
  info: (obj, msg) => port.postMessage({ type: 'log', level: 'info', obj: plain(obj), msg }),
  warn: (obj, msg) => port.postMessage({ type: 'log', level: 'warn', obj: plain(obj), msg }),
  error: (obj, msg) => port.postMessage({ type: 'log', level: 'error', obj: plain(obj), msg }),
};

startDevDbHere({ ...data, logger }).then(
  (db) => {
    port.on('message', (message: { op: 'stop' | 'start' | 'close'; id: number }) => {
      db[message.op]().then(
        () => port.postMessage({ type: 'done', id: message.id }),
        (err: unknown) => port.postMessage({ type: 'done', id: message.id, error: (err as Error).message }),
      );
    });
    port.postMessage({ type: 'ready', port: db.port });
  },
  (err: unknown) => port.postMessage({ type: 'failed', message: (err as Error).message }),
);
