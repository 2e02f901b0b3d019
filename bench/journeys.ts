// Whole applications as a scripted official types them (the journeys of test/dialogs), each with the
// dossier they must leave in the database, so a benchmark can check that nothing was lost or mixed up.
import type { Dossier } from '../dossiers/dossierSchema';

/** One turn: what the official says and a fragment each of the bot's replies must hold. */
export interface ScriptedTurn {
  say: string;
  expect: string[];
}

export interface Journey {
  kind: 'CTAI' | 'PTAI';
  /** Identifies the official's dossier: the collectivity name is unique to the journey. */
  collectivityName: string;
  turns: ScriptedTurn[];
  /** What the submitted dossier must hold, exactly. */
  expected: ExpectedDossier;
}

export type ExpectedDossier = Pick<Dossier, 'status' | 'scheme' | 'collectivity' | 'contact' | 'approach' | 'housingCommitted' | 'fields' | 'commitments'> & {
  diagnosticStatus: NonNullable<Dossier['diagnostic']>['status'];
  actions: Array<Omit<NonNullable<Dossier['actions']>[number], 'id'>>;
  skippedQuestions: string[];
};

const METROPOLE_DEPARTEMENTS = ['69', '13', '31', '33', '44', '59', '67', '06', '34', '35'];
const COMMUNE_DEPARTEMENTS = ['15', '03', '63', '29', '01', '87', '24', '12', '48', '19'];

