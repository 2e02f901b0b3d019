// The phrases of issue 13, as officials type them, through the real bot, dialogs and Bot Framework
// adapter over HTTP; what they meant is checked in the saved dossier.
import { draftOf, type Exchange, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/** From the menu to the review of a complete PTAI, in sentences, for a commune of Seine-Maritime. */
const COMMUNE_PTAI: Exchange[] = [
  ['je voudrais préparer une candidature', ['J’ai ouvert le dossier TI-', 'Quel est le nom']],
  ['Commune de Fécamp', 'département'],
  ['Eure, 27', 'SIREN'],
  ['je ne l’ai pas sous la main', 'habitants'],
  ['1,7 million', 'personne à contacter'],
  ['c’est moi, Claire Lefebvre', 'fonction'],
  ['ah pardon je me suis trompée de département, c’est le 76 pas le 27', [/C’est corrigé : département : 76 \\?\(Seine\\?-Maritime/, 'Quelle est sa fonction']],
  ['je suis adjoint au maire chargé des solidarités', 'adresse électronique'],
  ['attendez, c’est quoi un BPI ?', ['protection internationale', 'Quelle est son adresse électronique']],
  ['où en suis-je ?', ['Collectivité : ✅ complet', 'Quelle est son adresse électronique']],
  ['claire.lefebvre@fecamp.fr', 'téléphone'],
  ['passer', 'stratégie d’ensemble'],
  ['des actions ciblées, sur la garde d’enfants et la mobilité', ['J’ai aussi noté : champs : garde d’enfants, mobilité', 'diagnostic']],
  ['aucun', ['Nous préparons donc un PTAI', 'Quel engagement']],
  ['un cofinancement de 50 000 € et on met un agent à disposition', ['J’ai aussi noté : cofinancement : 50', 'personnel']],
];

describe('Understanding officials as they write', () => {
  test('When a commune answers in sentences, corrects a département and asks mid-way, then the dossier holds what was meant and nothing is asked twice', async () => {
    const official = new TestConversation(app.url);
    await official.play(COMMUNE_PTAI);
    const draft = await draftOf(app, official);
    expect(draft.collectivity).toMatchObject({ name: 'Commune de Fécamp', kind: 'commune', departement: '76', population: 1_700_000 });
    expect(draft.collectivity.siren).toBeUndefined();
    expect(draft.skippedQuestions).toContain('collectivity.siren');
    expect(draft.contact).toMatchObject({ name: 'Claire Lefebvre', role: 'adjoint au maire chargé des solidarités', email: 'claire.lefebvre@fecamp.fr' });
    expect(draft.fields).toEqual(['childcare', 'mobility']);
    expect(draft.commitments).toEqual([expect.objectContaining({ kind: 'cofinancing', amountEuros: 50_000 }), expect.objectContaining({ kind: 'staff' })]);
  });

  test('When the wish to apply comes in a sentence, then the application starts with what the sentence said', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      [
        'Bonjour, je suis chargée de mission à la Métropole Rouen Normandie, on voudrait déposer une candidature pour un CTAI',
        ['J’ai ouvert le dossier', 'J’ai déjà noté', 'Métropole Rouen Normandie', 'Dans quel département'],
      ],
      ['on est en seine maritime, le 76', 'SIREN'],
    ]);
    const draft = await draftOf(app, official);
    expect(draft).toMatchObject({ scheme: 'CTAI', collectivity: { name: 'Métropole Rouen Normandie', kind: 'metropole', departement: '76' }, contact: { role: 'chargée de mission' } });

    for (const sentence of ['je veux commencer le dossier de candidature', 'nous sommes le département de la Gironde et on aimerait contractualiser avec l’État']) {
      const other = new TestConversation(app.url);
      await other.play([[sentence, ['J’ai ouvert le dossier', 'Quel']]]);
    }
    const gironde = new TestConversation(app.url);
    await gironde.play([['nous sommes le département de la Gironde et on aimerait contractualiser avec l’État', 'J’ai déjà noté']]);
    expect((await draftOf(app, gironde)).collectivity).toMatchObject({ kind: 'departement', departement: '33' });
  });

  test('When a question comes with an opener, then the FAQ answers it and the pending question is asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'Quel est le nom'],
      ['excusez-moi mais c’est quoi un BPI ?', ['protection internationale', 'Quel est le nom']],
      ['Ville de Dieppe', 'département'],
    ]);
    expect((await draftOf(app, official)).collectivity.name).toBe('Ville de Dieppe');
  });

  test('When the scheme is chosen in a sentence, and a section is entered by mistake, then the choice is read and « non je voulais le contact » leaves for the contact', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...toContact('Métropole de Nantes', '44'),
      ['Paul Martin', 'fonction'],
      ['Chargé de mission', 'adresse'],
      ['paul.martin@nantes.fr', 'téléphone'],
      ['passer', 'stratégie'],
      ['une stratégie d’ensemble', 'diagnostic'],
      ['il est réalisé', 'joindre le fichier du diagnostic territorial'],
      ['plus tard', 'logement'],
      ['oui', 'Quel dispositif'],
      ['le contrat, donc CTAI', ['C’est noté', 'champs']],
      ['modifier la collectivité', ['modifions la collectivité', 'Quel est le nom']],
      ['non je voulais le contact', ['modifions le nom du contact', 'Actuellement : « Paul Martin »']],
      ['garder', 'champs'],
    ]);
    const draft = await draftOf(app, official);
    expect(draft).toMatchObject({ scheme: 'CTAI', collectivity: { name: 'Métropole de Nantes' }, contact: { name: 'Paul Martin' } });
  });
});

