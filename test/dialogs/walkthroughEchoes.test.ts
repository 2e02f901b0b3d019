// The lead's hand walkthrough (polish): a selection typed in a sentence is echoed before the next question, an
// acknowledgement of the prefecture's request for corrections is acknowledged, never refused as off-topic; through
// the real bot, dialogs and Bot Framework adapter over HTTP.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_FIELDS: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Louviers', 'Dans quel département'],
  ['27', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
  ['Claire Lefebvre', 'fonction'],
  ['chargée de mission cohésion sociale', 'adresse'],
  ['claire.lefebvre@louviers.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
];

const TO_PUBLIC: Exchange[] = [
  ...TO_FIELDS,
  ['emploi et mobilité', 'engagement'],
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
  ['Ateliers de français', 'champ'],
  ['emploi', 'Décrivez'],
  ['Des ateliers de français à visée professionnelle.', 'public'],
];

/** The replies of one turn, after the echo line and before the next question. */
function echoLine(text: string): string | undefined {
  return text.split('\n---\n').find((reply) => reply.startsWith('C’est noté'));
}

describe('A selection typed in a sentence is echoed before the next question', () => {
  test('When the fields question gets « surtout l’emploi et la mobilité, et aussi la garde d’enfant », then the bot says what it ticked in one line, then asks the commitments', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_FIELDS);

    const text = await replies(official, 'surtout l’emploi et la mobilité, et aussi la garde d’enfant');

    expect(echoLine(text)).toBe('C’est noté : Accès à l’emploi, Mobilité, Garde d’enfants.');
    expect(text.indexOf('C’est noté')).toBeLessThan(text.indexOf('engagement'));
    expect((await draftOf(app, official)).fields).toEqual(['employment', 'mobility', 'childcare']);
  });

  test('When the fields are ticked on the card and validated, then nothing is echoed: the official saw their own ticks', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_FIELDS);

    const text = (await official.say({ value: { card: 'multiSelect', selection: 'employment,mobility' } })).map((reply) => reply.text).join('\n---\n');

    expect(text).toContain('engagement');
    expect(echoLine(text)).toBeUndefined();
    expect((await draftOf(app, official)).fields).toEqual(['employment', 'mobility']);
  });

  test('When the commitments question gets « on fera du cofinancement et on prête une salle », then both are echoed before the amount question', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_FIELDS, ['emploi et mobilité', 'engagement']]);

    const text = await replies(official, 'on fera du cofinancement et on prête une salle');

    expect(echoLine(text)).toBe('C’est noté : Cofinancement, Prêt d’une salle.');
    expect(text.indexOf('C’est noté')).toBeLessThan(text.lastIndexOf('?'));
  });

  test('When the public question gets « les deux », then both publics are echoed before the beneficiaries question', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_PUBLIC);

    const text = await replies(official, 'les deux');

    expect(echoLine(text)).toBe('C’est noté : Étrangers primo-arrivants et Bénéficiaires de la protection internationale (BPI).');
    expect(text).toContain('Combien');
  });

  test('When a single value is typed (the action’s field), then nothing is echoed', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_PUBLIC.slice(0, -2)]);

    const text = await replies(official, 'emploi');

    expect(text).toContain('Décrivez');
    expect(echoLine(text)).toBeUndefined();
  });
});

/** Two actions, then submitted, then sent back by the prefecture for the actions. */
async function sentBackForCorrections(official: TestConversation): Promise<void> {
  await official.play([
    ...TO_PUBLIC,
    ['primo-arrivants', 'Combien'],
    ['12', 'coût'],
    ['8 000', 'financement'],
    ['3 000', 'porte'],
    ['La commune', 'ajouter une autre action'],
    ['non', 'D’autres financeurs participent-ils au projet'],
    ['non', 'Que souhaitez-vous faire'],
    ['Déposer le dossier', 'Confirmez-vous'],
    ['Oui, déposer', 'a été déposé'],
  ]);
  const [submitted] = (await app.repository.list({ page: 1, limit: 50, q: 'Commune de Louviers' })).items.filter((dossier) => dossier.owner?.userId === official.userId);
  if (!submitted) throw new Error('Not submitted');
  const staff = { role: 'instructeur' as const, id: 'staff-1', name: 'Instructeur' };
  const underReview = await app.repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: staff });
  if (!underReview.ok) throw new Error(JSON.stringify(underReview.error));
  const sentBack = await app.repository.transition(submitted.reference, underReview.value.version, { to: 'changes_requested', by: staff, sections: ['actions'], reason: 'Revoyez les bénéficiaires des ateliers.' });
  if (!sentBack.ok) throw new Error(JSON.stringify(sentBack.error));
}

describe('An acknowledgement of the prefecture’s request for corrections', () => {
  test.each(['ok je regarde ça', 'd’accord', 'merci', 'je m’en occupe', 'entendu', 'merci, c’est clair'])(
    'When the dossier awaits corrections and the official writes « %s », then a short acknowledgement reminds « reprendre », never the off-topic refusal nor the menu, and « reprendre » then opens the corrections',
    async (said) => {
      const official = new TestConversation(app.url);
      await sentBackForCorrections(official);
      const later = new TestConversation(app.url, official.userId);
      await later.play([['où en est mon dossier ?', 'Écrivez « reprendre » pour les faire']]);

      const text = await replies(later, said);

      expect(text).toBe('Très bien. Écrivez « reprendre » quand vous voulez faire les corrections demandées.');
      await later.play([['reprendre', 'La préfecture demande des corrections']]);
    },
    60_000,
  );

  test('When the dossier awaits corrections and the official asks about the weather, then the off-topic refusal still comes', async () => {
    const official = new TestConversation(app.url);
    await sentBackForCorrections(official);
    const later = new TestConversation(app.url, official.userId);

    const text = await replies(later, 'quel temps fera-t-il demain à Rouen ?');

    expect(text).toContain('Je ne peux pas vous renseigner');
  }, 60_000);
});
