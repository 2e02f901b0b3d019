// Walkthrough of 2026-12-03, majors 2, 7, 8, 9, 10: commands, section buttons and the reply to the prefecture,
// through the real bot, dialogs and Bot Framework adapter over HTTP, checked in the saved dossier.
import { type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_COMMITMENTS: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Riom', 'Dans quel département'],
  ['63', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
  ['Inès Bernard', 'fonction'],
  ['Directrice de la cohésion sociale', 'adresse'],
  ['ines.bernard@riom.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi', 'engagement'],
];

const TO_REVIEW: Exchange[] = [
  ...TO_COMMITMENTS,
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
  ['Job dating', 'champ'],
  ['emploi', 'Décrivez'],
  ['Une rencontre avec les employeurs locaux.', 'public'],
  ['BPI', 'Combien'],
  ['30', 'coût'],
  ['8 000', 'financement'],
  ['3 000', 'porte'],
  ['La commune', 'ajouter'],
  ['non', 'D’autres financeurs participent-ils au projet'],
  ['non', 'Votre dossier est complet'],
];

describe('Major 7: each button of « Modifier une section » opens its own section', () => {
  test.each([
    ['Collectivité', 'Quel est le nom de votre collectivité'],
    ['Contact', 'Qui est la personne à contacter'],
    ['Dispositif', 'stratégie'],
    ['Champs d’intervention', 'champs'],
    ['Engagements de la collectivité', 'engagement'],
    ['Actions', 'action'],
  ])('When « %s » is clicked, then that section opens', async (button, expected) => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW, ['Modifier une section', 'Quelle section souhaitez-vous modifier']]);
    const text = await replies(official, button);
    expect(text).toContain(expected);
    if (button !== 'Collectivité') expect(text).not.toContain('Quel est le nom de votre collectivité');
  });
});

describe('Major 9 and 10: a command is never stored as an answer, with or without its punctuation', () => {
  test('When « résumé » is typed at « Comment relaierez-vous… », then the summary is shown, nothing is stored, and the question is asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS.slice(0, -1), ['emploi', 'engagement'], ['communication', 'Comment relaierez-vous']]);
    const text = await replies(official, 'résumé');
    expect(text).toContain('Voici votre dossier');
    expect(text).toContain('Comment relaierez-vous');
    await official.play([['aide svp', 'Décrivez les supports'], ['Reprendre ?', 'Comment relaierez-vous']]);
    const draft = await app.repository.findDraftForOwner({ channel: 'test', userId: official.userId });
    expect(JSON.stringify(draft?.commitments)).not.toMatch(/résumé|aide|Reprendre/i);
  });

  test('When « reprendre? » is typed with a question mark after a pause, then the draft is resumed', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_COMMITMENTS.slice(0, 3), ['annuler !', 'j’arrête là']]);
    const text = await replies(official, 'reprendre?');
    expect(text).toContain('Je reprends votre dossier');
    expect(text).not.toContain('Je ne peux pas vous renseigner');
  });
});

describe('Major 2: a question about the duration of a CTAI is not the progress command', () => {
  test('When « combien de temps dure un CTAI ? » is asked during the application, then no progress card is shown', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS.slice(0, 3));
    const text = await replies(official, 'combien de temps dure un CTAI ?');
    expect(text).not.toContain('✅ complet');
    expect(text).not.toContain('Dossier TI-');
  });
});

describe('Major 8: a reply to the prefecture in the official’s own words reaches the thread', () => {
  test('When the prefecture’s message waits and the official writes « Bonjour Mme Martin, 8 places sur 12… », then it is joined to the dossier, not read as « source 8 »', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW, ['déposer le dossier', 'Confirmez-vous'], ['oui', 'a été déposé']]);
    const dossier = await app.repository.findLatestForOwner({ channel: 'test', userId: official.userId });
    if (!dossier) throw new Error('No dossier');
    await app.repository.addMessage(dossier.reference, { by: { kind: 'staff', id: 'agent-1', name: 'Claire Martin' }, text: 'Combien de places sont réservées aux enfants ?' });
    const said = 'Bonjour Mme Martin, 8 places sur 12 sont reservees aux enfants de familles refugiees, ouverture prevue le 1er mars 2027 apres la formation des 2 animatrices.';
    const text = await replies(official, said);
    expect(text).toContain('Votre message est transmis à la préfecture');
    expect(text).not.toContain('source');
    const after = await app.repository.findByReference(dossier.reference);
    expect(after?.messages?.at(-1)).toMatchObject({ by: { kind: 'applicant' }, text: said });
  });
});

describe('Minor 17: « non, déposer le dossier » at « ajouter une autre action ? »', () => {
  test('When the official answers « non, deposer le dossier », then the deposit confirmation follows', async () => {
    const official = new TestConversation(app.url);
    // Since the other funders are asked after the actions, it is said at that question, the last one before the review.
    await official.play(TO_REVIEW.slice(0, -1));
    const text = await replies(official, 'non, deposer le dossier');
    expect(text).toContain('Vous allez déposer le dossier');
    expect(text).toContain('Confirmez-vous');
  });
});
