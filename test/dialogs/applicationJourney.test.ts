// Whole applications, in French, through the real bot and dialogs over HTTP, ending in MongoDB.
import { TestConversation, type Exchange } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const METROPOLE_COLLECTIVITY_AND_CONTACT: Exchange[] = [
  ['Préparer une candidature', ['J’ai ouvert le dossier TI-', 'Commençons par votre collectivité', 'Quel est le nom']],
  ['Métropole de Lyon', 'Dans quel département'],
  ['69', 'SIREN'],
  ['200 046 977', 'habitants'],
  ['1,4 million', 'personne à contacter'],
  ['Camille Martin', 'fonction'],
  ['Chargée de mission cohésion sociale', 'adresse électronique'],
  ['Camille.Martin@GrandLyon.com', 'téléphone'],
  ['04 72 00 00 00', 'stratégie d’ensemble'],
];

describe('The guided application', () => {
  test('When a métropole completes a CTAI, then the submitted dossier holds every answer', async () => {
    const official = new TestConversation(app.url);
    await official.join();

    await official.play([
      ...METROPOLE_COLLECTIVITY_AND_CONTACT,
      ['Une stratégie d’ensemble', 'diagnostic territorial'],
      ['il est réalisé', 'joindre le fichier du diagnostic territorial'],
      ['plus tard', 'Prévoyez-vous d’en inclure'],
      ['oui', ['Je vous recommande un **CTAI**', 'Quel dispositif retenez-vous']],
      ['CTAI', ['C’est noté', 'Dans quels champs']],
      ['logement, emploi et santé', 'Quel engagement'],
      ['cofinancement et prêt d’une salle', 'Quel montant'],
      ['50 000 €', 'Quelle salle'],
      ['La salle polyvalente de la maison des associations, deux demi-journées par semaine', 'valeur de ce prêt'],
      ['passer', ['Décrivons maintenant les actions', 'au moins une action en faveur de l’accès au logement', 'intitulé']],
      ['Accompagnement vers le logement', 'champ'],
      ['Accès au logement', 'Décrivez l’action'],
      ['Des ateliers collectifs et un suivi individuel pour préparer une demande de logement social.', 'À quel public'],
      ['les deux', 'Combien de personnes'],
      ['environ 120 personnes', 'coût total'],
      ['40 000 €', 'financement demandez-vous'],
      ['30 000', 'Qui porte'],
      ['L’association Habitat et Humanisme', ['n’ont pas encore d’action', 'ajouter une autre action']],
      ['où en suis-je', ['Actions : ✅ complet', 'ajouter une autre action']],
      ['aide', ['« oui » pour décrire une action de plus', 'ajouter une autre action']],
      ['oui', 'intitulé'],
      ['Parrainage vers l’emploi', 'champ'],
      ['emploi', 'Décrivez'],
      ['Un parrainage par des professionnels du territoire.', 'public'],
      ['BPI', 'Combien'],
      ['40', 'coût'],
      ['20 000', 'financement'],
      ['10 000', 'Qui porte'],
      ['La métropole', 'ajouter une autre action'],
      ['oui', 'intitulé'],
      ['Médiation santé', 'champ'],
      ['santé', 'Décrivez'],
      ['Des permanences de médiation en santé dans trois centres sociaux.', 'public'],
      ['primo-arrivants', 'Combien'],
      ['200', 'coût'],
      ['15 000', 'financement'],
      ['5 000', 'Qui porte'],
      ['Le CCAS', 'Vous avez décrit 3 actions'],
      ['aide', ['« oui » pour décrire une action de plus', 'ajouter une autre action']],
      ['non', ['Voici le budget', /Coût total des actions : 75\s000/, 'D’autres financeurs participent-ils au projet']],
      ['non', ['Votre dossier est complet', 'Que souhaitez-vous faire']],
      ['Déposer le dossier', ['Vous allez déposer le dossier', 'Confirmez-vous']],
      ['oui', ['a été déposé', 'préfecture du département 69 (Rhône)']],
    ]);

    const [dossier] = (await app.repository.list({ page: 1, limit: 10, q: 'Métropole de Lyon' })).items;
    expect(dossier).toMatchObject({
      status: 'submitted',
      scheme: 'CTAI',
      collectivity: { name: 'Métropole de Lyon', kind: 'metropole', departement: '69', siren: '200046977', population: 1_400_000 },
      contact: { name: 'Camille Martin', role: 'Chargée de mission cohésion sociale', email: 'camille.martin@grandlyon.com', phone: '+33472000000' },
      approach: 'strategy',
      diagnostic: { status: 'done' },
      housingCommitted: true,
      fields: ['housing', 'employment', 'health'],
      budget: { actionsCostEuros: 75_000, stateFundingRequestedEuros: 45_000, cofinancingEuros: 50_000 },
    });
    expect(dossier?.commitments).toEqual([
      expect.objectContaining({ kind: 'cofinancing', amountEuros: 50_000 }),
      expect.objectContaining({ kind: 'premises', detail: 'La salle polyvalente de la maison des associations, deux demi-journées par semaine' }),
    ]);
    expect(dossier?.actions.map((action) => [action.field, action.publics, action.beneficiaries, action.costEuros, action.stateFundingEuros, action.carrier])).toEqual([
      ['housing', ['primo_arrivants', 'bpi'], 120, 40_000, 30_000, 'L’association Habitat et Humanisme'],
      ['employment', ['bpi'], 40, 20_000, 10_000, 'La métropole'],
      ['health', ['primo_arrivants'], 200, 15_000, 5_000, 'Le CCAS'],
    ]);
    expect(dossier?.submittedAt).toBeInstanceOf(Date);
    expect(dossier?.history.map((entry) => [entry.from, entry.to])).toEqual([['draft', 'submitted']]);
  });

  test('When a small commune wants targeted actions, then it is guided to a PTAI and can submit it', async () => {
    const official = new TestConversation(app.url);

    await official.play([
      ['Préparer une candidature', 'Quel est le nom'],
      ['Commune de Saint-Flour', 'département'],
      ['15', 'SIREN'],
      ['je ne sais pas', 'habitants'],
      ['6 500 habitants', 'personne à contacter'],
      ['Louis Durand', 'fonction'],
      ['Adjoint aux solidarités', 'adresse électronique'],
      ['l.durand@saint-flour.fr', 'téléphone'],
      ['passer', 'stratégie d’ensemble'],
      ['des actions ciblées', 'diagnostic'],
      ['aucun', ['Je vous recommande un **PTAI**', 'sans diagnostic, il n’est pas possible', 'Nous préparons donc un PTAI']],
      ['mobilité', 'Quel engagement'],
      ['relais dans la communication', 'relaierez-vous'],
      ['Un article dans le bulletin municipal', 'intitulé'],
      ['Aide au permis de conduire', 'champ'],
      ['Mobilité', 'Décrivez'],
      ['Prise en charge de leçons de conduite.', 'public'],
      ['les deux', 'Combien'],
      ['12', 'coût'],
      ['6 000 €', 'financement'],
      ['6 000 €', 'Qui porte'],
      ['La commune', 'ajouter une autre action'],
      ['non', 'D’autres financeurs participent-ils au projet'],
      ['non', 'Votre dossier est complet'],
      ['Déposer le dossier', 'Confirmez-vous'],
      ['Oui, déposer', 'a été déposé'],
    ]);

    const [dossier] = (await app.repository.list({ page: 1, limit: 10, q: 'Saint-Flour' })).items;
    expect(dossier).toMatchObject({ status: 'submitted', scheme: 'PTAI', collectivity: { kind: 'commune', departement: '15', population: 6500 }, fields: ['mobility'] });
    expect(dossier?.collectivity.siren).toBeUndefined();
    expect(dossier?.contact.phone).toBeUndefined();
    // « non » to « une autre action ? » is kept with them, so a resumed draft does not ask it again.
    expect(dossier?.skippedQuestions).toEqual(['collectivity.siren', 'contact.phone', 'actions.more']);
  });

  test('When a communauté de communes wants a whole strategy, then the CTAI is refused with the reason and a PTAI is prepared', async () => {
    const official = new TestConversation(app.url);

    await official.play([
      ['Préparer une candidature', 'Quel est le nom'],
      ['Pays de Morlaix', 'De quel type'],
      ['on est une communauté de communes', 'département'],
      ['29', 'SIREN'],
      ['passer', 'habitants'],
      ['passer', 'personne à contacter'],
      ['Anne Le Gall', 'fonction'],
      ['Directrice', 'adresse'],
      ['anne.legall@morlaix.fr', 'téléphone'],
      ['06.12.34.56.78', 'stratégie'],
      ['une stratégie d’ensemble', 'diagnostic'],
      ['réalisé', 'joindre le fichier du diagnostic territorial'],
      ['plus tard', ['ne figure pas parmi les signataires des CTAI', 'Nous préparons donc un PTAI']],
    ]);

    const dossier = (await app.repository.list({ page: 1, limit: 10, q: 'Morlaix' })).items[0] ?? (await findDraft(official.userId));
    expect(dossier).toMatchObject({ scheme: 'PTAI', collectivity: { kind: 'communaute_de_communes' }, contact: { phone: '+33612345678' } });
  });

  test('When an official leaves mid-way and comes back in a new conversation, then the draft resumes at the first missing answer', async () => {
    const first = new TestConversation(app.url);
    await first.play(METROPOLE_COLLECTIVITY_AND_CONTACT.slice(0, 4));

    const later = new TestConversation(app.url, first.userId);
    const greeting = await later.join();
    await later.play([['reprendre', ['Je reprends votre dossier', 'Déjà renseigné', 'habitants']]]);

    expect(greeting.map((reply) => reply.text).join(' ')).toContain('Vous avez un dossier en cours');
    const draft = await findDraft(first.userId);
    expect(draft?.collectivity).toMatchObject({ name: 'Métropole de Lyon', departement: '69', siren: '200046977' });
  });

  test('When answers are invalid, then each prompt says what was wrong and asks again without saving', async () => {
    const official = new TestConversation(app.url);

    await official.play([
      ['Préparer une candidature', 'Quel est le nom'],
      ['Métropole de Nantes', 'département'],
      ['99', ['Je n’ai pas reconnu ce département', 'Dans quel département']],
      ['Lyon', 'son numéro ou son nom'],
      ['20', 'Corse se code 2A'],
      ['quarante-quatre', 'reconnu ce département'],
      ['abc', ['Tapez « aide »', 'département']],
      ['44', 'SIREN'],
      ['123 456 789', ['n’est pas valide', 'SIREN']],
      ['12345', '9 chiffres'],
      ['passer', 'habitants'],
      ['-5', 'supérieur à zéro'],
      ['passer', 'personne à contacter'],
      ['   ', 'vide'],
      ['Jeanne Dupont', 'fonction'],
      ['Cheffe de projet', 'adresse électronique'],
      ['jeanne.dupont@', ['ne semble pas valide', 'adresse électronique']],
      ['jeanne.dupont@nantesmetropole.fr', 'téléphone'],
      ['12', ['Je n’ai pas reconnu ce numéro', 'téléphone']],
    ]);

    const draft = await findDraft(official.userId);
    expect(draft?.collectivity).toMatchObject({ name: 'Métropole de Nantes', kind: 'metropole', departement: '44' });
    expect(draft?.collectivity.siren).toBeUndefined();
    expect(draft?.contact).toEqual({ name: 'Jeanne Dupont', role: 'Cheffe de projet', email: 'jeanne.dupont@nantesmetropole.fr' });
  });

  test('When the official uses commands and asks a question mid-way, then each is handled and the pending question is asked again', async () => {
    const official = new TestConversation(app.url);

    await official.play([
      ['Préparer une candidature', 'Quel est le nom'],
      ['Métropole de Rennes', 'département'],
      ['aide', ['le nom du département', 'Dans quel département']],
      ['c’est quoi un BPI ?', [/protection internationale/i, 'Dans quel département']],
      ['où en suis-je', ['Collectivité : à compléter', 'Dans quel département']],
      ['résumé', ['Voici votre dossier TI-', 'Dans quel département']],
      ['annuler', ['j’arrête là', 'est conservé']],
      ['reprendre', ['Je reprends votre dossier', 'département']],
      ['35', 'SIREN'],
    ]);

    const draft = await findDraft(official.userId);
    expect(draft?.collectivity).toMatchObject({ name: 'Métropole de Rennes', departement: '35' });
  });

  test('When the official edits a section from the review, then only that section is asked again and the rest is kept', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'nom'],
      ['Commune de Vichy', 'département'],
      ['03', 'SIREN'],
      ['passer', 'habitants'],
      ['passer', 'contacter'],
      ['Paul Roux', 'fonction'],
      ['Élu', 'adresse'],
      ['paul.roux@vichy.fr', 'téléphone'],
      ['passer', 'stratégie'],
      ['actions ciblées', 'diagnostic'],
      ['prévu', 'Quel dispositif'],
      ['PTAI', 'champs'],
      ['garde d’enfants', 'engagement'],
      ['mise à disposition d’un personnel', 'Quel personnel'],
      ['Une éducatrice de jeunes enfants à mi-temps', 'valeur'],
      ['12 000', 'intitulé'],
      ['Halte-garderie solidaire', 'champ'],
      ['garde d’enfants', 'Décrivez'],
      ['Accueil des enfants pendant les cours de français des parents.', 'public'],
      ['primo-arrivants', 'Combien'],
      ['25', 'coût'],
      ['18 000', 'financement'],
      ['9 000', 'porte'],
      ['La commune', 'ajouter'],
      ['non', 'D’autres financeurs participent-ils au projet'],
      ['non', 'Que souhaitez-vous faire'],
      ['modifier les engagements', ['Actuellement', 'garder']],
      ['garder', 'Quel personnel'],
      ['Une éducatrice de jeunes enfants à temps plein', 'valeur'],
      ['garder', ['Voici le récapitulatif', 'Que souhaitez-vous faire']],
      ['Garder en brouillon', 'reste en brouillon'],
      // Outside the journey, its words lead back into the draft, straight to the submit confirmation (findings-nlu2 13).
      ['Déposer le dossier', ['Je reprends votre dossier', 'Confirmez-vous']],
      ['Non, pas encore', ['rien n’est envoyé', 'Que souhaitez-vous faire']],
      ['Garder en brouillon', 'reste en brouillon'],
    ]);

    const draft = await findDraft(official.userId);
    expect(draft?.status).toBe('draft');
    expect(draft?.commitments).toEqual([{ kind: 'staff', detail: 'Une éducatrice de jeunes enfants à temps plein', estimatedValueEuros: 12_000 }]);
    expect(draft?.actions).toHaveLength(1);
    expect(draft?.scheme).toBe('PTAI');
  });
});

