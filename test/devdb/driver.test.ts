// Contract suite through the official driver: runs on devdb, or on a real MongoDB when MONGODB_URI is set.
import { Binary, Decimal128, Double, Int32, Long, MongoClient, MongoServerError, ObjectId, type Collection, type Document } from 'mongodb';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';

let database: TestDatabase;
let client: MongoClient;
let collectionCounter = 0;

/** A fresh collection per test, so tests never see each other's documents. */
function freshCollection(label: string): Collection<Document> {
  collectionCounter += 1;
  return client.db().collection<Document>(`${label}_${collectionCounter}`);
}

beforeAll(async () => {
  database = await startTestDatabase();
  client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 });
});

afterAll(async () => {
  await client?.close();
  await database?.close();
});

describe('server commands', () => {
  it('When the driver pings and asks for buildInfo, then both answer ok', async () => {
    const ping = await client.db().command({ ping: 1 });
    const info = await client.db().admin().command({ buildInfo: 1 });

    expect(ping.ok).toBe(1);
    expect(info.ok).toBe(1);
    expect(typeof info.version).toBe('string');
  });

  it('When the driver sends endSessions and getParameter, then both answer ok', async () => {
    const admin = client.db().admin();

    const ended = await admin.command({ endSessions: [] });
    const parameter = await admin.command({ getParameter: 1, featureCompatibilityVersion: 1 });

    expect(ended.ok).toBe(1);
    expect(parameter.ok).toBe(1);
    expect(parameter.featureCompatibilityVersion).toHaveProperty('version');
  });

  it('When an unknown command is sent, then the server answers CommandNotFound naming it', async () => {
    const attempt = client.db().command({ frobnicateWidgets: 1 });

    await expect(attempt).rejects.toBeInstanceOf(MongoServerError);
    await expect(attempt).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound' });
    await expect(attempt).rejects.toThrow(/frobnicateWidgets/);
  });
});

describe('types', () => {
  it('When a document with every supported BSON type is written, then it reads back with the same types and values', async () => {
    const things = freshCollection('types');
    const id = new ObjectId();
    const original = {
      _id: id,
      int32: new Int32(42),
      double: new Double(2),
      fraction: new Double(2.5),
      long: Long.fromString('9007199254740993'),
      decimal: Decimal128.fromString('1234.5670'),
      date: new Date('2025-03-01T10:20:30.456Z'),
      binary: new Binary(Buffer.from([0, 1, 2, 250]), 0),
      uuid: new Binary(Buffer.from('0123456789abcdef'), Binary.SUBTYPE_UUID),
      objectId: new ObjectId(),
      nested: { level: { deeper: [new Int32(1), 'two', { three: new Double(3) }, [new Long(4)]] } },
      emptyArray: [],
      emptyObject: {},
      nothing: null,
      flag: false,
      text: 'àéïõü — 漢字',
    };

    await things.insertOne(original);
    const exact = await things.findOne({ _id: id }, { promoteValues: false, promoteLongs: false });

    expect(exact).toEqual(original);
    expect(exact?.int32).toBeInstanceOf(Int32);
    expect(exact?.double).toBeInstanceOf(Double);
    expect(exact?.long).toBeInstanceOf(Long);
    expect((exact?.long as Long).toString()).toBe('9007199254740993');
    expect(exact?.decimal).toBeInstanceOf(Decimal128);
    expect(String(exact?.decimal)).toBe('1234.5670');
    expect(exact && 'missing' in exact).toBe(false);
    expect(exact?.nothing).toBeNull();
  });

  it('When a document is updated, then untouched, incremented, set and pushed values keep their BSON types', async () => {
    const things = freshCollection('types_update');
    await things.insertOne({ _id: 1, counter: Long.fromNumber(10), price: new Double(2), untouched: new Double(5) } as Document);

    await things.updateOne({ _id: 1 } as Document, {
      $inc: { counter: 5, price: 1 },
      $set: { label: 'x', amount: Decimal128.fromString('9.90') },
      $push: { history: { amount: Decimal128.fromString('1.10'), count: Long.fromNumber(2) } },
    } as Document);
    const exact = await things.findOne({ _id: 1 } as Document, { promoteValues: false });

    expect(exact?.amount).toEqual(Decimal128.fromString('9.90'));
    expect(exact?.history).toEqual([{ amount: Decimal128.fromString('1.10'), count: Long.fromNumber(2) }]);
    expect(exact?.counter).toEqual(Long.fromNumber(15));
    expect(exact?.price).toEqual(new Double(3));
    expect(exact?.untouched).toEqual(new Double(5));
  });

  it('When filtering by ObjectId, by a Date range and sorting by Date, then the right documents come back in order', async () => {
    const events = freshCollection('events');
    const owner = new ObjectId();
    await events.insertMany([
      { owner, at: new Date('2025-01-03'), n: 3 },
      { owner: new ObjectId(), at: new Date('2025-01-02'), n: 2 },
      { owner, at: new Date('2025-01-01'), n: 1 },
      { owner, at: new Date('2025-02-01'), n: 4 },
    ]);

    const byOwner = await events.find({ owner: new ObjectId(owner.toHexString()) }).sort({ at: 1 }).toArray();
    const january = await events.find({ at: { $gte: new Date('2025-01-01'), $lt: new Date('2025-02-01') } }).sort({ at: -1 }).toArray();
    const inList = await events.countDocuments({ owner: { $in: [owner] } });

    expect(byOwner.map((e) => e.n)).toEqual([1, 3, 4]);
    expect(january.map((e) => e.n)).toEqual([3, 2, 1]);
    expect(inList).toBe(3);
  });

  it('When numbers of different BSON types hold the same value, then equality and sort treat them as numbers', async () => {
    const numbers = freshCollection('numbers');
    await numbers.insertMany([
      { k: 'int', v: new Int32(1) },
      { k: 'double', v: new Double(1) },
      { k: 'long', v: Long.fromNumber(1) },
      { k: 'decimal', v: Decimal128.fromString('1') },
      { k: 'ten', v: Long.fromNumber(10) },
      { k: 'nine', v: Long.fromNumber(9) },
    ]);

    const ones = await numbers.find({ v: 1 }).toArray();
    const sorted = await numbers.find({ v: { $gt: 1 } }).sort({ v: 1 }).toArray();

    expect(ones.map((d) => d.k).sort()).toEqual(['decimal', 'double', 'int', 'long']);
    expect(sorted.map((d) => d.k)).toEqual(['nine', 'ten']);
  });

  it('When a string _id and an ObjectId _id share the same hex, then they are two different documents', async () => {
    const ids = freshCollection('ids');
    const oid = new ObjectId();
    await ids.insertMany([{ _id: oid, kind: 'oid' }, { _id: oid.toHexString(), kind: 'string' }] as Document[]);

    const byOid = await ids.findOne({ _id: oid });
    const byString = await ids.findOne({ _id: oid.toHexString() } as Document);

    expect(byOid?.kind).toBe('oid');
    expect(byString?.kind).toBe('string');
  });

  it('When querying null, then documents with null and with the field missing match, and $exists tells them apart', async () => {
    const sparse = freshCollection('nulls');
    await sparse.insertMany([{ k: 'null', v: null }, { k: 'missing' }, { k: 'set', v: 1 }]);

    const nullish = await sparse.find({ v: null }).toArray();
    const present = await sparse.find({ v: { $exists: true } }).toArray();

    expect(nullish.map((d) => d.k).sort()).toEqual(['missing', 'null']);
    expect(present.map((d) => d.k).sort()).toEqual(['null', 'set']);
  });
});

