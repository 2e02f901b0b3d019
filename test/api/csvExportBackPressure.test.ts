// F6: the CSV export reads the next batch of dossiers only when the client has taken the previous one.
// A real HTTP server streams writeCsvExport to a real socket; a client that stops reading must make the
// export stop pulling batches (memory then holds one batch and the socket's buffers, whatever the count).
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { writeCsvExport } from '../../api/dossiers/dossierExports';
import type { DossierExportRow } from '../../dossiers/dossierRepository';
import { buildDossier } from '../dossiers/buildDossier';

const BATCHES = 200;
const ROWS_PER_BATCH = 200;

/** Some 100 kB of CSV a batch (20 MB in all): far more than the loopback socket buffers hold. */
function batch(index: number): DossierExportRow[] {
  const base = buildDossier({ status: 'submitted' });
  return Array.from({ length: ROWS_PER_BATCH }, (_, row) => ({
    ...base,
    reference: `TI-2026-${String(index * ROWS_PER_BATCH + row).padStart(6, '0')}`,
    collectivity: { ...base.collectivity, name: `Commune ${index}-${row} ${'x'.repeat(300)}` },
  }));
}

test('When the client stops reading a CSV export, then the server stops pulling batches, and resumes when the client reads again', async () => {
  let pulled = 0;
  async function* batches(): AsyncGenerator<DossierExportRow[]> {
    for (let i = 0; i < BATCHES; i += 1) {
      pulled += 1;
      yield batch(i);
    }
  }
  let finished: Promise<void> | undefined;
  const server = http.createServer((_req, res) => {
    finished = writeCsvExport(batches(), res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const request = http.get(`http://127.0.0.1:${port}/`);
    const [response] = (await once(request, 'response')) as [http.IncomingMessage];
    // The client reads nothing: the kernel buffers fill, then res.write() says to wait.
    response.pause();
    let previous = -1;
    while (pulled !== previous) {
      previous = pulled;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(pulled).toBeLessThan(BATCHES / 2);

    // Reading again lets the export go on to its end: every row arrives once.
    let bytes = 0;
    let lines = 0;
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) lines += 1;
    });
    response.resume();
    await once(response, 'end');
    await finished;
    expect(pulled).toBe(BATCHES);
    expect(lines).toBe(BATCHES * ROWS_PER_BATCH + 1);
    expect(bytes).toBeGreaterThan(BATCHES * ROWS_PER_BATCH * 300);
  } finally {
    server.close();
  }
}, 120_000);
