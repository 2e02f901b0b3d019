// A stranger's walkthrough (stop 27), problems 3, 9, 14, 15, 16 and 20: each with the report's own sentences, through
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

const TO_SIREN: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Orléans Métropole', 'Dans quel département'],
  ['45', 'SIREN'],
];

/** A CTAI of three fields, one housing action described: « Voulez-vous ajouter une autre action ? » is on screen. */
const TO_ANOTHER_ACTION: Exchange[] = [
  ...TO_SIREN,
  ['passer', 'habitants'],
  ['290 000', 'personne à contacter'],
  ['Sandrine Dubreuil', 'fonction'],
  ['Chargée de mission cohésion sociale', 'adresse électronique'],
  ['sandrine.dubreuil@orleans-metropole.fr', 'téléphone'],
  ['02 38 79 20 00', 'stratégie d’ensemble'],
  ['Une stratégie d’ensemble', 'diagnostic territorial'],
  ['il est réalisé', 'joindre le fichier du diagnostic territorial'],
  ['plus tard', 'Prévoyez-vous d’en inclure'],
  ['oui', 'Quel dispositif retenez-vous'],
  ['CTAI', 'Dans quels champs'],
  ['logement, accès aux soins et emploi', 'Quel engagement'],
  ['cofinancement', 'Quel montant'],
  ['40 000 €', 'intitulé'],
  ['Intermediation locative pour menages BPI', 'champ'],
  ['Accès au logement', 'Décrivez l’action'],
  ['Un accompagnement des ménages vers un logement autonome.', 'À quel public'],
  ['BPI', 'Combien de personnes'],
  ['120', 'coût total'],
  ['90 000 €', 'financement demandez-vous'],
  ['60 000', 'Qui porte'],
  ['L’association Habitat et Humanisme', 'ajouter une autre action'],
];

/** The same CTAI at the review, its fields « accès aux soins » and « emploi » still without an action. */
const TO_REVIEW: Exchange[] = [
  ...TO_ANOTHER_ACTION,
  ['non', 'D’autres financeurs participent-ils au projet'],
  ['non', 'Que souhaitez-vous faire'],
];

const STAFF = { role: 'instructeur' as const, id: 'staff-1', name: 'Claire Martin' };

async function submit(official: TestConversation) {
  await official.play([
    ['Déposer le dossier', 'Confirmez-vous'],
    ['Oui, déposer', 'a été déposé'],
  ]);
  const dossier = await app.repository.findLatestForOwner({ channel: 'test', userId: official.userId });
  if (!dossier) throw new Error('Not submitted');
  return dossier;
}

describe('(problem 3) A question inside the answer to the SIREN', () => {
  test('When the SIREN gets « je l’ai pas sous la main, passer. Au fait est ce que le CTAI doit forcement comporter des actions logement ? », then the question is answered with its sources, the SIREN is skipped, and no scheme is chosen', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_SIREN);

    const text = await replies(official, 'je l\'ai pas sous la main, passer. Au fait est ce que le CTAI doit forcement comporter des actions logement ?');

    expect(text).toContain('obligatoirement des actions en faveur de l’accès au logement');
    expect(text).toContain('Sources :');
    expect(text).not.toContain('dispositif souhaité');
    expect(text).toContain('habitants');
    const draft = await draftOf(app, official);
    expect(draft.scheme).toBeUndefined();
    expect(draft.collectivity.siren).toBeUndefined();
    expect(draft.skippedQuestions).toContain('collectivity.siren');
  });
});

describe('(problem 9) « on verra plus tard » inside a sentence', () => {
  test('When « Voulez-vous ajouter une autre action ? » gets « non, et retirez les champs acces aux soins et emploi on verra plus tard », then the two fields are removed and the journey goes on to the budget, without stopping', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_ANOTHER_ACTION);

    const text = await replies(official, 'non, et retirez les champs acces aux soins et emploi on verra plus tard');

    expect(text).not.toContain('j’arrête là');
    expect(text).toContain('C’est retiré');
    expect(text).toContain('D’autres financeurs participent-ils au projet');
    expect(text).not.toContain('ajouter une autre action');
    const draft = await draftOf(app, official);
    expect(draft.fields).toEqual(['housing']);
    expect(draft.actions).toHaveLength(1);
  });
});