describe('find', () => {
  it('When finding with sort, skip, limit and projection, then the page has the projected fields only', async () => {
    const people = freshCollection('people');
    await people.insertMany(Array.from({ length: 10 }, (_, i) => ({ name: `p${i}`, age: 20 + i, city: i % 2 ? 'Lyon' : 'Paris' })));

    const page = await people.find({ city: 'Paris' }, { projection: { _id: 0, name: 1, age: 1 } }).sort({ age: -1 }).skip(1).limit(2).toArray();
    const excluded = await people.findOne({ name: 'p3' }, { projection: { city: 0 } });

    expect(page).toEqual([
      { name: 'p6', age: 26 },
      { name: 'p4', age: 24 },
    ]);
    expect(excluded).toMatchObject({ name: 'p3', age: 23 });
    expect(excluded).not.toHaveProperty('city');
    expect(excluded).toHaveProperty('_id');
  });

  it('When a result is larger than the batch size, then getMore hands out every document once, in order', async () => {
    const many = freshCollection('many');
    await many.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));

    const all = await many.find({}, { batchSize: 20 }).sort({ i: 1 }).toArray();
    const limited = await many.find({ i: { $gte: 100 } }, { batchSize: 7 }).sort({ i: 1 }).limit(30).toArray();

    expect(all.map((d) => d.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(limited.map((d) => d.i)).toEqual(Array.from({ length: 30 }, (_, i) => 100 + i));
  });

  it('When a cursor is closed early, then killCursors removes it and a later getMore fails with CursorNotFound', async () => {
    const many = freshCollection('killed');
    await many.insertMany(Array.from({ length: 50 }, (_, i) => ({ i })));
    const cursor = many.find({}, { batchSize: 5 });
    await cursor.next();
    const id = cursor.id;

    await cursor.close();
    const getMore = client.db().command({ getMore: id!, collection: many.collectionName });

    expect(id && !id.isZero()).toBe(true);
    await expect(getMore).rejects.toMatchObject({ code: 43 });
  });
});

describe('equality filters', () => {
  it('When documents are found by plain equalities, then numbers of any type, array elements and nested paths match as in MongoDB', async () => {
    const docs = freshCollection('equalities');
    const id = new ObjectId();
    await docs.insertMany([
      { n: 1, k: 'int32', tag: new Int32(7) },
      { n: 2, k: 'double', tag: new Double(7) },
      { n: 3, k: 'long', tag: Long.fromNumber(7) },
      { n: 4, k: 'string', tag: '7' },
      { n: 5, k: 'array', tag: [3, 7] },
      { n: 6, k: 'nested', owner: [{ user: 'u1' }, { user: 'u2' }], at: new Date('2026-03-02T09:00:00Z'), ok: true, ref: id },
      { n: 7, k: 'missing' },
    ]);

    const seven = await docs.find({ tag: 7 }).toArray();
    const sevenEq = await docs.find({ tag: { $eq: 7 }, k: { $eq: 'array' } }).toArray();
    const text = await docs.find({ tag: '7' }).toArray();
    const nested = await docs.find({ 'owner.user': 'u2', at: new Date('2026-03-02T09:00:00Z'), ok: true, ref: id }).toArray();
    const none = await docs.find({ 'owner.user': 'u2', ok: false }).toArray();

    expect(seven.map((d) => d.n).sort()).toEqual([1, 2, 3, 5]);
    expect(sevenEq.map((d) => d.n)).toEqual([5]);
    expect(text.map((d) => d.n)).toEqual([4]);
    expect(nested.map((d) => d.n)).toEqual([6]);
    expect(none).toEqual([]);
  });
});

