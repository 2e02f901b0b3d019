// Diagnostic: the server's memory during one whole-list export, sampled inside the server (each thread's
// heap, external and array buffers, and the process RSS) by bench/memorySampler.cjs.
// `npx tsx bench/exportMemory.ts 100000 csv`; MEMLOG=<file> (default /tmp/memlog.jsonl), SLOW_READ_MS=<ms>
// between reads, SNAP_AT_MB=8,20 for heap snapshots (with BENCH_SERVER_NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2).
import path from 'node:path';
import fs from 'node:fs';
import { StaffAccountRepository } from '../api/staff/staffRepository';
import { startBenchServer } from './serverProcess';
import { connectToServerDatabase, seed } from './staffApi';

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 20_000);
  const format = process.argv[3] ?? 'csv';
  const memlog = process.env.MEMLOG ?? '/tmp/memlog.jsonl';
  process.env.BENCH_SERVER_NODE_OPTIONS = `--require ${path.join(__dirname, 'memorySampler.cjs')} ${process.env.BENCH_SERVER_NODE_OPTIONS ?? ''}`;
  const server = await startBenchServer('product', { STAFF_RATE_LIMIT_PER_IP: '100000000', STAFF_RATE_LIMIT_PER_KEY: '100000000', MEMLOG: memlog });
  const database = await connectToServerDatabase(server);
  try {
    const accounts = new StaffAccountRepository(database.connection);
    await accounts.init();
    const created = await accounts.create({ name: 'Bench admin', role: 'admin', departements: [] });
    if (!created.ok) throw new Error('no admin');
    let t = performance.now();
    await seed(database.connection, 0, size);
    console.error(`seeded ${size} in ${((performance.now() - t) / 1000).toFixed(1)} s, rss ${server.rssMb().toFixed(0)} MB`);
    await new Promise((r) => setTimeout(r, 3000));
    fs.appendFileSync(memlog, JSON.stringify({ mark: 'export-start', at: Date.now() }) + '\n');
    const before = server.rssMb();
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, server.rssMb())), 20);
    t = performance.now();
    const response = await fetch(`${server.url}/api/dossiers/export.${format}`, { headers: { authorization: `Bearer ${created.key}` } });
    const reader = response.body!.getReader();
    let bytes = 0;
    const snapAt = (process.env.SNAP_AT_MB ?? '').split(',').filter(Boolean).map(Number);
    const slow = Number(process.env.SLOW_READ_MS ?? 0);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const was = bytes;
      bytes += value.byteLength;
      for (const mb of snapAt) if (was < mb * 1e6 && bytes >= mb * 1e6) process.kill(server.pid, 'SIGUSR2');
      if (slow) await new Promise((r) => setTimeout(r, slow));
    }
    clearInterval(timer);
    fs.appendFileSync(memlog, JSON.stringify({ mark: 'export-end', at: Date.now() }) + '\n');
    console.error(`export ${format} ${response.status} ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s; rss ${before.toFixed(0)} -> peak ${peak.toFixed(0)} (+${(peak - before).toFixed(0)}) MB, after ${server.rssMb().toFixed(0)}`);
    await new Promise((r) => setTimeout(r, 3000));
  } finally {
    await database.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
