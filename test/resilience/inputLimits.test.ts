// Issue 15, F13: a free-text answer's length is checked on its stored (NFC) form, and an answer too
// long once normalised is refused with its own reason, never as « déposé depuis une autre fenêtre ».
import { TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';
import { FIRST_HALF, WidgetUser } from './resilienceSupport';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

describe('Free text and NFC (F13)', () => {
  test('When an answer fits the cap as typed but not once normalised (NFC), then the bot says it is too long, with the stored length, and the draft is unchanged', async () => {
    const widget = await WidgetUser.arrive(app.url);
    await widget.start();
    await widget.play(FIRST_HALF.slice(0, 6));
    // U+0958 (DEVANAGARI LETTER QA) is excluded from composition: NFC writes it as two code units.
    const answer = '\u0958'.repeat(150);
    expect(answer.normalize('NFC')).toHaveLength(300);

    const replies = (await widget.say(answer)).map((reply) => reply.text ?? '').join('\n');
    const draft = await app.database.connection.collection('dossiers').findOne({ 'owner.channel': 'webchat' }, { sort: { _id: -1 } });

    expect(replies).toContain('Votre réponse est trop longue (300 caractères, 200 au plus)');
    expect(replies).not.toContain('autre fenêtre');
    expect(replies).not.toContain('n’a pas pu être enregistrée');
    expect((draft?.contact as { role?: string } | undefined)?.role).toBeUndefined();
    expect(replies).toContain('fonction');
  });
});

describe('A commitment’s detail', () => {
  test('When the detail of a commitment is longer than the dossier keeps (600 characters, 500 at most), then the bot says it is too long and asks again', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['je voudrais préparer une candidature', ['J’ai ouvert le dossier TI-', 'Quel est le nom']],
      ['Commune de Fécamp', 'département'],
      ['76', 'SIREN'],
      ['passer', 'habitants'],
      ['19 000', 'personne à contacter'],
      ['Claire Lefebvre', 'fonction'],
      ['adjointe au maire chargée des solidarités', 'adresse électronique'],
      ['claire.lefebvre@fecamp.fr', 'téléphone'],
      ['passer', 'stratégie d’ensemble'],
      ['des actions ciblées, sur la garde d’enfants et la mobilité', 'diagnostic'],
      ['aucun', 'Quel engagement'],
      ['on met un agent à disposition', 'personnel'],
    ]);

    const replies = (await official.say(`une travailleuse sociale à mi-temps ${'x'.repeat(564)}`)).map((reply) => reply.text).join('\n');

    expect(replies).toContain('Votre réponse est trop longue (600 caractères, 500 au plus)');
    expect(replies).not.toContain('n’a pas pu être enregistrée');
    expect(replies).toContain('personnel');
  });
});

describe('Deeply nested activities (F12)', () => {
  /** About 10 kB of nested objects: `{"a":{"a":…}}`. */
  function nested(depth: number): Record<string, unknown> {
    let value: Record<string, unknown> = { end: true };
    for (let i = 0; i < depth; i += 1) value = { a: value };
    return value;
  }

  test('When a widget client posts a 10 kB activity nested thousands of levels deep, then the answer is a French 400, never a 500, and the service goes on', async () => {
    const widget = await WidgetUser.arrive(app.url);
    await widget.start();
    const deep = nested(1800);
    expect(JSON.stringify(deep).length).toBeGreaterThan(9000);

    const answers = [];
    for (const body of [
      { type: 'message', text: 'bonjour', channelData: deep },
      { type: 'message', value: deep },
      { type: 'event', name: 'x', value: { list: [deep] } },
    ]) {
      const response = await fetch(`${app.url}/v3/directline/conversations/${widget.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${widget.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      answers.push({ status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } });
    }
    const after = (await widget.say('aide')).map((reply) => reply.text ?? '').join('\n');

    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('VALIDATION_FAILED');
    }
    expect(after.length).toBeGreaterThan(0);
  });
});
