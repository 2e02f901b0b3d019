// The second stranger walkthrough (stop 27), problems 2, 5 and 6: each with the report's own sentences, through the
// real bot, dialogs and Bot Framework adapter over HTTP, checked in the saved dossier.
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
  ['Communauté urbaine du Val de Sambre', 'Dans quel département'],
  ['59', 'SIREN'],
  ['passer', 'habitants'],
  ['245 000', 'personne à contacter'],
  ['Nadège Lefebvre', 'fonction'],
  ['Chargée de mission cohésion sociale', 'adresse électronique'],
  ['nadege.lefebvre@valdesambre.fr', 'téléphone'],
  ['03 27 53 00 00', 'stratégie d’ensemble'],
  ['Une stratégie d’ensemble', 'diagnostic territorial'],
];

/** A CTAI of two actions at the review: housing, then the workshops with childcare (18 000 €, 45 beneficiaries). */
const TO_REVIEW: Exchange[] = [
  ...TO_DIAGNOSTIC,
  ['il est réalisé', 'joindre le fichier du diagnostic territorial'],
  ['plus tard', 'Prévoyez-vous d’en inclure'],
  ['oui', 'Quel dispositif retenez-vous'],
  ['CTAI', 'Dans quels champs'],
  ['logement et formation linguistique', 'Quel engagement'],
  ['cofinancement', 'Quel montant'],
  ['40 000 €', 'intitulé'],
  ['Intermédiation locative', 'champ'],
  ['Accès au logement', 'Décrivez l’action'],
  ['Un accompagnement des ménages vers un logement autonome.', 'À quel public'],
  ['BPI', 'Combien de personnes'],
  ['60', 'coût total'],
  ['95 000 €', 'financement demandez-vous'],
  ['55 000', 'Qui porte'],
  ['La communauté urbaine', 'ajouter une autre action'],
  ['oui', 'intitulé'],
  ['Ateliers sociolinguistiques et halte-garderie', 'champ'],
  ['Formation linguistique', 'Décrivez l’action'],
  ['Des ateliers de français avec une garde des enfants pendant les séances.', 'À quel public'],
  ['BPI', 'Combien de personnes'],
  ['45', 'coût total'],
  ['18 000 €', 'financement demandez-vous'],
  ['12 000', 'Qui porte'],
  ['La communauté urbaine', 'ajouter une autre action'],
  ['non', 'D’autres financeurs participent-ils au projet'],
  ['non', 'Que souhaitez-vous faire'],
];

const STAFF = { role: 'instructeur' as const, id: 'staff-1', name: 'Hervé Dubrulle' };

async function sentBackForCorrections(official: TestConversation) {
  await official.play([...TO_REVIEW, ['Déposer le dossier', 'Confirmez-vous'], ['Oui, déposer', 'a été déposé']]);
  const submitted = await app.repository.findLatestForOwner({ channel: 'test', userId: official.userId });
  if (!submitted) throw new Error('Not submitted');
  const underReview = await app.repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: STAFF });
  if (!underReview.ok) throw new Error(JSON.stringify(underReview.error));
  const sentBack = await app.repository.transition(submitted.reference, underReview.value.version, {
    to: 'changes_requested',
    by: STAFF,
    sections: ['collectivity', 'actions'],
    reason: 'Indiquez le SIREN et confirmez le coût de la garde d’enfants.',
  });
  if (!sentBack.ok) throw new Error(JSON.stringify(sentBack.error));
}

