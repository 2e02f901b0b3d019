// MongoDB's CRUD unified-format specification tests, run through the official driver against devdb,
// or against MONGODB_URI when it is set. The test files are not in this repository (their licence,
// CC BY-NC-SA 3.0 US, and our rule of committing nothing taken from other repositories): point
// MONGODB_SPECS_DIR at `source/crud/tests/unified` (and, after a `:`, `source/index-management/tests`) of a checkout of github.com/mongodb/specifications. On devdb, the tests listed in
// spec/expectedFailures.json must fail (each says why) and every other applicable one must pass:
// a fix that makes a listed test pass fails this suite until the entry is removed.
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startDevDb, type DevDb } from '../../devdb';
import { notApplicable, parseUnified, runUnifiedTest, type ServerFacts, type UnifiedFile } from './unifiedRunner';

const SPEC_DIR = process.env.MONGODB_SPECS_DIR;
const EXPECTED_FAILURES_FILE = path.join(__dirname, 'spec', 'expectedFailures.json');
const external = process.env.MONGODB_URI;
/** DEVDB_CONFORMANCE_RECORD=1: writes the current failures to expectedFailures.json (reasons to review). */
const record = process.env.DEVDB_CONFORMANCE_RECORD === '1' && !external;

// Several folders may be given, separated by the platform's path delimiter (`:`), e.g. the CRUD tests and
// `source/index-management/tests`; a test is known by its file's name and its description.
const files: Array<{ name: string; file: UnifiedFile }> = (SPEC_DIR ? SPEC_DIR.split(path.delimiter).filter(Boolean) : []).flatMap((dir) =>
  fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, file: parseUnified(fs.readFileSync(path.join(dir, name), 'utf8')) })),
);

const expectedFailures = JSON.parse(fs.readFileSync(EXPECTED_FAILURES_FILE, 'utf8')) as Record<string, string>;
const tally = { passed: 0, expectedFailures: 0, skipped: 0, unexpected: 0 };
const recorded: Record<string, string> = {};

let devdb: DevDb | undefined;
let uri: string;
let admin: MongoClient;
let server: ServerFacts;

beforeAll(async () => {
  if (external) {
    uri = external;
  } else {
    devdb = await startDevDb({ filename: ':memory:' });
    uri = devdb.uri('admin');
  }
  admin = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await admin.connect();
  const info = await admin.db('admin').command({ buildInfo: 1 });
  const hello = await admin.db('admin').command({ hello: 1 });
  server = {
    version: String(info.version),
    topology: hello.msg === 'isdbgrid' ? 'sharded' : hello.setName ? 'replicaset' : 'single',
    auth: /:\/\/[^/]*@/.test(uri),
  };
});

afterAll(async () => {
  await admin?.close();
  await devdb?.close();
  const total = tally.passed + tally.expectedFailures + tally.unexpected;
  process.stdout.write(
    `\nSpecification conformance (${external ? 'MONGODB_URI' : 'devdb'}): ${tally.passed}/${total} applicable tests pass, ` +
      `${tally.expectedFailures} expected failures, ${tally.unexpected} unexpected results, ${tally.skipped} skipped (not for a standalone ${server?.version ?? ''})\n`,
  );
  if (record) fs.writeFileSync(EXPECTED_FAILURES_FILE, `${JSON.stringify(recorded, null, 2)}\n`);
});

if (!SPEC_DIR) {
  // The conformance run itself needs MONGODB_SPECS_DIR (see the top of this file); without it, only the list is checked.
  test('Without MONGODB_SPECS_DIR, the expected-failure list still names each test with its reason', () => {
    const entries = Object.entries(expectedFailures);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter(([key, reason]) => !/^[\w.-]+\.json: .+/.test(key) || reason.trim() === '')).toEqual([]);
  });
} else if (files.length === 0) {
  throw new Error(`MONGODB_SPECS_DIR (${SPEC_DIR}) holds no unified-format .json file`);
}

for (const { name, file } of files) describe(name, () => {
  for (const test of file.tests) {
    const key = `${name}: ${test.description}`;
    it(test.description, async () => {
      const skip = notApplicable(file, test, server);
      if (skip) {
        tally.skipped++;
        expect(skip).toEqual(expect.any(String));
        return;
      }
      let failure: Error | undefined;
      try {
        await runUnifiedTest(file, test, { uri, admin });
      } catch (err) {
        failure = err as Error;
      }
      const reason = external ? undefined : expectedFailures[key];
      if (record) {
        if (failure) recorded[key] = failure.message.split('\n')[0]!.slice(0, 300);
        tally[failure ? 'expectedFailures' : 'passed']++;
        expect(record).toBe(true);
        return;
      }
      if (reason !== undefined) {
        tally[failure ? 'expectedFailures' : 'unexpected']++;
        // A listed test that passes: remove it from test/devdb/spec/expectedFailures.json.
        expect({ test: key, nowPasses: !failure, listedBecause: reason }).toEqual({ test: key, nowPasses: false, listedBecause: reason });
        return;
      }
      tally[failure ? 'unexpected' : 'passed']++;
      if (failure) throw failure;
      expect(failure).toBeUndefined();
    });
  }
});
