// The passages of the seed text (shared/seed/territoires-integration.txt) that the scheme rules rest on.
// Each quote is copied verbatim from the seed, so a rule can always show the sentence it comes from.

export const SEED_REFERENCES = {
  'demarche': {
    id: 'demarche',
    quote:
      'Il s’agit d’une nouvelle démarche de l’Etat, qui se décline en contrats territoriaux d’accueil et d’intégration (CTAI) et en projets territoriaux d’accueil et d’intégration (PTAI) pour accompagner les collectivités territoriales désireuses de s’engager dans ce domaine.',
  },
  'financement-national': {
    id: 'financement-national',
    quote: '9 millions d’euros sont mobilisés pour financer localement des actions contribuant à la réussite de l’intégration de ce public étranger.',
  },
  'ctai-cible': {
    id: 'ctai-cible',
    quote:
      'Les contrats territoriaux d’accueil et d’intégration (CTAI) visent les grandes agglomérations désireuses de déployer une stratégie d’ensemble, déclinée dans des actions concrètes, en faveur de l’intégration des étrangers primo-arrivants, dont les BPI.',
  },
  'ctai-signataires': {
    id: 'ctai-signataires',
    quote: 'Les CTAI sont négociés et signés par les préfets avec les métropoles, les communautés urbaines ainsi qu’avec les départements et les régions volontaires.',
  },
  'ctai-diagnostic': {
    id: 'ctai-diagnostic',
    quote: 'répondent à des besoins identifiés par un diagnostic territorial',
  },
  'ctai-besoins': {
    id: 'ctai-besoins',
    quote:
      'notamment en matière d’accès aux soins, aux droits, au logement, à la formation linguistique, à l’emploi et aux offres sportives et culturelles',
  },
  'ctai-logement': {
    id: 'ctai-logement',
    quote: 'Les CTAI comportent obligatoirement des actions en faveur de l’accès au logement.',
  },
  'ctai-lettre-engagement': {
    id: 'ctai-lettre-engagement',
    quote:
      'En 2021, sept nouveaux territoires rejoignent la démarche de contractualisation avec l’État : les villes de Marseille, Tours, Besançon, Poitiers et le Havre et les métropoles de Rouen et de Montpellier se sont engagées en ce sens via une lettre d’engagement.',
  },
  'ptai-ouverture': {
    id: 'ptai-ouverture',
    quote:
      'Les projets territoriaux d’accueil et d’intégration (PTAI) sont à destination de toute collectivité désireuse de s’engager plus ponctuellement dans des actions en faveur de l’intégration des étrangers primo-arrivants, dont les BPI.',
  },
  'ptai-financement': {
    id: 'ptai-financement',
    quote:
      'peuvent mobiliser un financement de l’État d’ampleur variable, sans minimum, et s’inscrire dans un ou plusieurs champs de l’intégration (formation professionnelle, coordination linguistique...)',
  },
  'ptai-diagnostic': {
    id: 'ptai-diagnostic',
    quote: 'Un diagnostic territorial préalable n’est pas requis, même s’il est conseillé.',
  },
  'ptai-exemples': {
    id: 'ptai-exemples',
    quote:
      'De nombreux types de projets sont possibles, par exemple dans les domaines de la formation professionnelle, de l’accès à l\'emploi, des projets à visée sociale, de la mobilité, de la garde d’enfants, de coordinations linguistiques, etc.',
  },
  'ctai-cir': {
    id: 'ctai-cir',
    quote:
      'Ces actions, complémentaires au contrat d’intégration républicaine, s’inscrivent dans les priorités de la stratégie nationale d’accueil et d’intégration des réfugiés',
  },
  'ctai-metropoles-2019': {
    id: 'ctai-metropoles-2019',
    quote:
      'En 2019 et 2020, 11 métropoles se sont engagées dans la démarche de la contractualisation proposée par la Diair : Brest, Dijon, Lyon, Grenoble, Nantes, Toulouse, Rennes, Bordeaux, Clermont-Ferrand, Nancy et Strasbourg.',
  },
  'ptai-cir': {
    id: 'ptai-cir',
    quote: 'Les PTAI, complémentaires du contrat d’intégration républicaine',
  },
  'demarche-porteurs': {
    id: 'demarche-porteurs',
    quote:
      'En 2021, la Direction générale des étrangers en France (DGEF) et la Délégation interministérielle à l’accueil et à l’intégration des réfugiés (Diair) rapprochent leurs dispositifs de partenariats avec les collectivités pour mettre en place des "Territoires d’intégration".',
  },
  'engagement-collectivite': {
    id: 'engagement-collectivite',
    quote:
      'Un engagement pouvant se traduire de différentes manières est attendu de la collectivité (cofinancement, prêt d’une salle, mise à disposition d’un personnel, relais dans la communication, soutien à l’association porteuse de l’action...).',
  },
} as const satisfies Record<string, { id: string; quote: string }>;

export type SeedRefId = keyof typeof SEED_REFERENCES;

/** A pointer to the seed sentence a rule comes from. */
export interface SeedRef {
  readonly id: SeedRefId;
  readonly quote: string;
}

/** A French explanation given to the user, with the seed passage that justifies it. */
export interface Reason {
  readonly text: string;
  readonly ref: SeedRef;
}

export function seedRef(id: SeedRefId): SeedRef {
  return SEED_REFERENCES[id];
}