describe('update', () => {
  it('When every update operator is applied, then the document changes as MongoDB documents it', async () => {
    const docs = freshCollection('operators');
    await docs.insertOne({ _id: 1, a: 1, b: 'gone', n: 5, tags: ['x', 'y', 'x'], set: [1], lo: 10, hi: 10, old: 'v', list: [1, 2, 3, 4] } as Document);

    await docs.updateOne({ _id: 1 } as Document, {
      $set: { a: 2, 'deep.path': true },
      $unset: { b: '' },
      $inc: { n: 3 },
      $push: { list: { $each: [5, 6] } },
      $pull: { tags: 'x' },
      $addToSet: { set: { $each: [1, 2] } },
      $min: { lo: 3 },
      $max: { hi: 30 },
      $rename: { old: 'renamed' },
      $currentDate: { touched: true },
    } as Document);
    const doc = await docs.findOne({ _id: 1 } as Document);

    expect(doc).toMatchObject({ a: 2, deep: { path: true }, n: 8, tags: ['y'], set: [1, 2], lo: 3, hi: 30, renamed: 'v', list: [1, 2, 3, 4, 5, 6] });
    expect(doc).not.toHaveProperty('b');
    expect(doc).not.toHaveProperty('old');
    expect(doc?.touched).toBeInstanceOf(Date);
  });

  it('When plain $set, $unset, $inc, $max, $min, $push and $addToSet updates run, then the document changes as MongoDB documents it, number types kept', async () => {
    const docs = freshCollection('plain_updates');
    await docs.insertOne({ _id: 1, small: new Int32(5), big: Long.fromNumber(10), at: new Date('2026-01-01'), ids: ['a'], list: [1], nested: { keep: 1, drop: 2 }, arr: [{ x: 1 }] } as Document);

    await docs.updateOne({ _id: 1 } as Document, {
      $set: { 'created.deep.path': new Int32(3), label: 'x' },
      $unset: { 'nested.drop': '', 'absent.field': '' },
      $inc: { small: 2, big: 5, fresh: 4 },
      $max: { at: new Date('2026-06-01') },
      $min: { low: 7 },
      $push: { list: 2, newList: { k: 1 } },
      $addToSet: { ids: 'a' },
    } as Document);
    await docs.updateOne({ _id: 1 } as Document, { $addToSet: { ids: 'b' }, $max: { at: new Date('2025-01-01') } } as Document);
    const conflicting = await docs.updateOne({ _id: 1 } as Document, { $set: { nested: {} }, $unset: { 'nested.keep': '' } } as Document).then(
      () => undefined,
      (error: unknown) => error,
    );
    const throughArray = await docs.updateOne({ _id: 1 } as Document, { $set: { 'arr.0.x': 9 } } as Document);
    const raw = await client.db().collection(docs.collectionName).findOne({ _id: 1 } as Document, { promoteValues: false });
    const doc = await docs.findOne({ _id: 1 } as Document);

    expect(doc).toMatchObject({ created: { deep: { path: 3 } }, label: 'x', nested: { keep: 1 }, small: 7, fresh: 4, at: new Date('2026-06-01'), low: 7, list: [1, 2], newList: [{ k: 1 }], ids: ['a', 'b'], arr: [{ x: 9 }] });
    expect(doc?.nested).not.toHaveProperty('drop');
    expect(doc).not.toHaveProperty('absent');
    expect(Number(doc?.big)).toBe(15);
    expect(raw?.small).toBeInstanceOf(Int32);
    expect(raw?.big).toBeInstanceOf(Long);
    expect(raw?.created.deep.path).toBeInstanceOf(Int32);
    expect(conflicting).toMatchObject({ code: 40 });
    expect(throughArray.modifiedCount).toBe(1);
  });

  it('When updating many documents, then matched and modified counts are reported', async () => {
    const docs = freshCollection('multi');
    await docs.insertMany([{ g: 1, v: 0 }, { g: 1, v: 1 }, { g: 1, v: 1 }, { g: 2, v: 0 }]);

    const result = await docs.updateMany({ g: 1 }, { $set: { v: 1 } });
    const unchanged = await docs.countDocuments({ g: 2, v: 0 });

    expect(result.matchedCount).toBe(3);
    expect(result.modifiedCount).toBe(1);
    expect(unchanged).toBe(1);
  });

  it('When upserting with $setOnInsert, then the insert takes the filter fields and $setOnInsert, and a later update does not', async () => {
    const docs = freshCollection('upsert');

    const first = await docs.updateOne({ email: 'a@b.fr' }, { $set: { seen: 1 }, $setOnInsert: { createdBy: 'upsert' } }, { upsert: true });
    const second = await docs.updateOne({ email: 'a@b.fr' }, { $set: { seen: 2 }, $setOnInsert: { createdBy: 'again' } }, { upsert: true });
    const doc = await docs.findOne({ email: 'a@b.fr' });

    expect(first.upsertedCount).toBe(1);
    expect(first.upsertedId).toBeInstanceOf(ObjectId);
    expect(second.upsertedCount).toBe(0);
    expect(second.matchedCount).toBe(1);
    expect(doc).toMatchObject({ email: 'a@b.fr', seen: 2, createdBy: 'upsert' });
  });

  it('When updating with arrayFilters and the positional operator, then only the designated elements change', async () => {
    const docs = freshCollection('arrays');
    await docs.insertOne({ _id: 1, grades: [{ g: 80, ok: false }, { g: 95, ok: false }, { g: 90, ok: false }], items: [{ k: 'a', q: 1 }, { k: 'b', q: 1 }] } as Document);

    await docs.updateOne({ _id: 1 } as Document, { $set: { 'grades.$[high].ok': true } }, { arrayFilters: [{ 'high.g': { $gte: 90 } }] });
    await docs.updateOne({ _id: 1, 'items.k': 'b' } as Document, { $inc: { 'items.$.q': 5 } });
    const doc = await docs.findOne({ _id: 1 } as Document);

    expect(doc?.grades.map((g: { ok: boolean }) => g.ok)).toEqual([false, true, true]);
    expect(doc?.items).toEqual([{ k: 'a', q: 1 }, { k: 'b', q: 6 }]);
  });

  it('When replacing a document, then the _id stays and the other fields are replaced; changing _id is refused', async () => {
    const docs = freshCollection('replace');
    await docs.insertOne({ _id: 7, a: 1, b: 2 } as Document);

    await docs.replaceOne({ _id: 7 } as Document, { c: 3 });
    const replaced = await docs.findOne({ _id: 7 } as Document);
    const changeId = docs.updateOne({ _id: 7 } as Document, { $set: { _id: 8 } });

    expect(replaced).toEqual({ _id: 7, c: 3 });
    await expect(changeId).rejects.toMatchObject({ code: 66 });
  });
});

