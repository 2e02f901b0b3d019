// Preloaded into a bench server (--require) with MEMLOG=<file>: every 250 ms each thread (main, devdb worker,
// tsx loader) appends its heap, external and array-buffer memory and the process RSS, in MB, as one JSON line.
const fs = require('node:fs');
const v8 = require('node:v8');
const { threadId, isMainThread } = require('node:worker_threads');
const file = process.env.MEMLOG;
if (file) {
  const t0 = Date.now();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const h = v8.getHeapStatistics();
    fs.appendFileSync(file, JSON.stringify({ at: Date.now(), t: Date.now() - t0, thread: threadId, main: isMainThread, rss: m.rss >> 20, heapUsed: m.heapUsed >> 20, heapTotal: m.heapTotal >> 20, external: m.external >> 20, ab: m.arrayBuffers >> 20, malloced: h.malloced_memory >> 20 }) + '\n');
  }, 250);
  timer.unref();
}
