// The lead's widget walkthrough (findings-nlu2), from the review on: a named action's values corrected in one
// message wherever it is typed, resubmitting in a sentence, and the way back from the section question; through
// the real bot, dialogs and Bot Framework adapter over HTTP, checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/** Two actions, the ateliers first, with the lead's wrong values (12 000 beneficiaries, a cost of 8 000 €). */
const TO_REVIEW: Exchange[] = [
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
  ['emploi et mobilité', 'engagement'],
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
  ['Ateliers de français', 'champ'],
  ['emploi', 'Décrivez'],
  ['Des ateliers de français à visée professionnelle.', 'public'],
  ['primo-arrivants', 'Combien'],
  ['12000', 'coût'],
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

async function submitAndSendBack(official: TestConversation): Promise<void> {
  await official.play([
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

describe('A named action’s values corrected in one message', () => {
  test('(finding 10) When the review gets « pour les ateliers c est 40 bénéficiaires et pas 12000, et le coût total est de 12 000 € », then both values of action 1 (the ateliers) change, action 2 is untouched, and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const text = await replies(official, 'pour les ateliers c est 40 bénéficiaires et pas 12000, et le coût total est de 12 000 €');
    expect(text).toContain('C’est corrigé');
    expect(text).toContain('Ateliers de français');
    expect(text).toContain('Que souhaitez-vous faire');
    const { actions } = await draftOf(app, official);
    expect(actions[0]).toMatchObject({ beneficiaries: 40, costEuros: 12000 });
    expect(actions[1]).toMatchObject({ beneficiaries: 10, costEuros: 6000 });
  });

  test('(findings 15, 17) When the prefecture asked for corrections and the official writes « ok je corrige : pour les ateliers le coût total est 12 000 € et il y a 40 bénéficiaires », then they are applied to the ateliers and the corrections resume; « je renvoie le dossier corrigé » then asks the submit confirmation', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    await submitAndSendBack(official);
    const later = new TestConversation(app.url, official.userId);
    const text = await replies(later, 'ok je corrige : pour les ateliers le coût total est 12 000 € et il y a 40 bénéficiaires');
    expect(text).not.toContain('Je ne peux pas vous renseigner');
    expect(text).toContain('C’est corrigé');
    expect(text).toContain('La préfecture demande des corrections');
    const { actions } = await draftOf(app, later);
    expect(actions[0]).toMatchObject({ beneficiaries: 40, costEuros: 12000 });
    expect(actions[1]).toMatchObject({ beneficiaries: 10, costEuros: 6000 });
    // (finding 16) At the actions menu, a second direct correction is applied the same way.
    const menu = await replies(later, 'le cout total des ateliers est de 13 000 euros et 45 beneficiaires');
    expect(menu).toContain('C’est corrigé');
    expect(menu).not.toContain('Je n’ai pas compris');
    expect((await draftOf(app, later)).actions[0]).toMatchObject({ beneficiaries: 45, costEuros: 13000 });
    await later.play([['non', 'Que souhaitez-vous faire']]);
    await later.play([['je renvoie le dossier corrigé', 'Confirmez-vous']]);
  });
});

describe('Submitting, and the way back from the section question', () => {
  test('(finding 18) When the section question gets « aucune, je veux déposer », then the review comes back (and the card has an « Aucune » button)', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const card = await official.say('Modifier une section');
    expect(JSON.stringify(card.map((reply) => reply.raw))).toContain('Aucune, revenir au récapitulatif');
    await official.play([['aucune, je veux déposer', ['Voici le récapitulatif', 'Que souhaitez-vous faire']]]);
  });

  test('(finding 13) When a draft was kept and the official writes « je dépose le dossier », then the submit confirmation is asked at once', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW, ['garder en brouillon', 'reste en brouillon']]);
    await official.play([['je dépose le dossier', 'Confirmez-vous']]);
    await official.play([['oui', 'a été déposé']]);
  });
});