describe('delete, count and distinct', () => {
  it('When deleting one and then many, then the counts follow', async () => {
    const docs = freshCollection('delete');
    await docs.insertMany([{ t: 'a' }, { t: 'a' }, { t: 'a' }, { t: 'b' }]);

    const one = await docs.deleteOne({ t: 'a' });
    const many = await docs.deleteMany({ t: 'a' });
    const left = await docs.find({}).toArray();

    expect(one.deletedCount).toBe(1);
    expect(many.deletedCount).toBe(2);
    expect(left.map((d) => d.t)).toEqual(['b']);
  });

  it('When counting and listing distinct values, then arrays are unwound and duplicates removed', async () => {
    const docs = freshCollection('distinct');
    await docs.insertMany([{ tags: ['a', 'b'], n: 1 }, { tags: ['b', 'c'], n: 2 }, { tags: 'd', n: 3 }, { n: 4 }]);

    const values = await docs.distinct('tags');
    const filtered = await docs.distinct('tags', { n: { $lte: 2 } });
    const counted = await docs.countDocuments({ n: { $gt: 1 } });
    const estimated = await docs.estimatedDocumentCount();

    expect([...values].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...filtered].sort()).toEqual(['a', 'b', 'c']);
    expect(counted).toBe(3);
    expect(estimated).toBe(4);
  });
});

describe('findAndModify', () => {
  it('When using findOneAndUpdate, then it returns the document before or after, honouring sort and projection', async () => {
    const docs = freshCollection('fam');
    await docs.insertMany([{ q: 1, rank: 2, v: 'x' }, { q: 1, rank: 1, v: 'y' }]);

    const before = await docs.findOneAndUpdate({ q: 1 }, { $set: { v: 'changed' } }, { sort: { rank: 1 }, returnDocument: 'before', projection: { _id: 0, v: 1, rank: 1 } });
    const after = await docs.findOneAndUpdate({ q: 1, rank: 2 }, { $inc: { rank: 10 } }, { returnDocument: 'after' });

    expect(before).toEqual({ rank: 1, v: 'y' });
    expect(await docs.countDocuments({ v: 'changed', rank: 1 })).toBe(1);
    expect(after).toMatchObject({ rank: 12, v: 'x' });
  });

  it('When findOneAndUpdate upserts, findOneAndReplace replaces and findOneAndDelete removes, then each returns what MongoDB returns', async () => {
    const docs = freshCollection('fam_more');

    const upserted = await docs.findOneAndUpdate({ key: 'k' }, { $set: { v: 1 } }, { upsert: true, returnDocument: 'after' });
    const missing = await docs.findOneAndUpdate({ key: 'nope' }, { $set: { v: 1 } });
    const replaced = await docs.findOneAndReplace({ key: 'k' }, { key: 'k', v: 2 }, { returnDocument: 'after' });
    const deleted = await docs.findOneAndDelete({ key: 'k' });

    expect(upserted).toMatchObject({ key: 'k', v: 1 });
    expect(missing).toBeNull();
    expect(replaced).toMatchObject({ _id: upserted?._id, key: 'k', v: 2 });
    expect(deleted).toMatchObject({ key: 'k', v: 2 });
    expect(await docs.countDocuments()).toBe(0);
  });
});

