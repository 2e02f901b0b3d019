// A port of botbuilder's storage conformance cases (botbuilder-core's storageBaseTests) to MongoStorage.
import { ConversationState, TestAdapter, type StoreItems } from 'botbuilder';
import { DialogSet, TextPrompt, WaterfallDialog, type DialogState } from 'botbuilder-dialogs';
import mongoose, { type Connection } from 'mongoose';
import { MongoStorage, StorageConflictError } from '../../bot/mongoStorage';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';

let testDatabase: TestDatabase;
let connection: Connection;
let storage: MongoStorage;
let collectionCounter = 0;

beforeAll(async () => {
  testDatabase = await startTestDatabase();
  connection = await mongoose.createConnection(testDatabase.uri).asPromise();
});

beforeEach(() => {
  collectionCounter += 1;
  storage = new MongoStorage(connection, `botstate_${collectionCounter}`);
});

afterAll(async () => {
  await connection.close();
  await testDatabase.close();
});

describe('MongoStorage, botbuilder storage conformance', () => {
  test('When reading an unknown key, then the result is an empty object', async () => {
    const items = await storage.read(['unknown']);

    expect(items).toEqual({});
  });

  test('When reading or writing with null keys, then a ReferenceError is thrown', async () => {
    await expect(storage.read(null as unknown as string[])).rejects.toThrow(ReferenceError);
    await expect(storage.write(null as unknown as StoreItems)).rejects.toThrow(ReferenceError);
  });

  test('When writing no items, then nothing is thrown', async () => {
    await expect(storage.write({})).resolves.toBeUndefined();
  });

  test('When objects are created, then they read back equal with a fresh eTag', async () => {
    await storage.write({
      createPoco: { id: 1, nested: { list: [1, 'deux', null], flag: true } },
      createPocoStoreItem: { id: 2, eTag: '*' },
    });

    const items = await storage.read(['createPoco', 'createPocoStoreItem']);

    expect(items.createPoco).toMatchObject({ id: 1, nested: { list: [1, 'deux', null], flag: true } });
    expect(items.createPocoStoreItem.id).toBe(2);
    expect(items.createPocoStoreItem.eTag).toEqual(expect.any(String));
    expect(items.createPocoStoreItem.eTag).not.toBe('*');
  });

  test('When a key is full of special characters, then it is stored and read back', async () => {
    const key = '!@#$%^&*()_+??><":QASD~`!@#$%^&*()_+??><":QASD~`.$/\\%2F';
    await storage.write({ [key]: { id: 1 } });

    const items = await storage.read([key]);

    expect(items[key]?.id).toBe(1);
  });

  test('When an item holds field names with $ and dots, then it round-trips unchanged', async () => {
    const item = { $instance: { 'a.b': 1 }, 'dotted.key': { $type: 'x' } };
    await storage.write({ odd: item });

    const items = await storage.read(['odd']);

    expect(items.odd).toMatchObject(item);
  });

  test('When objects are updated with their current eTag, then the write succeeds and the eTag changes', async () => {
    await storage.write({ pocoItem: { id: 1, count: 1 }, pocoStoreItem: { id: 1, count: 1 } });
    const loaded = await storage.read(['pocoItem', 'pocoStoreItem']);
    const firstETag = loaded.pocoStoreItem.eTag;

    loaded.pocoItem.count += 1;
    loaded.pocoStoreItem.count += 1;
    await storage.write(loaded);
    const reloaded = await storage.read(['pocoItem', 'pocoStoreItem']);

    expect(reloaded.pocoItem.count).toBe(2);
    expect(reloaded.pocoStoreItem.count).toBe(2);
    expect(reloaded.pocoStoreItem.eTag).not.toBe(firstETag);
  });

  test('When an object is written with a stale eTag, then the write is rejected and the stored value is kept', async () => {
    await storage.write({ pocoStoreItem: { id: 1, count: 1 } });
    const stale = await storage.read(['pocoStoreItem']);
    const fresh = { ...stale.pocoStoreItem, count: 2 };
    await storage.write({ pocoStoreItem: fresh });

    await expect(storage.write({ pocoStoreItem: { ...stale.pocoStoreItem, count: 99 } })).rejects.toThrow(StorageConflictError);

    const items = await storage.read(['pocoStoreItem']);
    expect(items.pocoStoreItem.count).toBe(2);
  });

  test('When an object is written with eTag "*" or no eTag, then it overwrites whatever is stored', async () => {
    await storage.write({ item: { count: 1 } });

    await storage.write({ item: { count: 10, eTag: '*' } });
    const afterWildcard = await storage.read(['item']);
    await storage.write({ item: { count: 20 } });
    const afterMissing = await storage.read(['item']);

    expect(afterWildcard.item.count).toBe(10);
    expect(afterMissing.item.count).toBe(20);
  });

  test('When a new key is written with some eTag, then it is created, as MemoryStorage does', async () => {
    await storage.write({ brandNew: { value: 'a', eTag: 'any-etag' } });

    const items = await storage.read(['brandNew']);

    expect(items.brandNew.value).toBe('a');
    expect(items.brandNew.eTag).not.toBe('any-etag');
  });

  test('When two writers race with the same eTag, then exactly one wins', async () => {
    await storage.write({ raced: { value: 0 } });
    const { raced } = await storage.read(['raced']);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) => storage.write({ raced: { ...raced, value: index + 1 } })),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(7);
  });

  test('When an object is deleted, then reading it returns nothing', async () => {
    await storage.write({ delete1: { id: 1, count: 1 } });

    await storage.delete(['delete1']);
    const items = await storage.read(['delete1']);

    expect(items).toEqual({});
  });

  test('When an unknown object is deleted, then nothing happens', async () => {
    await expect(storage.delete(['unknown_key'])).resolves.toBeUndefined();
  });

  test('When batches are written, read and deleted, then each operation covers every key', async () => {
    await storage.write({ batch1: { count: 10 }, batch2: { count: 20 }, batch3: { count: 30 } });
    const all = await storage.read(['batch1', 'batch2', 'batch3']);

    await storage.delete(['batch1', 'batch2']);
    const left = await storage.read(['batch1', 'batch2', 'batch3']);

    expect(Object.keys(all).sort()).toEqual(['batch1', 'batch2', 'batch3']);
    expect(all.batch2.count).toBe(20);
    expect(Object.keys(left)).toEqual(['batch3']);
  });

  test('When a read item is changed in memory, then the stored value is unaffected', async () => {
    await storage.write({ cloned: { list: [1] } });
    const first = await storage.read(['cloned']);

    first.cloned.list.push(2);
    const second = await storage.read(['cloned']);

    expect(second.cloned.list).toEqual([1]);
  });

  test('When a waterfall dialog runs over several turns, then its state persists between them', async () => {
    const conversationState = new ConversationState(storage);
    const dialogState = conversationState.createProperty<DialogState>('dialogState');
    const dialogs = new DialogSet(dialogState);
    dialogs.add(new TextPrompt('textPrompt'));
    dialogs.add(
      new WaterfallDialog('waterfall', [
        async (step) => step.prompt('textPrompt', 'Première question ?'),
        async (step) => {
          await step.context.sendActivity(`Reçu : ${String(step.result)}`);
          return step.prompt('textPrompt', 'Deuxième question ?');
        },
        async (step) => {
          await step.context.sendActivity(`Reçu : ${String(step.result)}`);
          return step.endDialog();
        },
      ]),
    );
    const adapter = new TestAdapter(async (context) => {
      const dialogContext = await dialogs.createContext(context);
      const result = await dialogContext.continueDialog();
      if (result.status === 'empty') await dialogContext.beginDialog('waterfall');
      await conversationState.saveChanges(context);
    });

    await adapter
      .send('bonjour')
      .assertReply('Première question ?')
      .send('un')
      .assertReply('Reçu : un')
      .assertReply('Deuxième question ?')
      .send('deux')
      .assertReply('Reçu : deux')
      .startTest();
  });
});