describe('(problem 2) The reply to the prefecture’s request, with values and a question', () => {
  test('When the prefecture asked for corrections and the official writes « Le siren c’est 245 900 410. qui signe un CTAI ? », then the SIREN is corrected, the question answered with its sources, and the corrections resume', async () => {
    const official = new TestConversation(app.url);
    await sentBackForCorrections(official);

    const text = await replies(official, 'Le siren c\'est 245 900 410. qui signe un CTAI ?');

    expect(text).toMatch(/C’est corrigé : SIREN : 245\s?900\s?410/);
    expect(text).toContain('Sources :');
    expect(text).toContain('La préfecture demande des corrections');
    expect((await draftOf(app, official)).collectivity.siren).toBe('245900410');
  });

  test.each([
    ['je dois renvoyer le dossier moi même ? Le siren c\'est 245 900 410.', true],
    ['Le siren c\'est 245 900 410, c\'est bon comme ça ?', false],
  ])('When the prefecture asked for corrections and the official writes « %s », then the SIREN is corrected and the corrections resume', async (said, asksToResubmit) => {
    const official = new TestConversation(app.url);
    await sentBackForCorrections(official);

    const text = await replies(official, said);

    expect(text).not.toContain('Je ne peux pas vous renseigner');
    expect(text).toMatch(/C’est corrigé : SIREN : 245\s?900\s?410/);
    expect(text.includes('c’est vous qui redéposez le dossier')).toBe(asksToResubmit);
    expect(text).toContain('La préfecture demande des corrections');
    expect((await draftOf(app, official)).collectivity.siren).toBe('245900410');
  });

  test('When the prefecture asked for corrections and the official writes the SIREN, action 2’s new cost and « je dois renvoyer le dossier moi même ? », then both values are corrected, the question is answered and the corrections resume', async () => {
    const official = new TestConversation(app.url);
    await sentBackForCorrections(official);

    const text = await replies(official, 'Bonjour, merci pour votre retour. Le siren c\'est 245 900 410. Pour l\'action 2 la garde coute 4000 de plus donc 22 000 € au total, toujours 45 bénéficiaires. je dois renvoyer le dossier moi même ?');

    expect(text).not.toContain('Je ne peux pas vous renseigner');
    expect(text).toMatch(/SIREN : 245\s?900\s?410/);
    expect(text).toMatch(/22\s000/);
    expect(text).toContain('c’est vous qui redéposez le dossier');
    expect(text).toContain('« Déposer le dossier »');
    expect(text).toContain('La préfecture demande des corrections');
    const draft = await draftOf(app, official);
    expect(draft.collectivity.siren).toBe('245900410');
    expect(draft.actions[1]).toEqual(expect.objectContaining({ costEuros: 22_000, beneficiaries: 45 }));
    expect(draft.actions[0]).toEqual(expect.objectContaining({ costEuros: 95_000 }));
  });
});

describe('(problem 5) « garder » with another question’s value', () => {
  test('When the collectivity is asked again and the département gets « garder, et le siren est 245 900 410 », then the département is kept, the SIREN noted, and the SIREN question comes next', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW, ['modifier la collectivité', 'nom'], ['garder', 'type de collectivité'], ['garder', 'Dans quel département']]);

    const text = await replies(official, 'garder, et le siren est 245 900 410');

    expect(text).toMatch(/SIREN : 245\s?900\s?410/);
    expect(text).not.toContain('Dans quel département');
    const draft = await draftOf(app, official);
    expect(draft.collectivity.departement).toBe('59');
    expect(draft.collectivity.siren).toBe('245900410');
  });
});

describe('(problem 6) A diagnostic under way', () => {
  test('When the diagnostic question gets « il est en cours, le cabinet doit rendre ses conclusions en mars », then it is noted as under way or planned, confirmed, and never said to be « que prévu »', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_DIAGNOSTIC);

    const text = await replies(official, 'il est en cours, le cabinet doit rendre ses conclusions en mars');

    expect(text).toContain('C’est noté');
    expect(text).not.toContain('que prévu');
    expect(text).toContain('Diagnostic territorial prévu');
    const draft = await draftOf(app, official);
    expect(draft.diagnostic?.status).toBe('planned');
    const recommendation = await replies(official, 'oui');
    expect(recommendation).toContain('Diagnostic en cours ou prévu : s’il doit être achevé avant');
    expect(recommendation).not.toContain('que prévu');
  });
});
