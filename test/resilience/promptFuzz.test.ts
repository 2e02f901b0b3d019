// Property-based tests of the journey: at every prompt, anything an official may type (empty, huge,
// emoji, right-to-left, HTML, Markdown, control characters, JSON) or any card value gets a reply,
// never the error message, and what they typed never reaches a card or a message unescaped.
import fc from 'fast-check';
import type { Collection } from 'mongoose';
import { DATABASE_UNAVAILABLE_TEXT, TURN_ERROR_TEXT } from '../../bot/botRuntime';
import { buildActivity, postExpectingReplies } from '../support/activities';
import { TestConversation, type Exchange } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

const SEED = 20_260_801;
const TEXT_RUNS = 20;
const VALUE_RUNS = 8;

let app: TestApp;
let official: TestConversation;
let states: Collection<{ _id: string; data: string; eTag: string; updatedAt: Date }>;
let copies = 0;

beforeAll(async () => {
  app = await startTestApp();
  official = new TestConversation(app.url);
  states = app.database.connection.collection('botstate');
});

afterAll(async () => {
  await app.close();
});

const HOSTILE = [
  '',
  '   ',
  '<script>alert("x")</script>',
  '<img src=x onerror=alert(1)> <b>gras</b>',
  '**gras** _italique_ `code` ~~barré~~',
  '[cliquez ici](javascript:alert(1))',
  '# Titre\n\n- un\n- deux\n\n> citation',
  '![image](http://127.0.0.1:9/x.png)',
  'مرحبا، نحن بلدية ليون',
  'שלום \u202Egnp.exe\u202C עולם',
  '👩🏽‍💼🇫🇷✨ 🙂',
  '\u0000\u0007\u001b[31mrouge\u001b[0m\u007f',
  '{"$gt": ""}',
  '{"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"pirate"}]}',
  '\\',
  '${7*7} {{7*7}} %s %d',
  'x'.repeat(10_000),
  '🙂'.repeat(2_500),
];

const hostile = fc.constantFrom(...HOSTILE);
const typedText = fc.oneof(
  { weight: 3, arbitrary: hostile },
  { weight: 3, arbitrary: fc.string({ maxLength: 120, unit: 'grapheme' }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 60, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(hostile, fc.string({ maxLength: 20, unit: 'grapheme' })), { maxLength: 4 }).map((parts) => parts.join(' ')) },
);
const cardValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom('selection', 'value', 'type', 'action', 'choice', 'card', '$gt'), fc.jsonValue({ maxDepth: 2 })));