describe('aggregate', () => {
  async function seedOrders(): Promise<{ orders: Collection<Document>; customers: Collection<Document> }> {
    const orders = freshCollection('orders');
    const customers = freshCollection('customers');
    await customers.insertMany([{ _id: 'c1', name: 'Ada' }, { _id: 'c2', name: 'Bob' }] as Document[]);
    await orders.insertMany([
      { customer: 'c1', items: ['pen', 'ink'], total: 10 },
      { customer: 'c1', items: ['paper'], total: 5 },
      { customer: 'c2', items: ['pen'], total: 7 },
      { customer: 'c2', items: [], total: 1 },
    ]);
    return { orders, customers };
  }

  it('When grouping, sorting, skipping, limiting and projecting, then the stages compose as in MongoDB', async () => {
    const { orders } = await seedOrders();

    const totals = await orders
      .aggregate([
        { $match: { total: { $gte: 1 } } },
        { $group: { _id: '$customer', sum: { $sum: '$total' }, n: { $sum: 1 } } },
        { $sort: { sum: -1 } },
        { $skip: 0 },
        { $limit: 5 },
        { $project: { _id: 0, customer: '$_id', sum: 1, n: 1 } },
      ])
      .toArray();

    expect(totals).toEqual([
      { sum: 15, n: 2, customer: 'c1' },
      { sum: 8, n: 2, customer: 'c2' },
    ]);
  });

  it('When unwinding, counting and faceting, then each stage gives the expected shape', async () => {
    const { orders } = await seedOrders();

    const unwound = await orders.aggregate([{ $unwind: '$items' }, { $count: 'items' }]).toArray();
    const [facets] = await orders
      .aggregate([
        {
          $facet: {
            big: [{ $match: { total: { $gt: 6 } } }, { $count: 'n' }],
            pens: [{ $unwind: '$items' }, { $match: { items: 'pen' } }, { $project: { _id: 0, customer: 1 } }, { $sort: { customer: 1 } }],
          },
        },
      ])
      .toArray();

    expect(unwound).toEqual([{ items: 4 }]);
    expect(facets).toEqual({ big: [{ n: 2 }], pens: [{ customer: 'c1' }, { customer: 'c2' }] });
  });

  it('When looking up another collection, then each document gets its joined documents', async () => {
    const { orders, customers } = await seedOrders();

    const joined = await orders
      .aggregate([
        { $match: { total: 10 } },
        { $lookup: { from: customers.collectionName, localField: 'customer', foreignField: '_id', as: 'who' } },
        { $project: { _id: 0, total: 1, who: 1 } },
      ])
      .toArray();

    expect(joined).toEqual([{ total: 10, who: [{ _id: 'c1', name: 'Ada' }] }]);
  });

  it('When mongoose-style countDocuments runs ($match then $group by 1), then it counts the matches', async () => {
    const { orders } = await seedOrders();

    const [result] = await orders.aggregate([{ $match: { customer: 'c2' } }, { $group: { _id: 1, n: { $sum: 1 } } }]).toArray();

    expect(result).toEqual({ _id: 1, n: 2 });
  });
});

describe('indexes and unique constraints', () => {
  it('When a compound unique index exists, then only a repeated pair is refused, with keyPattern and keyValue', async () => {
    const docs = freshCollection('compound');
    await docs.createIndex({ dept: 1, code: 1 }, { unique: true });
    await docs.insertMany([{ dept: '69', code: 'A' }, { dept: '01', code: 'A' }]);

    const duplicate = docs.insertOne({ dept: '69', code: 'A' });

    await expect(duplicate).rejects.toMatchObject({ code: 11000, keyPattern: { dept: 1, code: 1 }, keyValue: { dept: '69', code: 'A' } });
    expect(await docs.countDocuments()).toBe(2);
  });

  it('When a unique value is duplicated by insert, update, upsert or findAndModify, then each answers E11000', async () => {
    const docs = freshCollection('unique');
    await docs.createIndex({ email: 1 }, { unique: true });
    await docs.insertMany([{ email: 'a@x.fr' }, { email: 'b@x.fr' }]);

    const viaInsert = docs.insertOne({ email: 'a@x.fr' });
    const viaUpdate = docs.updateOne({ email: 'b@x.fr' }, { $set: { email: 'a@x.fr' } });
    const viaUpsert = docs.updateOne({ email: 'c@x.fr' }, { $set: { email: 'a@x.fr' } }, { upsert: true });
    const viaFindAndModify = docs.findOneAndUpdate({ email: 'b@x.fr' }, { $set: { email: 'a@x.fr' } });

    for (const attempt of [viaInsert, viaUpdate, viaUpsert, viaFindAndModify]) {
      await expect(attempt).rejects.toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'a@x.fr' } });
    }
    expect((await docs.find({}, { projection: { _id: 0 } }).sort({ email: 1 }).toArray()).map((d) => d.email)).toEqual(['a@x.fr', 'b@x.fr']);
  });

  it('When a duplicate _id is inserted, then E11000 names the _id index', async () => {
    const docs = freshCollection('dup_id');
    await docs.insertOne({ _id: 'same' } as Document);

    const again = docs.insertOne({ _id: 'same' } as Document);

    await expect(again).rejects.toMatchObject({ code: 11000, keyValue: { _id: 'same' } });
  });

  it('When an ordered insertMany hits a duplicate, then the documents before it stay and the rest are not inserted; unordered inserts all others', async () => {
    const ordered = freshCollection('ordered');
    const unordered = freshCollection('unordered');
    const docs = (): Document[] => [{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }];

    await expect(ordered.insertMany(docs())).rejects.toMatchObject({ code: 11000 });
    await expect(unordered.insertMany(docs(), { ordered: false })).rejects.toMatchObject({ code: 11000 });

    expect(await ordered.countDocuments()).toBe(2);
    expect(await unordered.countDocuments()).toBe(3);
  });

  it('When a unique index is created over duplicates, then it is refused; a sparse unique index allows several missing values', async () => {
    const dups = freshCollection('dups');
    const sparse = freshCollection('sparse');
    await dups.insertMany([{ k: 1 }, { k: 1 }]);
    await sparse.createIndex({ siren: 1 }, { unique: true, sparse: true });

    const creating = dups.createIndex({ k: 1 }, { unique: true });
    await sparse.insertMany([{ name: 'a' }, { name: 'b' }, { siren: '123' }]);

    await expect(creating).rejects.toMatchObject({ code: 11000 });
    await expect(sparse.insertOne({ siren: '123' })).rejects.toMatchObject({ code: 11000 });
    expect(await sparse.countDocuments()).toBe(3);
  });

  it('When indexes are created, listed and dropped, then listIndexes follows and the dropped constraint no longer applies', async () => {
    const docs = freshCollection('lifecycle');
    await docs.createIndexes([{ key: { a: 1 }, unique: true }, { key: { b: -1, c: 1 }, name: 'b_c' }]);
    const listed = await docs.listIndexes().toArray();

    await docs.dropIndex('a_1');
    await docs.insertMany([{ a: 1 }, { a: 1 }]);
    const after = await docs.listIndexes().toArray();
    const missing = docs.dropIndex('nope');

    expect(listed.map((i) => i.name)).toEqual(['_id_', 'a_1', 'b_c']);
    expect(listed[1]).toMatchObject({ key: { a: 1 }, unique: true });
    expect(after.map((i) => i.name)).toEqual(['_id_', 'b_c']);
    await expect(missing).rejects.toMatchObject({ code: 27 });
  });

  it('When updates change indexed fields, then queries through the index find the new values and no longer the old ones', async () => {
    const docs = freshCollection('reindexed');
    await docs.createIndex({ status: 1, at: -1 });
    await docs.createIndex({ code: 1 }, { unique: true });
    await docs.insertMany(Array.from({ length: 20 }, (_, i) => ({ code: `c${i}`, status: 'draft', at: new Date(Date.UTC(2026, 0, 1 + i)) })));

    await docs.updateOne({ code: 'c3' }, { $set: { status: 'submitted', code: 'c3-bis' } });
    await docs.findOneAndUpdate({ code: 'c7' }, { $set: { status: 'submitted', at: new Date(Date.UTC(2027, 0, 1)) } });
    await docs.updateMany({ status: 'draft', at: { $lt: new Date(Date.UTC(2026, 0, 3)) } }, { $set: { status: 'withdrawn' } });

    const submitted = await docs.find({ status: 'submitted' }, { projection: { _id: 0, code: 1 } }).sort({ at: -1 }).toArray();
    const drafts = await docs.countDocuments({ status: 'draft' });
    const oldCode = await docs.findOne({ code: 'c3' });
    const newCode = await docs.findOne({ code: 'c3-bis' });
    const reused = await docs.insertOne({ code: 'c3', status: 'draft' });

    expect(submitted.map((d) => d.code)).toEqual(['c7', 'c3-bis']);
    expect(drafts).toBe(16);
    expect(oldCode).toBeNull();
    expect(newCode).toMatchObject({ status: 'submitted' });
    expect(reused.acknowledged).toBe(true);
  });

  it('When an equality query targets _id or an indexed field, then explain shows one document examined instead of a scan', async () => {
    const docs = freshCollection('explain');
    await docs.createIndex({ email: 1 }, { unique: true });
    const ids = (await docs.insertMany(Array.from({ length: 300 }, (_, i) => ({ email: `u${i}@x.fr`, age: i })))).insertedIds;

    const byEmail = (await docs.find({ email: 'u150@x.fr' }).explain('executionStats')) as Document;
    const byId = (await docs.find({ _id: ids[42] }).explain('executionStats')) as Document;
    const byAge = (await docs.find({ age: 150 }).explain('executionStats')) as Document;

    expect(byEmail.executionStats.totalDocsExamined).toBe(1);
    expect(byEmail.executionStats.nReturned).toBe(1);
    expect(byId.executionStats.totalDocsExamined).toBe(1);
    expect(byAge.executionStats.totalDocsExamined).toBe(300);
  });
});

