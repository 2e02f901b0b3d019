// A stranger's walkthrough of 2026-12-06: each repair through the real bot, dialogs and Bot Framework
// adapter over HTTP, checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_DIAGNOSTIC: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Vierzon', 'Dans quel département'],
  ['18', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
  ['Jean-Marc Poulain', 'fonction'],
  ['Chargé de mission', 'adresse'],
  ['jeanmarc.poulain@vierzon.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
];

describe('A question without its own subject, asked at a question of the journey', () => {
  test('When « on n’en a pas, c obligatoire ? » is said at the diagnostic question of a PTAI, then « pas de diagnostic » is stored and the diagnostic rule is answered, not housing', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_DIAGNOSTIC);

    const text = await replies(official, 'on n’en a pas, c obligatoire ?');

    expect(text).toContain('un diagnostic territorial préalable n’est pas requis, même s’il est conseillé');
    expect(text.split('\n---\n')[0]).not.toContain('logement');
    expect((await draftOf(app, official)).diagnostic?.status).toBe('none');
    expect(text).toContain('Nous préparons donc un PTAI');
  });
});

/** A PTAI with three fields chosen and only two covered by an action, at the review. */
const TO_REVIEW_FIELD_UNCOVERED: Exchange[] = [
  ...TO_DIAGNOSTIC,
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi, mobilité et accès aux soins', 'engagement'],
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
  ['Ateliers de français', 'champ'],
  ['emploi', 'Décrivez'],
  ['Des ateliers de français à visée professionnelle.', 'public'],
  ['primo-arrivants', 'Combien'],
  ['12', 'coût'],
  ['8 000', 'financement'],
  ['3 000', 'porte'],
  ['La commune', 'ajouter une autre action'],
  ['oui', 'intitulé'],
  ['Permis solidaire', 'champ'],
  ['mobilité', 'Décrivez'],
  ['Des cours de conduite.', 'public'],
  ['BPI', 'Combien'],
  ['10', 'coût'],
  ['6 000', 'financement'],
  ['2 000', 'porte'],
  ['La commune', 'ajouter une autre action'],
  ['non', 'D’autres financeurs participent-ils au projet'],
  ['non', 'Que souhaitez-vous faire'],
];

const STAFF = { role: 'instructeur' as const, id: 'staff-1', name: 'Claire Martin' };

async function submittedDossier(official: TestConversation) {
  await official.play([
    ['Déposer le dossier', 'Confirmez-vous'],
    ['Oui, déposer', 'a été déposé'],
  ]);
  const dossier = await app.repository.findLatestForOwner({ channel: 'test', userId: official.userId });
  if (!dossier) throw new Error('Not submitted');
  return dossier;
}

async function sendBack(official: TestConversation, sections: Array<'actions' | 'budget'>) {
  const submitted = await submittedDossier(official);
  const underReview = await app.repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: STAFF });
  if (!underReview.ok) throw new Error(JSON.stringify(underReview.error));
  const sentBack = await app.repository.transition(submitted.reference, underReview.value.version, { to: 'changes_requested', by: STAFF, sections, reason: 'Joignez la délibération.' });
  if (!sentBack.ok) throw new Error(JSON.stringify(sentBack.error));
  return sentBack.value;
}

describe('Submitting a kept draft, and ending the actions menu', () => {
  test('When a draft with a field still lacking an action was kept and the official writes « je dépose le dossier », then the submit confirmation comes at once', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW_FIELD_UNCOVERED, ['garder en brouillon', 'reste en brouillon']]);

    const text = await replies(official, 'je dépose le dossier');

    expect(text).not.toContain('Voulez-vous ajouter une autre action');
    expect(text).toContain('Confirmez-vous');
  });

  test('When the prefecture asked to correct the actions and the official clicks « Terminer » at the actions menu, then the menu ends at once and no « autre action ? » follows', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW_FIELD_UNCOVERED);
    await sendBack(official, ['actions']);
    await official.play([['reprendre', 'Vos actions']]);

    const text = await replies(official, 'Terminer');

    expect(text).not.toContain('Vos actions');
    expect(text).not.toContain('Voulez-vous ajouter une autre action');
    expect(text).toContain('Que souhaitez-vous faire');
  });
});

describe('A scheme the rules do not open to the collectivity is not noted', () => {
  test.each([
    'Bonjour, on voudrait déposer une candidature pour un CTAI, une commune peut elle faire un ctai ?',
    'nous sommes une commune et on voudrait faire un CTAI',
  ])('When « %s » opens the dossier, then « dispositif souhaité : CTAI » is not noted', async (opening) => {
    const official = new TestConversation(app.url);
    await official.join();

    const text = await replies(official, opening);

    expect(text).not.toContain('dispositif souhaité : CTAI');
    expect((await draftOf(app, official)).scheme).toBeUndefined();
  });

  test('When a métropole opens the dossier asking for a CTAI, then the CTAI is still noted', async () => {
    const official = new TestConversation(app.url);
    await official.join();

    const text = await replies(official, 'nous sommes une métropole et on voudrait faire un CTAI');

    expect(text).toContain('dispositif souhaité : CTAI');
  });
});

describe('The status of a dossier resubmitted the same day', () => {
  test('When the dossier was submitted and resubmitted on the same day, then « où en est mon dossier ? » says « déposé puis redéposé le … » once', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW_FIELD_UNCOVERED);
    await sendBack(official, ['actions']);
    await official.play([
      ['reprendre', 'Vos actions'],
      ['Terminer', 'Que souhaitez-vous faire'],
      ['Déposer le dossier', 'Confirmez-vous'],
      ['Oui, déposer', 'a été déposé'],
    ]);

    const text = await replies(official, 'où en est mon dossier ?');

    const today = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(new Date());
    expect(text).toContain(`déposé puis redéposé le ${today}`);
    expect(text).not.toContain('et de nouveau le');
  });
});