/** A complete small PTAI up to the review. */
const TO_REVIEW: Exchange[] = [
  ...toContact('Commune de Riom', '63'),
  ['Inès Bernrd', 'fonction'],
  ['Directrice de la cohésion sociale', 'adresse'],
  ['ines.bernard@riom.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi', 'engagement'],
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

describe('Editing, submitting and coming back', () => {
  test('When the official edits one field from the review, submits with « c’est bon on dépose » and comes back, then only that field changed and the submitted dossier is shown', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_REVIEW,
      ['modifier le contact, le nom est mal enregistré', ['modifions le nom du contact', 'Actuellement : « Inès Bernrd »']],
      ['Inès Bernard', ['Votre dossier est complet', 'Que souhaitez-vous faire']],
      ['changer le coût de l’action 1', ['Actuellement : « 8', 'coût total']],
      ['9 000 €', 'Que souhaitez-vous faire'],
      ['c’est bon on dépose', ['Vous allez déposer le dossier', 'Confirmez-vous']],
      ['oui', ['Accusé de dépôt', 'a été déposé le', 'Et maintenant']],
    ]);
    const [dossier] = (await app.repository.list({ page: 1, limit: 10, q: 'Riom' })).items.filter((item) => item.contact.email === 'ines.bernard@riom.fr');
    expect(dossier).toMatchObject({ status: 'submitted', contact: { name: 'Inès Bernard', role: 'Directrice de la cohésion sociale' } });
    expect(dossier?.actions[0]).toMatchObject({ costEuros: 9_000, stateFundingEuros: 3_000 });
    const reference = dossier!.reference;

    await official.play([
      ['où en suis-je', [`Votre dossier ${reference}`, 'Déposé']],
      ['résumé', [`Voici votre dossier ${reference}`]],
      [`quel est le statut de mon dossier ${reference} ?`, [`Votre dossier ${reference}`, 'a le statut « Déposé »']],
      ['quel est le statut de mon dossier TI-2019-99999 ?', 'Je ne trouve pas de dossier TI-2019-99999 à votre nom'],
    ]);
  });

  test('When the official declines the confirmation, then nothing is sent and the review comes back', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_REVIEW,
      ['Déposer le dossier', 'Confirmez-vous'],
      ['non', ['rien n’est envoyé', 'Que souhaitez-vous faire']],
    ]);
    expect((await draftOf(app, official)).status).toBe('draft');
  });
});