describe('sorted pages and counts served by indexes', () => {
  /** The same documents in a collection without any index: what the sort must give, computed the plain way. */
  async function unindexedTwin(docs: Document[]): Promise<Collection<Document>> {
    const twin = freshCollection('twin');
    await twin.insertMany(docs.map((d) => ({ ...d })));
    return twin;
  }

  const stripIds = (docs: Document[]): Document[] => docs.map(({ _id: _ignored, ...rest }) => rest);

  it('When a page is filtered by equalities and sorted by the fields that follow them in an index, then it is in order and only the page is read', async () => {
    const docs = freshCollection('ordered_page');
    await docs.createIndex({ status: 1, dept: 1, updatedAt: -1, ref: -1 });
    const statuses = ['submitted', 'under_review', 'accepted', 'draft'];
    await docs.insertMany(
      Array.from({ length: 400 }, (_, i) => ({ status: statuses[i % 4], dept: ['69', '01', '13'][i % 3], updatedAt: new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % 400) * 3600_000), ref: `TI-2026-${String(i).padStart(5, '0')}` })),
    );
    const filter = { status: { $in: ['submitted', 'under_review', 'accepted'] }, dept: { $in: ['69', '13'] } };

    const page = await docs.find(filter, { projection: { _id: 0 } }).sort({ updatedAt: -1, ref: -1 }).skip(5).limit(10).toArray();
    const explained = (await docs.find(filter).sort({ updatedAt: -1, ref: -1 }).limit(10).explain('executionStats')) as Document;
    const expected = (await docs.find(filter, { projection: { _id: 0 } }).toArray())
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.ref < b.ref ? 1 : -1))
      .slice(5, 15);

    expect(page).toEqual(expected);
    expect(explained.executionStats.nReturned).toBe(10);
    expect(explained.executionStats.totalDocsExamined).toBeLessThanOrEqual(20);
  });

  it('When values of several types are sorted through an index, then the order is the one an unindexed sort gives, both ways', async () => {
    const values = [3, 'abc', null, undefined, new Date('2026-01-02'), 2.5, 'Abc', -1, '', new ObjectId('65a1b2c3d4e5f60718293a4b'), true, { x: 1 }, Long.fromNumber(10)];
    const docs: Document[] = values.map((t, n) => (t === undefined ? { k: n % 2 ? 'a' : 'b', n } : { k: n % 2 ? 'a' : 'b', t, n }));
    const indexed = freshCollection('typed_sort');
    await indexed.createIndex({ k: 1, t: 1, n: 1 });
    await indexed.insertMany(docs.map((d) => ({ ...d })));
    const twin = await unindexedTwin(docs);

    // MongoDB's order: null and missing, numbers, strings (byte-wise), objects, ObjectId, booleans, dates.
    const ascending = [2, 3, 7, 5, 0, 12, 8, 6, 1, 11, 9, 10, 4];

    for (const direction of [1, -1] as const) {
      const viaIndex = await indexed.find({ k: { $in: ['a', 'b'] } }).sort({ t: direction, n: direction }).toArray();
      const plain = await twin.find({ k: { $in: ['a', 'b'] } }).sort({ t: direction, n: direction }).toArray();

      expect(viaIndex.map((d) => d.n)).toEqual(direction === 1 ? ascending : [...ascending].reverse());
      expect(stripIds(plain)).toEqual(stripIds(viaIndex));
    }
  });

  it('When the sort field holds arrays in some documents, then the sort is still the one an unindexed sort gives', async () => {
    const docs: Document[] = [
      { k: 'a', tags: [5, 1], n: 1 },
      { k: 'a', tags: 3, n: 2 },
      { k: 'a', tags: [], n: 3 },
      { k: 'a', tags: [2, 9], n: 4 },
      { k: 'a', n: 5 },
    ];
    const indexed = freshCollection('multikey_sort');
    await indexed.createIndex({ k: 1, tags: 1 });
    await indexed.insertMany(docs.map((d) => ({ ...d })));
    const twin = await unindexedTwin(docs);

    // An array sorts by its smallest value ascending, its largest descending; an empty one below null.
    const expected = { 1: [3, 5, 1, 4, 2], [-1]: [4, 1, 2, 5, 3] };

    for (const direction of [1, -1] as const) {
      const viaIndex = await indexed.find({ k: 'a' }).sort({ tags: direction, n: 1 }).toArray();
      const plain = await twin.find({ k: 'a' }).sort({ tags: direction, n: 1 }).toArray();

      expect(viaIndex.map((d) => d.n)).toEqual(expected[direction]);
      expect(stripIds(plain)).toEqual(stripIds(viaIndex));
    }
  });

  it('When documents are counted with equality filters, then countDocuments and count give the matching number, index or not', async () => {
    const docs = freshCollection('counted');
    await docs.createIndex({ status: 1, dept: 1 });
    await docs.insertMany(Array.from({ length: 300 }, (_, i) => ({ status: ['a', 'b', 'c'][i % 3], dept: String(i % 10), n: i, tags: i % 2 ? ['x', 'y'] : ['x'] })));

    const byIndex = await docs.countDocuments({ status: { $in: ['a', 'b', 'b'] }, dept: '3' });
    const withResidual = await docs.countDocuments({ status: 'a', n: { $lt: 150 } });
    const skippedAndLimited = await docs.countDocuments({ status: 'c' }, { skip: 10, limit: 50 });
    const none = await docs.countDocuments({ status: 'z' });
    const command = await client.db().command({ count: docs.collectionName, query: { status: { $in: ['a', 'c'] } } });
    await docs.createIndex({ tags: 1 });
    const multikey = await docs.countDocuments({ tags: 'x' });

    expect(byIndex).toBe(20);
    expect(withResidual).toBe(50);
    expect(skippedAndLimited).toBe(50);
    expect(none).toBe(0);
    expect(command.n).toBe(200);
    expect(multikey).toBe(300);
  });

  it('When a search box looks for text in several indexed fields, then every match is found whatever the case, accents or special characters', async () => {
    const docs = freshCollection('search');
    await docs.createIndex({ ref: 1 }, { unique: true });
    await docs.createIndex({ 'place.name': 1 });
    await docs.createIndex({ status: 1, at: -1 });
    const names = ['Métropole de Lyon', 'MÉTROPOLE DE NICE', 'Commune de Gex (Ain)', 'Ville de Tours', '100% solidaire_1', 'a\u0000métropole', 'Saint-Étienne Métropole'];
    await docs.insertMany([
      ...names.map((name, i) => ({ ref: `TI-2026-0000${i}`, place: { name }, status: 'open', at: new Date(Date.UTC(2026, 0, 1 + i)) })),
      // Enough others that reading every open or closed one would cost more than reading the indexes' keys.
      ...Array.from({ length: 3000 }, (_, i) => ({ ref: `TI-2025-${String(i).padStart(5, '0')}`, place: { name: `Commune ${i}` }, status: i % 2 ? 'open' : 'closed', at: new Date(Date.UTC(2025, 0, 1) + i * 60_000) })),
      { ref: 'TI-2024-00001', place: { name: ['Métropole en tableau'] }, status: 'open', at: new Date(Date.UTC(2024, 0, 1)) },
    ]);
    const search = (text: string, status = ['open', 'closed']) => {
      const pattern = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      return docs
        .find({ status: { $in: status }, $or: [{ ref: pattern }, { 'place.name': pattern }] }, { projection: { _id: 0, ref: 1 } })
        .sort({ at: -1 })
        .toArray();
    };

    const metropole = await search('métropole');
    const parenthesis = await search('Gex (Ain)');
    const percent = await search('100% solidaire_');
    const byReference = await search('ti-2026-0000');
    const nothing = await search('%');
    const count = await docs.countDocuments({ status: 'open', $or: [{ ref: /étropole/i }, { 'place.name': /étropole/i }] });

    expect(metropole.map((d) => d.ref)).toEqual(['TI-2026-00006', 'TI-2026-00005', 'TI-2026-00001', 'TI-2026-00000', 'TI-2024-00001']);
    expect(parenthesis.map((d) => d.ref)).toEqual(['TI-2026-00002']);
    expect(percent.map((d) => d.ref)).toEqual(['TI-2026-00004']);
    expect(byReference).toHaveLength(7);
    expect(nothing.map((d) => d.ref)).toEqual(['TI-2026-00004']);
    expect(count).toBe(5);
  });

  it('When a range follows an equality in an index, then only the entries in the range are read, of the compared type only', async () => {
    const feed = freshCollection('ranges');
    await feed.createIndex({ conv: 1, seq: 1 }, { unique: true });
    await feed.insertMany(['a', 'b', 'c'].flatMap((conv) => Array.from({ length: 200 }, (_, i) => ({ conv, seq: i + 1 }))));
    await feed.insertMany([{ conv: 'b', seq: 'not a number' }, { conv: 'b', seq: new Date('2026-01-01') }, { conv: 'b', seq: null }]);

    const after = await feed.find({ conv: 'b', seq: { $gt: 190 } }, { projection: { _id: 0, seq: 1 } }).sort({ seq: 1 }).toArray();
    const between = await feed.find({ conv: 'b', seq: { $gte: 10, $lt: 13 } }, { projection: { _id: 0, seq: 1 } }).toArray();
    const last = await feed.find({ conv: 'c', seq: { $lte: 200 } }).sort({ seq: -1 }).limit(1).toArray();
    const counted = await feed.countDocuments({ conv: 'a', seq: { $gt: 50, $lte: 60 } });
    const explained = (await feed.find({ conv: 'b', seq: { $gt: 190 } }).sort({ seq: 1 }).explain('executionStats')) as Document;

    expect(after.map((d) => d.seq)).toEqual([191, 192, 193, 194, 195, 196, 197, 198, 199, 200]);
    expect(between.map((d) => d.seq).sort()).toEqual([10, 11, 12]);
    expect(last[0]?.seq).toBe(200);
    expect(counted).toBe(10);
    expect(explained.executionStats.totalDocsExamined).toBeLessThanOrEqual(10);
  });

  it('When a partial index exists, then queries that state its condition use it and queries that do not still find every document', async () => {
    const docs = freshCollection('partial');
    await docs.createIndex({ status: 1, at: -1 }, { partialFilterExpression: { submittedAt: { $exists: true } } });
    await docs.insertMany(
      Array.from({ length: 60 }, (_, i) => ({ status: i % 2 ? 'open' : 'closed', at: new Date(Date.UTC(2026, 0, 1 + i)), ...(i % 3 === 0 ? {} : { submittedAt: new Date(Date.UTC(2026, 1, 1)) }), n: i })),
    );
    const visible = { status: { $in: ['open', 'closed'] }, submittedAt: { $exists: true } };

    const page = await docs.find(visible).sort({ at: -1 }).limit(5).toArray();
    const total = await docs.countDocuments(visible);
    const all = await docs.countDocuments({ status: { $in: ['open', 'closed'] } });
    const everyOpen = await docs.find({ status: 'open' }).sort({ at: -1 }).toArray();
    const explained = (await docs.find(visible).sort({ at: -1 }).limit(5).explain('executionStats')) as Document;

    expect(page.map((d) => d.n)).toEqual([59, 58, 56, 55, 53]);
    expect(total).toBe(40);
    expect(all).toBe(60);
    expect(everyOpen).toHaveLength(30);
    expect(everyOpen[0]?.n).toBe(59);
    expect(explained.executionStats.totalDocsExamined).toBeLessThanOrEqual(10);
  });
});

