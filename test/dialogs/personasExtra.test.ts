// Three more simulated officials (issue 13), to reach twelve: a commune (PTAI) that erases its phone,
// a communauté de communes told it cannot sign a CTAI, a département that asks two questions mid-way and
// corrects its budget twice. Their lines were written from the bot's questions and the scheme text before
// they were run; each completes and its dossier is read through the staff API.
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
    who: 'the commune of Millau (PTAI), whose officer asks for a summary, then has the wrong phone erased (« effacez-le », « pas de numéro »)',
    email: 'n.rouquette@millau.fr',
    conversation: [
      ['Bonjour, je travaille à la mairie de Millau, nous voudrions monter un projet territorial d’accueil et d’intégration.', ['J’ai ouvert le dossier', 'Millau', 'département']],
      ['on est dans l’Aveyron', 'SIREN'],
      ['Le SIREN c’est 211 201 454', 'habitants'],
      ['un peu plus de 22 000', 'contacter'],
      ['Nadia Rouquette', 'fonction'],
      ['je suis chargée de mission politique de la ville', 'adresse'],
      ['n.rouquette@millau.fr', 'téléphone'],
      ['05 65 59 50 00', 'stratégie'],
      ['résumé', ['Voici votre dossier', 'stratégie']],
      ['le téléphone est faux, effacez-le s’il vous plaît', ['modifions le téléphone', 'Actuellement']],
      ['pas de numéro', 'stratégie'],
      ['plutôt des actions ponctuelles, sur la formation linguistique et la garde d’enfants', ['J’ai aussi noté', 'diagnostic']],
      ['non, on n’en a pas fait', ['PTAI', 'engagement']],
      ['Est-ce qu’il faut quand même un diagnostic pour un PTAI ?', ['conseillé', 'engagement']],
      ['on met à disposition une salle de la maison des associations', 'locaux'],
      ['la grande salle, deux après-midi par semaine', 'valeur'],
      ['environ 2 000 € par an', 'intitulé'],
      ['Ateliers de français pour les parents', 'champ'],
      ['formation linguistique', 'Décrivez'],
      ['Deux ateliers par semaine à la maison des associations, avec une garderie sur place pendant les cours.', 'public'],
      ['des primo-arrivants surtout', 'Combien'],
      ['une quinzaine de parents', 'coût'],
      ['8 000 €', 'financement'],
      ['on demande 4 000 € à l’État', 'porte'],
      ['le centre social de Millau', 'ajouter'],
      ['oui, une autre pour la garde d’enfants', 'intitulé'],
      ['Halte-garderie solidaire', 'champ'],
      ['garde d’enfants', 'Décrivez'],
      ['Des places de halte-garderie réservées aux enfants des familles primo-arrivantes pendant leurs démarches et leurs cours.', 'public'],
      ['primo-arrivants', 'Combien'],
      ['10 familles', 'coût'],
      ['5 000 €', 'financement'],
      ['2 500 €', 'porte'],
      ['la commune', 'ajouter'],
      ['non merci', ['Votre dossier est complet', 'Que souhaitez-vous faire']],
      ['on peut déposer', 'Confirmez-vous'],
      ['oui', 'Accusé de dépôt'],
      ['statut ?', 'Déposé'],
    ],
    expected: {
      scheme: 'PTAI',
      collectivity: { name: 'Millau', kind: 'commune', departement: '12', siren: '211201454', population: 22_000 },
      contact: { name: 'Nadia Rouquette', role: 'chargée de mission politique de la ville', email: 'n.rouquette@millau.fr' },
      fields: ['language', 'childcare'],
      commitments: [{ kind: 'premises', estimatedValueEuros: 2_000 }],
      actions: [
        { title: 'Ateliers de français pour les parents', field: 'language', costEuros: 8_000, stateFundingEuros: 4_000, beneficiaries: 15, publics: ['primo_arrivants'] },
        { title: 'Halte-garderie solidaire', field: 'childcare', costEuros: 5_000, stateFundingEuros: 2_500, beneficiaries: 10, publics: ['primo_arrivants'] },
      ],
    },
    absent: ['contact.phone'],
  },
  {
    who: 'a communauté de communes that asks to sign a CTAI, is told it cannot, asks why, and goes on with a PTAI',
    email: 'h.bouscarel@grand-figeac.fr',
    conversation: [
      ['Bonjour, la Communauté de communes du Grand Figeac souhaiterait signer un CTAI avec la préfecture du Lot.', ['J’ai ouvert le dossier', 'SIREN']],
      ['nous n’avons pas le SIREN sous les yeux', 'habitants'],
      ['44 000 habitants environ', 'contacter'],
      ['Mme Hélène Bouscarel, vice-présidente chargée de la cohésion sociale', 'Hélène Bouscarel, c’est bien ça ?'],
      ['oui', 'adresse'],
      ['h.bouscarel@grand-figeac.fr', 'téléphone'],
      ['05 65 11 22 33', 'stratégie'],
      ['Une stratégie d’ensemble, c’est pour ça qu’on voulait un CTAI.', 'diagnostic'],
      ['Pourquoi une communauté de communes ne pourrait-elle pas signer de CTAI ?', ['métropoles', 'diagnostic']],
      ['Le diagnostic est prévu pour l’an prochain.', ['signataires', 'PTAI', 'champs']],
      ['la mobilité et l’emploi', 'engagement'],
      ['Nous cofinançons 10 000 € et nous mettons un agent à disposition.', ['J’ai aussi noté', 'personnel']],
      ['un agent du service mobilité, deux jours par semaine', 'valeur'],
      ['12 000 € par an', 'intitulé'],
      ['Navette vers les formations', 'champ'],
      ['mobilité', 'Décrivez'],
      ['Une navette deux fois par semaine depuis les villages vers Figeac, pour les cours de français, les formations et les rendez-vous à France Travail.', 'public'],
      ['BPI et primo-arrivants', 'Combien'],
      ['30 personnes', 'coût'],
      ['20 000 €', 'financement'],
      ['10 000 €', 'porte'],
      ['la communauté de communes', 'ajouter'],
      ['non', ['Que souhaitez-vous faire']],
      ['Déposer le dossier.', 'Confirmez-vous'],
      ['Oui, je confirme.', 'Accusé de dépôt'],
      ['Quel est le statut de notre dossier ?', 'Déposé'],
    ],
    expected: {
      scheme: 'PTAI',
      collectivity: { name: 'Communauté de communes du Grand Figeac', kind: 'communaute_de_communes', departement: '46', population: 44_000 },
      contact: { name: 'Hélène Bouscarel', role: 'vice-présidente chargée de la cohésion sociale', email: 'h.bouscarel@grand-figeac.fr', phone: '+33565112233' },
      fields: ['mobility', 'employment'],
      commitments: [{ kind: 'cofinancing', amountEuros: 10_000 }, { kind: 'staff', estimatedValueEuros: 12_000 }],
      actions: [{ title: 'Navette vers les formations', field: 'mobility', costEuros: 20_000, stateFundingEuros: 10_000, beneficiaries: 30, publics: ['primo_arrivants', 'bpi'] }],
    },
    absent: ['collectivity.siren'],
  },
  {
    who: 'a département (CTAI) that asks two questions mid-way and corrects its budget twice: an action’s cost before adding the next, the State share from the review',
    email: 'arnaud.chassagne@puy-de-dome.fr',
    conversation: [
      ['Bonjour, je suis chargé de mission au Conseil départemental du Puy-de-Dôme, nous voulons candidater à un CTAI.', ['J’ai ouvert le dossier', 'SIREN']],
      ['226 300 010', 'habitants'],
      ['environ 670 000 habitants', 'contacter'],
      ['Moi-même, Arnaud Chassagne.', 'adresse'],
      ['arnaud.chassagne@puy-de-dome.fr', 'téléphone'],
      ['04 73 42 20 20', 'stratégie'],
      ['Une stratégie globale : le logement, l’emploi et la santé.', ['J’ai aussi noté', 'diagnostic']],
      ['Le diagnostic doit-il être terminé avant de déposer le dossier ?', ['préfecture', 'diagnostic']],
      ['Il est prévu pour le premier semestre 2027.', 'logement'],
      ['Oui.', ['CTAI', 'engagement']],
      ['Les actions culturelles et sportives peuvent-elles être financées ?', ['sport', 'engagement']],
      ['Un cofinancement de 100 000 €.', 'intitulé'],
      ['Accès au logement des réfugiés', 'champ'],
      ['logement', 'Décrivez'],
      ['Captation de logements dans le parc privé et accompagnement social de 60 ménages réfugiés dans les bassins de Clermont et de Thiers.', 'public'],
      ['BPI', 'Combien'],
      ['60 ménages, environ 170 personnes', 'coût'],
      ['120 000 €', 'financement'],
      ['60 000 €', 'porte'],
      ['l’association Forum Réfugiés', 'ajouter'],
      ['Avant cela, je dois corriger le budget : l’action 1 coûte 140 000 € et non 120 000 €.', ['C’est corrigé', 'ajouter']],
      ['Oui, une action pour l’emploi.', 'intitulé'],
      ['Parcours emploi des réfugiés', 'champ'],
      ['emploi', 'Décrivez'],
      ['Un accompagnement de neuf mois avec France Travail : bilan de compétences, stages en entreprise et suivi individuel.', 'public'],
      ['les primo-arrivants et les BPI', 'Combien'],
      ['80 personnes', 'coût'],
      ['90 000 €', 'financement'],
      ['45 000 €', 'porte'],
      ['France Travail', 'ajouter'],
      ['Non, c’est tout.', ['Votre dossier est complet', 'Que souhaitez-vous faire']],
      ['Le financement demandé à l’État pour l’action 2 est de 40 000 €, pas 45 000 €.', ['40', 'Que souhaitez-vous faire']],
      ['Nous pouvons déposer.', 'Confirmez-vous'],
      ['Oui, je confirme.', 'Accusé de dépôt'],
      ['Où en est notre dossier ?', 'Déposé'],
    ],
    expected: {
      scheme: 'CTAI',
      collectivity: { name: 'Conseil départemental du Puy-de-Dôme', kind: 'departement', departement: '63', siren: '226300010', population: 670_000 },
      contact: { name: 'Arnaud Chassagne', role: 'chargé de mission', email: 'arnaud.chassagne@puy-de-dome.fr', phone: '+33473422020' },
      fields: ['housing', 'employment', 'health'],
      diagnostic: { status: 'planned' },
      commitments: [{ kind: 'cofinancing', amountEuros: 100_000 }],
      actions: [
        { title: 'Accès au logement des réfugiés', field: 'housing', costEuros: 140_000, stateFundingEuros: 60_000, beneficiaries: 170, publics: ['bpi'] },
        { title: 'Parcours emploi des réfugiés', field: 'employment', costEuros: 90_000, stateFundingEuros: 40_000, beneficiaries: 80, publics: ['primo_arrivants', 'bpi'] },
      ],
    },
  },
];

describe('Simulated officials, continued', () => {
  test.each(PERSONAS.map((persona) => [persona.who, persona] as const))('When %s applies, then the dossier received holds what they meant', async (_who, persona) => {
    await expectDossierAsMeant(app.url, staff, persona);
  });
});