async function findSubmitted(name: string) {
  const [dossier] = (await app.repository.list({ page: 1, limit: 10, q: name })).items;
  if (!dossier) throw new Error(`No dossier for ${name}`);
  return dossier;
}

async function findDraft(userId: string) {
  return app.repository.findDraftForOwner({ channel: 'test', userId });
}

describe('Corrections requested by the prefecture', () => {
  test('When the prefecture asks to correct the commitments, then the returning official revisits exactly that section and resubmits', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'nom'],
      ['Commune de Riom', 'département'],
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
      ['Déposer le dossier', 'Confirmez-vous'],
      ['Oui, déposer', 'a été déposé'],
    ]);
    const submitted = await findSubmitted('Commune de Riom');
    const staff = { role: 'instructeur' as const, id: 'staff-1', name: 'Instructeur' };
    const underReview = await app.repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: staff });
    if (!underReview.ok) throw new Error(JSON.stringify(underReview.error));
    const sentBack = await app.repository.transition(submitted.reference, underReview.value.version, {
      to: 'changes_requested',
      by: staff,
      sections: ['commitments'],
      reason: 'Précisez la salle mise à disposition.',
    });
    if (!sentBack.ok) throw new Error(JSON.stringify(sentBack.error));

    const later = new TestConversation(app.url, official.userId);
    await later.play([
      ['reprendre', ['La préfecture demande des corrections', 'engagements de la collectivité', 'Précisez la salle mise à disposition', 'Actuellement : « Cofinancement »']],
      ['cofinancement et prêt d’une salle', ['Quel montant', 'Actuellement']],
      ['garder', 'Quelle salle'],
      ['La salle du conseil, le mardi matin', 'valeur'],
      ['passer', ['Voici le récapitulatif', 'Votre dossier est complet']],
      ['Déposer le dossier', 'Confirmez-vous'],
      ['Oui, déposer', 'a été déposé'],
    ]);

    const resubmitted = await findSubmitted('Commune de Riom');
    expect(resubmitted.status).toBe('submitted');
    expect(resubmitted.commitments).toEqual([
      expect.objectContaining({ kind: 'cofinancing', amountEuros: 5000 }),
      expect.objectContaining({ kind: 'premises', detail: 'La salle du conseil, le mardi matin' }),
    ]);
    expect(resubmitted.history.map((entry) => entry.to)).toEqual(['submitted', 'under_review', 'changes_requested', 'submitted']);
    expect(resubmitted.contact.email).toBe('ines.bernard@riom.fr');
  });
});

describe('Redeploy safety', () => {
  test('When the saved dialog stack names a dialog that no longer exists, then the draft resumes instead of failing', async () => {
    const official = new TestConversation(app.url);
    await official.play(METROPOLE_COLLECTIVITY_AND_CONTACT.slice(0, 3));
    const key = `test/conversations/${official.conversationId}/`;
    const states = app.database.connection.collection<{ _id: string; data: string }>('botstate');
    const saved = await states.findOne({ _id: key });
    const state = JSON.parse(String(saved?.data)) as { dialogState: { dialogStack: Array<{ id: string }> } };
    state.dialogState.dialogStack[0]!.id = 'aDialogFromAnOlderRelease';
    await states.updateOne({ _id: key }, { $set: { data: JSON.stringify(state) } });

    await official.play([['200 046 977', ['L’assistant a été mis à jour', 'Je reprends votre dossier', 'SIREN']]]);

    const draft = await findDraft(official.userId);
    expect(draft?.collectivity).toMatchObject({ name: 'Métropole de Lyon', departement: '69' });
  });
});
