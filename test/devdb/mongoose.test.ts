// Contract suite through mongoose: runs on devdb, or on a real MongoDB when MONGODB_URI is set.
import mongoose, { Schema, Types, type Connection } from 'mongoose';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';

let database: TestDatabase;
let connection: Connection;

const CollectivitySchema = new Schema(
  {
    name: { type: String, required: true },
    siren: { type: String, unique: true, sparse: true },
    email: { type: String, required: true, unique: true },
    departement: String,
    population: Number,
    budget: Schema.Types.Decimal128,
    tags: [String],
    contacts: [{ name: String, role: String }],
    extra: Schema.Types.Mixed,
  },
  { timestamps: true },
);
CollectivitySchema.index({ departement: 1, name: 1 });

const ActionSchema = new Schema({
  title: String,
  collectivity: { type: Schema.Types.ObjectId, ref: 'Collectivity' },
});

function buildModels(conn: Connection) {
  return {
    Collectivity: conn.model('Collectivity', CollectivitySchema),
    Action: conn.model('Action', ActionSchema),
  };
}
let models: ReturnType<typeof buildModels>;

let counter = 0;
const buildCollectivity = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  counter += 1;
  return { name: `Commune ${counter}`, email: `mairie${counter}@example.fr`, departement: '69', population: 1000 * counter, ...overrides };
};