/** Letters only (names refuse nothing, but a tag of letters reads like a real name): 0 → "Aa", 27 → "Bb"... */
function tagOf(n: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let tag = '';
  let rest = n;
  do {
    tag = letters[rest % 26] + tag;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `${letters[n % 26]!.toUpperCase()}${tag}`;
}

const turn = (say: string, ...expect: string[]): ScriptedTurn => ({ say, expect });

/** The CTAI of a métropole, 46 turns: three actions, two commitments, one optional answer skipped. */
export function ctaiJourney(n: number): Journey {
  const tag = tagOf(n);
  const name = `Métropole de ${tag}`;
  const departement = METROPOLE_DEPARTEMENTS[n % METROPOLE_DEPARTEMENTS.length]!;
  const beneficiaries = 100 + (n % 50);
  const premises = `La salle polyvalente ${tag}, deux demi-journées par semaine`;
  return {
    kind: 'CTAI',
    collectivityName: name,
    turns: [
      turn('Préparer une candidature', 'J’ai ouvert le dossier TI-', 'Quel est le nom'),
      turn(name, 'Dans quel département'),
      turn(departement, 'SIREN'),
      turn('200 046 977', 'habitants'),
      turn('1,4 million', 'personne à contacter'),
      turn(`Camille ${tag}`, 'fonction'),
      turn('Chargée de mission cohésion sociale', 'adresse électronique'),
      turn(`Camille.${tag}@GrandLyon.com`, 'téléphone'),
      turn('04 72 00 00 00', 'stratégie d’ensemble'),
      turn('Une stratégie d’ensemble', 'diagnostic territorial'),
      turn('il est réalisé', 'joindre le fichier du diagnostic territorial'),
      turn('plus tard', 'Prévoyez-vous d’en inclure'),
      turn('oui', 'Je vous recommande un **CTAI**', 'Quel dispositif retenez-vous'),
      turn('CTAI', 'C’est noté', 'Dans quels champs'),
      turn('logement, emploi et santé', 'Quel engagement'),
      turn('cofinancement et prêt d’une salle', 'Quel montant'),
      turn('50 000 €', 'Quelle salle'),
      turn(premises, 'valeur de ce prêt'),
      turn('passer', 'Décrivons maintenant les actions', 'intitulé'),
      turn(`Accompagnement vers le logement ${tag}`, 'Dans quel champ'),
      turn('Accès au logement', 'Décrivez l’action'),
      turn('Des ateliers collectifs et un suivi individuel pour préparer une demande de logement social.', 'À quel public'),
      turn('les deux', 'Combien de personnes'),
      turn(`environ ${beneficiaries} personnes`, 'coût total'),
      turn('40 000 €', 'financement demandez-vous'),
      turn('30 000', 'Qui porte'),
      turn('L’association Habitat et Humanisme', 'ajouter une autre action'),
      turn('oui', 'intitulé'),
      turn(`Parrainage vers l’emploi ${tag}`, 'Dans quel champ'),
      turn('emploi', 'Décrivez'),
      turn('Un parrainage par des professionnels du territoire.', 'public'),
      turn('BPI', 'Combien'),
      turn('40', 'coût'),
      turn('20 000', 'financement'),
      turn('10 000', 'Qui porte'),
      turn('La métropole', 'ajouter une autre action'),
      turn('oui', 'intitulé'),
      turn(`Médiation santé ${tag}`, 'champ'),
      turn('santé', 'Décrivez'),
      turn('Des permanences de médiation en santé dans trois centres sociaux.', 'public'),
      turn('primo-arrivants', 'Combien'),
      turn('200', 'coût'),
      turn('15 000', 'financement'),
      turn('5 000', 'Qui porte'),
      turn('Le CCAS', 'Vous avez décrit 3 actions'),
      turn('non', 'Voici le budget', 'Votre dossier est complet', 'Que souhaitez-vous faire'),
      turn('Déposer le dossier', 'Confirmez-vous'),
      turn('Oui', 'a été déposé', `préfecture du département ${departement}`),
    ],
    expected: {
      status: 'submitted',
      scheme: 'CTAI',
      collectivity: { name, kind: 'metropole', departement, siren: '200046977', population: 1_400_000 },
      contact: { name: `Camille ${tag}`, role: 'Chargée de mission cohésion sociale', email: `camille.${tag.toLowerCase()}@grandlyon.com`, phone: '+33472000000' },
      approach: 'strategy',
      diagnosticStatus: 'done',
      housingCommitted: true,
      fields: ['housing', 'employment', 'health'],
      commitments: [
        { kind: 'cofinancing', amountEuros: 50_000 },
        { kind: 'premises', detail: premises },
      ],
      actions: [
        {
          title: `Accompagnement vers le logement ${tag}`,
          field: 'housing',
          description: 'Des ateliers collectifs et un suivi individuel pour préparer une demande de logement social.',
          publics: ['primo_arrivants', 'bpi'],
          beneficiaries,
          costEuros: 40_000,
          stateFundingEuros: 30_000,
          carrier: 'L’association Habitat et Humanisme',
        },
        {
          title: `Parrainage vers l’emploi ${tag}`,
          field: 'employment',
          description: 'Un parrainage par des professionnels du territoire.',
          publics: ['bpi'],
          beneficiaries: 40,
          costEuros: 20_000,
          stateFundingEuros: 10_000,
          carrier: 'La métropole',
        },
        {
          title: `Médiation santé ${tag}`,
          field: 'health',
          description: 'Des permanences de médiation en santé dans trois centres sociaux.',
          publics: ['primo_arrivants'],
          beneficiaries: 200,
          costEuros: 15_000,
          stateFundingEuros: 5_000,
          carrier: 'Le CCAS',
        },
      ],
      skippedQuestions: ['commitments.premises.value'],
    },
  };
}

/** The PTAI of a small commune, 24 turns: two optional answers skipped, one action. */
export function ptaiJourney(n: number): Journey {
  const tag = tagOf(n);
  const name = `Commune de Saint-${tag}`;
  const departement = COMMUNE_DEPARTEMENTS[n % COMMUNE_DEPARTEMENTS.length]!;
  const population = 2_000 + (n % 1_000) * 10;
  return {
    kind: 'PTAI',
    collectivityName: name,
    turns: [
      turn('Préparer une candidature', 'Quel est le nom'),
      turn(name, 'département'),
      turn(departement, 'SIREN'),
      turn('je ne sais pas', 'habitants'),
      turn(`${population} habitants`, 'personne à contacter'),
      turn(`Louis ${tag}`, 'fonction'),
      turn('Adjoint aux solidarités', 'adresse électronique'),
      turn(`l.${tag}@saint-flour.fr`, 'téléphone'),
      turn('passer', 'stratégie d’ensemble'),
      turn('des actions ciblées', 'diagnostic'),
      turn('aucun', 'Je vous recommande un **PTAI**', 'Nous préparons donc un PTAI'),
      turn('mobilité', 'Quel engagement'),
      turn('relais dans la communication', 'relaierez-vous'),
      turn(`Un article dans le bulletin municipal de ${tag}`, 'intitulé'),
      turn(`Aide au permis de conduire ${tag}`, 'champ'),
      turn('Mobilité', 'Décrivez'),
      turn('Prise en charge de leçons de conduite.', 'public'),
      turn('les deux', 'Combien'),
      turn('12', 'coût'),
      turn('6 000 €', 'financement'),
      turn('6 000 €', 'Qui porte'),
      turn('La commune', 'ajouter une autre action'),
      turn('non', 'Votre dossier est complet'),
      turn('Déposer le dossier', 'Confirmez-vous'),
      turn('Oui', 'a été déposé'),
    ],
    expected: {
      status: 'submitted',
      scheme: 'PTAI',
      collectivity: { name, kind: 'commune', departement, population },
      contact: { name: `Louis ${tag}`, role: 'Adjoint aux solidarités', email: `l.${tag.toLowerCase()}@saint-flour.fr` },
      approach: 'targeted',
      diagnosticStatus: 'none',
      housingCommitted: undefined,
      fields: ['mobility'],
      commitments: [{ kind: 'communication', detail: `Un article dans le bulletin municipal de ${tag}` }],
      actions: [
        {
          title: `Aide au permis de conduire ${tag}`,
          field: 'mobility',
          description: 'Prise en charge de leçons de conduite.',
          publics: ['primo_arrivants', 'bpi'],
          beneficiaries: 12,
          costEuros: 6_000,
          stateFundingEuros: 6_000,
          carrier: 'La commune',
        },
      ],
      skippedQuestions: ['collectivity.siren', 'contact.phone'],
    },
  };
}

/** Alternates the two schemes, so a run mixes long and short applications. */
export function journeyFor(n: number): Journey {
  return n % 2 === 0 ? ctaiJourney(n) : ptaiJourney(n);
}

/**
 * The differences between a stored dossier and what the official typed, as readable lines (none when
 * the dossier holds exactly the answers given).
 */
export function dossierDifferences(dossier: Dossier | undefined, expected: ExpectedDossier): string[] {
  if (!dossier) return ['no dossier saved'];
  const actual = {
    status: dossier.status,
    scheme: dossier.scheme,
    collectivity: dossier.collectivity,
    contact: dossier.contact,
    approach: dossier.approach,
    diagnosticStatus: dossier.diagnostic?.status,
    housingCommitted: dossier.housingCommitted,
    fields: dossier.fields,
    commitments: dossier.commitments,
    actions: (dossier.actions ?? []).map(({ id: _id, ...action }) => action),
    skippedQuestions: [...(dossier.skippedQuestions ?? [])].sort(),
  };
  const wanted = { ...expected, skippedQuestions: [...expected.skippedQuestions].sort() };
  const differences: string[] = [];
  for (const key of Object.keys(wanted) as Array<keyof typeof wanted>) {
    const a = canonical(actual[key]);
    const b = canonical(wanted[key]);
    if (a !== b) differences.push(`${key}: saved ${a}, typed ${b}`);
  }
  return differences;
}

/** JSON with sorted keys and without undefined members, so that key order never makes a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  ) ?? 'undefined';
}