describe('collections and databases', () => {
  it('When a collection is created, listed, created again and dropped, then the catalog follows', async () => {
    const db = client.db();
    const name = `catalog_${Date.now()}`;

    await db.createCollection(name);
    const again = db.createCollection(name);
    await expect(again).rejects.toMatchObject({ code: 48 });
    const listed = await db.listCollections({ name }).toArray();
    await db.collection(name).drop();
    const afterDrop = await db.listCollections({ name }, { nameOnly: true }).toArray();

    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ name, type: 'collection' });
    expect(afterDrop).toEqual([]);
  });

  it('When a database is listed and then dropped, then listDatabases shows it and then no longer does', async () => {
    const other = client.db(`${client.db().databaseName}_other`);
    await other.collection('x').insertOne({ a: 1 });

    const before = await client.db().admin().listDatabases();
    await other.dropDatabase();
    const after = await client.db().admin().listDatabases();

    expect(before.databases.map((d) => d.name)).toContain(other.databaseName);
    expect(after.databases.map((d) => d.name)).not.toContain(other.databaseName);
  });
});

describe('concurrency', () => {
  it('When 10 clients each run 50 concurrent $inc on one document, then no increment is lost', async () => {
    const counters = freshCollection('counters');
    await counters.insertOne({ _id: 'c', n: 0 } as Document);
    const clients = await Promise.all(Array.from({ length: 10 }, () => MongoClient.connect(database.uri, { maxPoolSize: 10 })));

    try {
      await Promise.all(
        clients.map((c) =>
          Promise.all(
            Array.from({ length: 50 }, () => c.db().collection(counters.collectionName).updateOne({ _id: 'c' } as Document, { $inc: { n: 1 } })),
          ),
        ),
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }

    expect((await counters.findOne({ _id: 'c' } as Document))?.n).toBe(500);
  });

  it('When 100 concurrent findOneAndUpdate take a ticket, then every caller gets a different number', async () => {
    const tickets = freshCollection('tickets');
    await tickets.insertOne({ _id: 'seq', last: 0 } as Document);

    const taken = await Promise.all(
      Array.from({ length: 100 }, () => tickets.findOneAndUpdate({ _id: 'seq' } as Document, { $inc: { last: 1 } }, { returnDocument: 'after' })),
    );

    expect(taken.map((t) => t?.last).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});