beforeAll(async () => {
  database = await startTestDatabase();
  connection = await mongoose.createConnection(database.uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  models = buildModels(connection);
  await Promise.all(Object.values(models).map((m) => m.init()));
});

afterAll(async () => {
  await connection?.close();
  await database?.close();
});

describe('mongoose models', () => {
  it('When a model initialises, then its collection exists with the schema indexes', async () => {
    const { Collectivity } = models;

    const indexes = await Collectivity.listIndexes();

    expect(indexes.map((i) => i.name).sort()).toEqual(['_id_', 'departement_1_name_1', 'email_1', 'siren_1']);
    expect(indexes.find((i) => i.name === 'email_1')).toMatchObject({ unique: true });
  });

  it('When a document is created, read, saved and deleted, then each step sees the previous one', async () => {
    const { Collectivity } = models;

    const created = await Collectivity.create(buildCollectivity({ budget: '12345.67', tags: ['ctai'], extra: { any: ['thing', 1] } }));
    const found = await Collectivity.findById(created._id);
    found!.population = 42;
    found!.contacts.push({ name: 'Mme Maire', role: 'maire' });
    await found!.save();
    const reread = await Collectivity.findOne({ email: created.email }).lean();
    await Collectivity.deleteOne({ _id: created._id });

    expect(reread).toMatchObject({ name: created.name, population: 42, tags: ['ctai'], extra: { any: ['thing', 1] } });
    expect(reread?.contacts).toHaveLength(1);
    expect(String(reread?.budget)).toBe('12345.67');
    expect(reread?.createdAt).toBeInstanceOf(Date);
    expect(reread?.updatedAt.getTime()).toBeGreaterThanOrEqual(reread!.createdAt.getTime());
    expect(await Collectivity.exists({ _id: created._id })).toBeNull();
  });

  it('When querying with filters, sort, pagination and counts, then mongoose gets the expected page', async () => {
    const { Collectivity } = models;
    const departement = `d${Date.now()}`;
    await Collectivity.insertMany([1, 2, 3, 4, 5].map((p) => buildCollectivity({ departement, population: p })));

    const page = await Collectivity.find({ departement, population: { $gte: 2 } })
      .sort({ population: -1 })
      .skip(1)
      .limit(2)
      .select('population -_id')
      .lean();
    const total = await Collectivity.countDocuments({ departement });
    const estimated = await Collectivity.estimatedDocumentCount();

    expect(page).toEqual([{ population: 4 }, { population: 3 }]);
    expect(total).toBe(5);
    expect(estimated).toBeGreaterThanOrEqual(5);
  });

  it('When populating a reference, then the referenced document is joined', async () => {
    const { Collectivity, Action } = models;
    const owner = await Collectivity.create(buildCollectivity());
    await Action.create({ title: 'Cours de français', collectivity: owner._id });

    const action = await Action.findOne({ collectivity: owner._id }).populate('collectivity').lean();

    expect(action?.collectivity).toMatchObject({ _id: owner._id, name: owner.name });
  });

  it('When findOneAndUpdate upserts and updates, then it returns the new document with its ObjectId', async () => {
    const { Collectivity } = models;
    const email = `upsert${Date.now()}@example.fr`;

    const inserted = await Collectivity.findOneAndUpdate({ email }, { $set: { name: 'Nouvelle' }, $setOnInsert: { departement: '01' } }, { upsert: true, returnDocument: 'after' });
    const updated = await Collectivity.findOneAndUpdate({ email }, { $inc: { population: 10 } }, { returnDocument: 'after' });

    expect(inserted?._id).toBeInstanceOf(Types.ObjectId);
    expect(updated).toMatchObject({ email, name: 'Nouvelle', departement: '01', population: 10 });
  });
});

describe('mongoose duplicate keys', () => {
  it('When create repeats a unique email, then mongoose rejects with MongoServerError 11000 and the key', async () => {
    const { Collectivity } = models;
    const first = await Collectivity.create(buildCollectivity());

    const duplicate = Collectivity.create(buildCollectivity({ email: first.email }));

    await expect(duplicate).rejects.toMatchObject({ name: 'MongoServerError', code: 11000, keyPattern: { email: 1 }, keyValue: { email: first.email } });
  });

  it('When updateOne, an upsert or findOneAndUpdate would repeat a unique email, then each is rejected with 11000', async () => {
    const { Collectivity } = models;
    const a = await Collectivity.create(buildCollectivity());
    const b = await Collectivity.create(buildCollectivity());

    const viaUpdate = Collectivity.updateOne({ _id: b._id }, { $set: { email: a.email } });
    const viaUpsert = Collectivity.updateOne({ email: 'absent@example.fr' }, { $set: { email: a.email, name: 'x' } }, { upsert: true });
    const viaFindAndModify = Collectivity.findOneAndUpdate({ _id: b._id }, { email: a.email });
    const viaSave = (async () => {
      const doc = await Collectivity.findById(b._id);
      doc!.email = a.email;
      await doc!.save();
    })();

    for (const attempt of [viaUpdate, viaUpsert, viaFindAndModify, viaSave]) {
      await expect(attempt).rejects.toMatchObject({ code: 11000, keyValue: { email: a.email } });
    }
    expect((await Collectivity.findById(b._id).lean())?.email).toBe(b.email);
  });

  it('When insertMany repeats a unique email, then the bulk error carries code 11000', async () => {
    const { Collectivity } = models;
    const email = `bulk${Date.now()}@example.fr`;

    const attempt = Collectivity.insertMany([buildCollectivity({ email }), buildCollectivity({ email })]);

    await expect(attempt).rejects.toMatchObject({ code: 11000 });
    expect(await Collectivity.countDocuments({ email })).toBe(1);
  });

  it('When syncIndexes runs after an index left the schema, then the stale index is dropped', async () => {
    const Stale = connection.model('Stale', new Schema({ a: String, b: String }));
    await Stale.init();
    await Stale.collection.createIndex({ b: 1 });

    const dropped = await Stale.syncIndexes();
    const names = (await Stale.listIndexes()).map((i) => i.name);

    expect(dropped).toEqual(['b_1']);
    expect(names).toEqual(['_id_']);
  });
});

describe('mongoose connection', () => {
  it('When an unknown command is sent through the mongoose connection, then it fails with CommandNotFound', async () => {
    const attempt = connection.db!.command({ notARealCommand: 1 });

    await expect(attempt).rejects.toMatchObject({ code: 59 });
  });
});