/** From the menu to the contact's name, for a collectivity named as `name` in `departement`. */
function toContact(name: string, departement: string): Exchange[] {
  return [
    ['Préparer une candidature', 'nom'],
    [name, 'Dans quel département'],
    [departement, 'SIREN'],
    ['passer', 'habitants'],
    ['passer', 'contacter'],
  ];
}

describe('Walkthrough findings of a new official', () => {
  test('When the name says the kind after it (« Nantes Métropole »), the département comes as « département 44 » and the phone is refused or corrected later, then each lands where it belongs', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...toContact('Nantes Métropole', 'département 44'),
      ['c’est moi', ['votre prénom et votre nom', 'Qui est la personne à contacter']],
      ['c’est moi, Julie Morel', 'fonction'],
      ['responsable du pôle solidarités', 'adresse'],
      ['julie.morel@nantesmetropole.fr', 'téléphone'],
      ['pas de tel.', 'stratégie'],
      ['une stratégie d’ensemble', 'diagnostic'],
      ['en fait mon numéro c’est 06 12 34 56 78', ['C’est noté : téléphone : 06 12 34 56 78', 'diagnostic']],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.collectivity).toMatchObject({ name: 'Nantes Métropole', kind: 'metropole', departement: '44' });
    expect(draft.contact).toMatchObject({ name: 'Julie Morel', role: 'responsable du pôle solidarités', phone: '+33612345678' });
  });

  test('When a role comes without « je suis » and the phone is declined as « pas de téléphone », then the role alone is stored and the phone skipped', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...toContact('Métropole de Lyon', '69'),
      ['Camille Roux', 'fonction'],
      ['chargée de mission à la Métropole de Lyon', 'adresse'],
      ['camille.roux@grandlyon.fr', 'téléphone'],
      ['pas de téléphone', 'stratégie'],
    ]);
    const draft = await draftOf(app, official);
    expect(draft.contact).toMatchObject({ name: 'Camille Roux', role: 'chargée de mission' });
    expect(draft.contact.phone).toBeUndefined();
    expect(draft.skippedQuestions).toContain('contact.phone');
  });

  test('When an answer and a question come in one message (« 76. c’est quoi un BPI ? »), then the answer is stored, the question answered, and the next question asked', async () => {
    const official = new TestConversation(app.url);
    const replies = async (said: string) => (await official.say(said)).map((reply) => reply.text).join('\n---\n');
    await official.play([
      ['Préparer une candidature', 'nom'],
      ['Commune de Fécamp', 'département'],
    ]);
    const text = await replies('76. c’est quoi un BPI ?');
    expect(text).toContain('protection internationale');
    // The FAQ answer first, then the question now pending.
    expect(text.lastIndexOf('SIREN')).toBeGreaterThan(text.indexOf('protection internationale'));
    expect((await draftOf(app, official)).collectivity.departement).toBe('76');
  });

  test('When a name is hedged (« je crois que c’est Claire Lefebvre »), then a short confirmation is asked before storing it, and « non » asks the name again', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...toContact('Commune de Fécamp', '76'),
      ['euh je crois que c’est Claire Lefebvre mais je vérifie', 'Claire Lefebvre, c’est bien ça ?'],
      ['non', 'Qui est la personne à contacter'],
      ['je pense que ce sera Paul Martin', 'Paul Martin, c’est bien ça ?'],
      ['oui', 'fonction'],
    ]);
    expect((await draftOf(app, official)).contact.name).toBe('Paul Martin');
  });

  test('When the cost and the State share are said early in a sentence, then those questions are not asked', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_REVIEW.slice(0, 16),
      ['Une rencontre avec les employeurs locaux. Elle coûte 8 000 € dont 3 000 € demandés à l’État.', ['J’ai aussi noté', 'coût : 8', 'public']],
      ['BPI', 'Combien'],
      ['30', 'porte'],
    ]);
    expect((await draftOf(app, official)).actions[0]).toMatchObject({ costEuros: 8_000, stateFundingEuros: 3_000 });
  });
});