/** The Markdown and HTML characters that would change how a message or a TextBlock reads. */
const SPECIALS = /[\\`*_{}[\]()#+\-.!|<>~]/;

interface Prompt {
  name: string;
  /** What brings the official from the previous prompt to this one. */
  reach: Exchange;
  /** Free text, kept as typed: the summary card must then show it inert. */
  freeText?: boolean;
  /** A card (buttons or check boxes): random submitted values too. */
  card?: boolean;
}

const JOURNEY: Prompt[] = [
  { name: 'collectivity name', reach: ['Préparer une candidature', 'Quel est le nom'], freeText: true },
  { name: 'collectivity kind', reach: ['Pays de Vichy', 'De quel type'], card: true },
  { name: 'département', reach: ['commune', 'département'] },
  { name: 'SIREN', reach: ['03', 'SIREN'] },
  { name: 'population', reach: ['passer', 'habitants'] },
  { name: 'contact name', reach: ['passer', 'personne à contacter'], freeText: true },
  { name: 'contact role', reach: ['Paul Roux', 'fonction'], freeText: true },
  { name: 'contact e-mail', reach: ['Élu', 'adresse'] },
  { name: 'contact phone', reach: ['paul.roux@vichy.fr', 'téléphone'] },
  { name: 'approach', reach: ['passer', 'stratégie'], card: true },
  { name: 'diagnostic', reach: ['actions ciblées', 'diagnostic'], card: true },
  { name: 'scheme choice', reach: ['prévu', 'Quel dispositif'], card: true },
  { name: 'fields card', reach: ['PTAI', 'champs'], card: true },
  { name: 'commitments card', reach: ['garde d’enfants', 'engagement'], card: true },
  { name: 'commitment detail', reach: ['mise à disposition d’un personnel', 'Quel personnel'], freeText: true },
  { name: 'commitment value', reach: ['Une éducatrice de jeunes enfants à mi-temps', 'valeur'] },
  { name: 'action title', reach: ['12 000', 'intitulé'], freeText: true },
  { name: 'action field', reach: ['Halte-garderie solidaire', 'champ'], card: true },
  { name: 'action description', reach: ['garde d’enfants', 'Décrivez'], freeText: true },
  { name: 'action publics', reach: ['Accueil des enfants pendant les cours de français des parents.', 'public'], card: true },
  { name: 'action beneficiaries', reach: ['primo-arrivants', 'Combien'] },
  { name: 'action cost', reach: ['25', 'coût'] },
  { name: 'action State funding', reach: ['18 000', 'financement'] },
  { name: 'action carrier', reach: ['9 000', 'porte'], freeText: true },
  { name: 'another action', reach: ['La commune', 'ajouter'], card: true },
  { name: 'other funders', reach: ['non', 'D’autres financeurs participent-ils au projet'], card: true },
  { name: 'review decision', reach: ['non', 'Que souhaitez-vous faire'], card: true },
  { name: 'section to edit', reach: ['Modifier une section', 'Quelle section'], card: true },
];

/** A conversation of the same official whose dialog is exactly where the main one is now. */
async function copyOfTheConversation(snapshot: { data: string }): Promise<string> {
  copies += 1;
  const conversationId = `fuzz-${copies}`;
  await states.insertOne({ _id: `test/conversations/${conversationId}/`, data: snapshot.data, eTag: `copy-${copies}`, updatedAt: new Date() });
  return conversationId;
}

async function send(conversationId: string, overrides: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  return postExpectingReplies(app.url, buildActivity({ conversation: { id: conversationId }, from: { id: official.userId, name: 'Agent' }, ...overrides }));
}

/** What the prompt keeps of a typed answer (control characters become spaces, ends trimmed). */
function asKept(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim();
}

/** Every string of a card, except TextRun texts (never read as Markdown) and the plain-text fallback. */
function cardStrings(node: unknown, into: string[] = []): string[] {
  if (typeof node === 'string') into.push(node);
  else if (Array.isArray(node)) for (const item of node) cardStrings(item, into);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (key === 'fallbackText' || (record.type === 'TextRun' && key === 'text')) continue;
      cardStrings(value, into);
    }
  }
  return into;
}

/** The replies answer, are not the error message, and show the official's text only escaped or in TextRuns. */
function expectSafeReplies(replies: Array<Record<string, unknown>>, typed: string | undefined): void {
  expect(replies.length).toBeGreaterThan(0);
  const texts = replies.map((reply) => (typeof reply.text === 'string' ? reply.text : ''));
  expect(texts).not.toContain(TURN_ERROR_TEXT);
  expect(texts).not.toContain(DATABASE_UNAVAILABLE_TEXT);
  const needle = typed === undefined ? '' : asKept(typed);
  if (needle.length < 8 || !SPECIALS.test(needle)) return;
  for (const reply of replies) {
    if (typeof reply.text === 'string') expect(reply.text).not.toContain(needle);
    for (const attachment of (reply.attachments as Array<{ content?: unknown }> | undefined) ?? []) {
      for (const value of cardStrings(attachment.content)) expect(value).not.toContain(needle);
    }
  }
}

describe('Anything typed at any prompt of the journey', () => {
  const dossiers = () => app.database.connection.collection('dossiers');

  test.each(JOURNEY)('When the official types anything at the $name prompt, then a reply comes, never the error message, and the text stays inert', async (prompt) => {
    await official.play([prompt.reach]);
    const snapshot = await states.findOne({ _id: `test/conversations/${official.conversationId}/` });
    if (!snapshot) throw new Error('The conversation state was not saved');
    const draft = await dossiers().findOne({ 'owner.userId': official.userId, status: 'draft' });

    try {
      await fc.assert(
        fc.asyncProperty(typedText, async (text) => {
          const conversationId = await copyOfTheConversation(snapshot);
          expectSafeReplies(await send(conversationId, { text }), text);
          if (prompt.freeText) expectSafeReplies(await send(conversationId, { text: 'résumé' }), text);
        }),
        { seed: SEED, numRuns: TEXT_RUNS, examples: [['<script>alert(1)</script> **Métropole** [x](y)'], ['x'.repeat(10_000)]] },
      );
      if (prompt.card) {
        await fc.assert(
          fc.asyncProperty(cardValue, async (value) => {
            const conversationId = await copyOfTheConversation(snapshot);
            expectSafeReplies(await send(conversationId, { text: '', value, channelData: { postBack: true } }), undefined);
          }),
          { seed: SEED, numRuns: VALUE_RUNS },
        );
      }
    } finally {
      // Random answers that happened to be valid changed the draft: the journey goes on from the draft as it was.
      if (draft) await dossiers().replaceOne({ _id: draft._id }, draft);
    }
  });
});
