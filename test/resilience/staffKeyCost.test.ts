// Issue 15, F14 and F20: a bad staff key costs little (no scrypt), and the same whatever is wrong with
// it (unknown id, revoked account, wrong secret, malformed), so neither the CPU nor the clock tells them apart.
import { startTestApp, type TestApp } from '../support/testApp';
import { call, staffKey } from '../api/staffApiSupport';

let app: TestApp;
let revokedKey: string;
let liveKey: string;

beforeAll(async () => {
  app = await startTestApp();
  revokedKey = await staffKey(app.staffAccounts, 'admin', [], 'Agent révoqué');
  liveKey = await staffKey(app.staffAccounts, 'admin', [], 'Agent actif');
  // The key worked before its revocation (as in the finding): nothing it left behind makes it cheaper.
  expect((await call(app.url, '/api/dossiers', { key: revokedKey })).status).toBe(200);
  const id = /^ti_([0-9a-f]{16})_/.exec(revokedKey)?.[1] ?? '';
  await app.staffAccounts.revoke(id);
}, 60_000);

afterAll(async () => {
  await app.close();
});

const unknownKey = (): string => `ti_0123456789abcdef_${'A'.repeat(43)}`;
const wrongSecret = (): string => `${liveKey.slice(0, -1)}${liveKey.endsWith('A') ? 'B' : 'A'}`;

async function timed(key: string | undefined, rounds: number): Promise<{ medianMs: number; cpuMsPerRequest: number }> {
  const durations: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < rounds; i += 1) {
    const start = process.hrtime.bigint();
    const response = await call(app.url, '/api/dossiers', key === undefined ? {} : { key });
    durations.push(Number(process.hrtime.bigint() - start) / 1e6);
    expect(response.status).toBe(401);
  }
  const cpu = process.cpuUsage(cpuBefore);
  durations.sort((a, b) => a - b);
  return { medianMs: durations[Math.floor(rounds / 2)] ?? 0, cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / rounds };
}

describe('A bad staff key', () => {
  test('When 30 requests carry unknown, revoked, wrongly signed or malformed keys, then none of them costs a scrypt (under 10 ms of CPU more than no key at all)', async () => {
    // One scrypt (N = 16384, r = 8) takes 30 to 80 ms of CPU: 26 bad keys a second saturated a core (88 ms each here before).
    await timed(undefined, 20);
    const { cpuMsPerRequest: baseline } = await timed(undefined, 30);
    for (const key of [unknownKey(), revokedKey, wrongSecret(), 'ti_abc']) {
      const { cpuMsPerRequest } = await timed(key, 30);
      expect(cpuMsPerRequest - baseline).toBeLessThan(10);
    }
  });

  test('When a revoked key and an unknown key are sent 25 times each, then their median refusal times are alike', async () => {
    await timed(unknownKey(), 5);
    await timed(revokedKey, 5);
    // Interleaved, one of each per round, so that a busy machine slows both kinds alike.
    const unknown: number[] = [];
    const revoked: number[] = [];
    for (let round = 0; round < 25; round += 1) {
      unknown.push((await timed(unknownKey(), 1)).medianMs);
      revoked.push((await timed(revokedKey, 1)).medianMs);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const slower = Math.max(median(unknown), median(revoked));
    const faster = Math.min(median(unknown), median(revoked));
    // Before: 10× apart (a scrypt of 30 to 80 ms for the unknown id, a remembered fingerprint for the revoked key).
    expect(slower - faster < 10 || slower / faster < 2).toBe(true);
  });

  test('When the live key is sent after all these refusals, then it still works', async () => {
    expect((await call(app.url, '/api/dossiers', { key: liveKey })).status).toBe(200);
  });
});