describe('(problem 14) Resuming a draft kept at the review', () => {
  test('When the draft was kept at the review, the server restarted, and the official writes « reprendre ? », then the review comes back and « une autre action ? » is not asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play([...TO_REVIEW, ['Garder en brouillon', 'reste en brouillon']]);
    const restarted = await startTestApp({ testDatabase: app.testDatabase });
    try {
      const sameConversation = new TestConversation(restarted.url, official.userId, { conversation: { id: official.conversationId } });

      const text = await replies(sameConversation, 'reprendre ?');

      expect(text).toContain('Reprenons là où vous vous étiez arrêté');
      expect(text).not.toContain('ajouter une autre action');
      expect(text).toContain('Que souhaitez-vous faire');
    } finally {
      await restarted.close();
    }
  });

  test('When a draft kept at the review gets a new action from the review, then « une autre action ? » is asked after it as before', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_REVIEW,
      ['ajouter une action sur l’emploi', 'intitulé'],
      ['Parrainage vers l’emploi', 'Décrivez'],
      ['Un parrainage par des professionnels du territoire.', 'public'],
      ['BPI', 'Combien'],
      ['40', 'coût'],
      ['20 000', 'financement'],
      ['10 000', 'Qui porte'],
    ]);
    await official.play([['La métropole', 'ajouter une autre action']]);
  });
});

describe('(problem 15) A correction given right after the prefecture’s request', () => {
  test('When the prefecture asked to correct the commitments and the official writes « Bonjour, la metropole augmente son cofinancement de 12 000 €, ça fait donc 52 000 € au total », then the cofinancing becomes 52 000 €', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const submitted = await submit(official);
    const underReview = await app.repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: STAFF });
    if (!underReview.ok) throw new Error(JSON.stringify(underReview.error));
    const sentBack = await app.repository.transition(submitted.reference, underReview.value.version, {
      to: 'changes_requested',
      by: STAFF,
      sections: ['commitments'],
      reason: 'Confirmez le montant du cofinancement de la métropole.',
    });
    if (!sentBack.ok) throw new Error(JSON.stringify(sentBack.error));

    const text = await replies(official, 'Bonjour, la metropole augmente son cofinancement de 12 000 €, ça fait donc 52 000 € au total');

    expect(text).not.toContain('Écrivez « reprendre » quand vous voulez faire les corrections demandées');
    expect(text).toMatch(/C’est corrigé : cofinancement : 52\s000/);
    expect(text).toContain('La préfecture demande des corrections');
    const draft = await draftOf(app, official);
    expect(draft.commitments).toEqual([expect.objectContaining({ kind: 'cofinancing', amountEuros: 52_000 })]);
    expect(draft.collectivity.name).toBe('Orléans Métropole');
  });
});

describe('(problem 16) A first message that asks how it works', () => {
  test.each(['la mairie de st junien voudrait monter un projet pour les refugies, ca marche comment ?', 'Bonjour, la mairie de st junien voudrait monter un projet pour les refugies, ca marche comment ?'])(
    'When the first message is « %s », then how the assistant and the two schemes work is said before the dossier opens',
    async (opening) => {
      const official = new TestConversation(app.url);
      await official.join();

      const text = await replies(official, opening);

      expect(text).not.toContain('Je ne sais pas répondre');
      expect(text).toContain('CTAI');
      expect(text).toContain('PTAI');
      expect(text).toContain('Sources :');
      expect(text.indexOf('PTAI')).toBeLessThan(text.indexOf('J’ai ouvert le dossier'));
      expect((await draftOf(app, official)).collectivity.kind).toBe('commune');
    },
  );
});

describe('(problem 20) An old button after the submission', () => {
  test('When the dossier is submitted and the official clicks an old « Modifier une section », then the bot says the dossier is submitted, with its status, and can only be changed at the prefecture’s request', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_REVIEW);
    const submitted = await submit(official);

    const clicked = await official.say({ text: 'Modifier une section', value: { card: 'choice', question: 'an-old-question' } });
    const text = clicked.map((reply) => reply.text).join('\n---\n');

    expect(text).toContain(submitted.reference);
    expect(text).toContain('« Déposé »');
    expect(text).toContain('ne peut plus être modifié');
    expect(text).toContain('à la demande de la préfecture');
  });
});
