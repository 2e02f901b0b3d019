// Simulated officials who write as officials do: sentences, a correction, a question mid-way, a command
// with punctuation, an edit from the review, a status request after submitting. Each completes a whole
// application through the real bot; the dossier the prefecture receives is read through the staff API.
import { staffKey } from '../api/staffApiSupport';
import { expectDossierAsMeant, type Persona } from '../support/personas';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;
let staff: string;

beforeAll(async () => {
  app = await startTestApp();
  staff = await staffKey(app.staffAccounts, 'admin');
});

afterAll(async () => {
  await app.close();
});

const PERSONAS: Persona[] = [
  {
    who: 'a hurried secretary of a small commune of the Cantal (PTAI), writing without accents',
    email: 'm.vidal@saint-flour.fr',
    conversation: [
      ['bjr je veux faire un dossier ptai pour la commune', ['J’ai ouvert le dossier', 'Quel est le nom']],
      ['Commune de Saint-Flour', 'département'],
      ['cantal', 'SIREN'],
      ['je l’ai pas', 'habitants'],
      ['environ 6 500', 'personne à contacter'],
      ['c’est moi, Martine Vidal', 'fonction'],
      ['secretaire de mairie', 'adresse'],
      ['mairie@saint-flour.fr', 'téléphone'],
      ['04 71 60 00 00', 'stratégie'],
      ['juste quelques actions ciblees', 'diagnostic'],
      ['ah pardon le numero c’est 04 71 60 11 11 pas 04 71 60 00 00', ['C’est corrigé : téléphone', 'diagnostic']],
      ['pas encore commencé', ['PTAI', 'champs']],
      ['emploi', 'engagement'],
      ['attendez, c’est quoi un BPI ?', ['protection internationale', 'engagement']],
      ['on prete une salle', 'locaux'],
      ['la salle du conseil, une matinée par mois', 'valeur'],
      ['aucune idée', 'intitulé'],
      ['Permanence emploi', 'champ'],
      ['emploi', 'Décrivez'],
      ['Une permanence mensuelle avec France Travail à la mairie, elle coûte 3 000 € dont 1 500 € demandés à l’État.', ['J’ai aussi noté', 'public']],
      ['les deux', 'Combien'],
      ['une vingtaine', 'porte'],
      ['la commune', 'ajouter'],
      ['non c’est tout', 'Votre dossier est complet'],
      ['modifier l’e-mail du contact', ['modifions', 'Actuellement : « mairie@saint']],
      ['m.vidal@saint-flour.fr', 'Que souhaitez-vous faire'],
      ['c’est bon on dépose', 'Confirmez-vous'],
      ['oui', 'Accusé de dépôt'],
      ['où en est mon dossier ?', 'Déposé'],
    ],
    expected: {
      scheme: 'PTAI',
      collectivity: { name: 'Commune de Saint-Flour', kind: 'commune', departement: '15', population: 6_500 },
      contact: { name: 'Martine Vidal', role: 'secretaire de mairie', email: 'm.vidal@saint-flour.fr', phone: '+33471601111' },
      actions: [{ title: 'Permanence emploi', field: 'employment', costEuros: 3_000, stateFundingEuros: 1_500, beneficiaries: 20, publics: ['primo_arrivants', 'bpi'] }],
    },
  },
  {
    who: 'a formal project officer of a métropole (CTAI) who gives a lot in the first sentence',
    email: 'j.morel@nantesmetropole.fr',
    conversation: [
      ['Bonjour, je suis chargée de mission à Nantes Métropole et nous souhaitons préparer une candidature pour un CTAI.', ['J’ai ouvert le dossier', 'département']],
      ['Loire-Atlantique (44)', 'SIREN'],
      ['Notre SIREN est le 244 400 404.', 'habitants'],
      ['Environ 680 000 habitants.', 'personne à contacter'],
      ['Ce sera moi-même, Julie Morel.', 'adresse'],
      ['En fait la population est de 690 000 habitants, pas 680 000.', ['C’est corrigé : population', 'adresse']],
      ['j.morel@nantesmetropole.fr', 'téléphone'],
      ['Pas de ligne directe, merci.', 'stratégie'],
      ['Une stratégie d’ensemble, sur le logement, l’emploi et la formation linguistique.', ['J’ai aussi noté', 'diagnostic']],
      ['Où en sommes-nous ?', ['Collectivité', 'diagnostic']],
      ['Le diagnostic est réalisé depuis le printemps.', 'joindre le fichier'],
      ['Je vous l’enverrai plus tard.', 'logement'],
      ['Oui, nous prévoyons des actions en faveur de l’accès au logement.', ['CTAI']],
      ['un cofinancement de 40 000 € et un agent à mi-temps', ['J’ai aussi noté : cofinancement : 40', 'personnel']],
      ['une chargée de mission à mi-temps pendant trois ans', 'valeur'],
      ['environ 25 000 € par an', 'intitulé'],
      ['Intermédiation locative', 'champ'],
      ['logement', 'Décrivez'],
      ['Un accompagnement de 30 ménages vers un logement autonome avec une association.', 'public'],
      ['BPI', 'Combien'],
      ['30 ménages, soit environ 80 personnes', 'coût'],
      ['120 000 €', 'financement'],
      ['60 000', 'porte'],
      ['l’association Habitat et Humanisme', 'ajouter'],
      ['non', ['Valeur estimée des apports en nature', 'Que souhaitez-vous faire']],
      ['modifier les champs', ['modifions', 'champs']],
      ['seulement le logement', 'Votre dossier est complet'],
      ['Déposer le dossier.', 'Confirmez-vous'],
      ['oui, je confirme', 'Accusé de dépôt'],
      ['Quel est le statut de notre candidature ?', 'Déposé'],
    ],
    expected: {
      scheme: 'CTAI',
      collectivity: { name: 'Nantes Métropole', kind: 'metropole', departement: '44', siren: '244400404', population: 690_000 },
      contact: { name: 'Julie Morel', role: 'chargée de mission', email: 'j.morel@nantesmetropole.fr' },
      fields: ['housing'],
      actions: [{ field: 'housing', beneficiaries: 80, costEuros: 120_000, stateFundingEuros: 60_000, publics: ['bpi'] }],
    },
  },
  {
    who: 'a communauté de communes that asks for a CTAI and is steered to a PTAI, writing in SMS style',
    email: 'c.leroy@cc-paysdelure.fr',
    conversation: [
      ['slt on veut un ctai pour la com com du pays de lure', ['J’ai ouvert le dossier', 'département']],
      ['haute saone', 'SIREN'],
      ['passer', 'habitants'],
      ['jsp', 'personne à contacter'],
      ['Cédric Leroy', 'fonction'],
      ['dga', 'adresse'],
      ['c.leroy@cc-paysdelure.fr', 'téléphone'],
      ['en fait la fonction c’est directeur general adjoint', ['C’est corrigé : fonction', 'téléphone']],
      ['pas de tel', 'stratégie'],
      ['des actions ciblées sur la mobilite', ['J’ai aussi noté', 'diagnostic']],
      ['c koi la diff entre ctai et ptai ?', ['CTAI', 'diagnostic']],
      ['aucun', 'PTAI'],
      ['une salle', 'locaux'],
      ['la salle des fetes le mardi', 'valeur'],
      ['passer', 'intitulé'],
      ['Transport solidaire', 'champ'],
      ['mobilite', 'Décrivez'],
      ['des trajets vers les cours de francais et les rdv administratifs, ca coute 6000 € dont 3000 € demandés à l’État', ['J’ai aussi noté', 'public']],
      ['primo arrivants', 'Combien'],
      ['15', 'porte'],
      ['la com com', 'ajouter'],
      ['non', 'Votre dossier est complet'],
      ['changer le nombre de bénéficiaires de l’action 1', 'Actuellement'],
      ['25', 'Que souhaitez-vous faire'],
      ['deposer !', 'Confirmez-vous'],
      ['ok', 'Accusé de dépôt'],
      ['et mon dossier il en est ou ???', 'Déposé'],
    ],
    expected: {
      scheme: 'PTAI',
      collectivity: { name: 'Communauté de communes du Pays de Lure', kind: 'communaute_de_communes', departement: '70' },
      contact: { name: 'Cédric Leroy', role: 'directeur general adjoint', email: 'c.leroy@cc-paysdelure.fr' },
      actions: [{ title: 'Transport solidaire', field: 'mobility', beneficiaries: 25, costEuros: 6_000, stateFundingEuros: 3_000, publics: ['primo_arrivants'] }],
    },
  },
];

describe('Simulated officials', () => {
  test.each(PERSONAS.map((persona) => [persona.who, persona] as const))('When %s applies, then the dossier received holds what they meant', async (_who, persona) => {
    await expectDossierAsMeant(app.url, staff, persona);
  });
});
