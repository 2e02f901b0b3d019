// Section 1: the collectivity: name, kind, département, and optionally SIREN and population.
import { TEXT_LIMITS } from '../dossiers/dossierSchema';
import { formatInteger } from '../knowledge/formatting';
import { parseCollectivityKind, parseDepartement, parsePopulation, parseSiren } from '../knowledge/parsers';
import { COLLECTIVITY_KIND_LABELS, CollectivityKindSchema, type CollectivityKind } from '../knowledge/schemes';
import type { DraftStore } from './draftStore';
import { fromText, parseFreeText, QuestionSectionDialog, type Question } from './questionFlow';

export const COLLECTIVITY_DIALOG = 'collectivityDialog';

const name: Question<string> = {
  id: 'collectivity.name',
  parse: parseFreeText('« Métropole de Lyon » ou « Commune de Saint-Flour »', TEXT_LIMITS.name),
  ask: () => ({
    text: 'Quel est le nom de votre collectivité ?',
    help: 'J’attends le nom officiel de la collectivité qui candidate, par exemple « Métropole de Lyon » ou « Commune de Saint-Flour ».',
  }),
  current: ({ dossier }) => dossier.collectivity?.name,
  save: (dossier, value) => {
    dossier.collectivity = { ...dossier.collectivity, name: value };
    // "Métropole de Lyon" already says the kind: the next question is then skipped (and can be changed at the review).
    const kind = parseCollectivityKind(value);
    if (kind.ok && !dossier.collectivity.kind && kind.value !== 'other') dossier.collectivity.kind = kind.value;
  },
};

const kind: Question<CollectivityKind> = {
  id: 'collectivity.kind',
  parse: fromText(parseCollectivityKind),
  ask: () => ({
    text: 'De quel type de collectivité s’agit-il ?',
    help: 'J’attends le type de votre collectivité : commune, communauté de communes, communauté d’agglomération, communauté urbaine, métropole, département, région ou autre. Vous pouvez l’écrire librement, par exemple « on est une métropole ».',
    choices: CollectivityKindSchema.options.map((value) => ({ value, title: COLLECTIVITY_KIND_LABELS[value] })),
  }),
  current: ({ dossier }) => (dossier.collectivity?.kind ? COLLECTIVITY_KIND_LABELS[dossier.collectivity.kind] : undefined),
  save: (dossier, value) => {
    dossier.collectivity = { ...dossier.collectivity, kind: value };
  },
};

const departement: Question<string> = {
  id: 'collectivity.departement',
  parse: fromText(parseDepartement),
  ask: () => ({
    text: 'Dans quel département se trouve-t-elle ? Indiquez son numéro ou son nom.',
    help: 'J’attends le numéro ou le nom du département, qui désigne la préfecture destinataire du dossier : par exemple 69, Isère, 2A, 2B ou 974.',
  }),
  current: ({ dossier }) => dossier.collectivity?.departement,
  save: (dossier, value) => {
    dossier.collectivity = { ...dossier.collectivity, departement: value };
  },
};

const siren: Question<string> = {
  id: 'collectivity.siren',
  parse: fromText(parseSiren),
  ask: () => ({
    text: 'Quel est le numéro SIREN de la collectivité ?',
    help: 'Le SIREN comporte 9 chiffres, par exemple 200 046 977. Il figure sur l’avis de situation au répertoire SIRENE. Cette question est facultative.',
    optional: true,
  }),
  current: ({ dossier }) => dossier.collectivity?.siren,
  save: (dossier, value) => {
    dossier.collectivity = { ...dossier.collectivity, siren: value };
  },
  clear: (dossier) => {
    if (dossier.collectivity) delete dossier.collectivity.siren;
  },
};

const population: Question<number> = {
  id: 'collectivity.population',
  parse: fromText(parsePopulation),
  ask: () => ({
    text: 'Combien d’habitants compte votre territoire ?',
    help: 'J’attends un nombre d’habitants, par exemple « 12 000 », « 12000 habitants » ou « 1,4 million ». Cette question est facultative.',
    optional: true,
  }),
  current: ({ dossier }) => (dossier.collectivity?.population === undefined ? undefined : formatInteger(dossier.collectivity.population)),
  save: (dossier, value) => {
    dossier.collectivity = { ...dossier.collectivity, population: value };
  },
  clear: (dossier) => {
    if (dossier.collectivity) delete dossier.collectivity.population;
  },
};

export class CollectivityDialog extends QuestionSectionDialog {
  constructor(store: DraftStore) {
    super(COLLECTIVITY_DIALOG, store, [name, kind, departement, siren, population], {
      intro: 'Commençons par votre collectivité.',
    });
  }
}
