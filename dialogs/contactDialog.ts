// Section 2: the person the prefecture will contact about the dossier.
import { TEXT_LIMITS } from '../dossiers/dossierSchema';
import { parseEmail, parsePhone } from '../knowledge/parsers';
import { formatPhone } from '../knowledge/formatting';
import type { DraftStore } from './draftStore';
import { fromText, parseFreeText, QuestionSectionDialog, type Question } from './questionFlow';

export const CONTACT_DIALOG = 'contactDialog';

const name: Question<string> = {
  id: 'contact.name',
  parse: parseFreeText('« Camille Martin »', TEXT_LIMITS.name),
  ask: () => ({
    text: 'Qui est la personne à contacter pour ce dossier ? Indiquez son prénom et son nom.',
    help: 'J’attends le prénom et le nom de la personne que la préfecture pourra joindre, par exemple « Camille Martin ».',
  }),
  current: ({ dossier }) => dossier.contact?.name,
  save: (dossier, value) => {
    dossier.contact = { ...dossier.contact, name: value };
  },
};

const role: Question<string> = {
  id: 'contact.role',
  parse: parseFreeText('« chargée de mission cohésion sociale »', TEXT_LIMITS.name),
  ask: () => ({
    text: 'Quelle est sa fonction ?',
    help: 'J’attends la fonction de cette personne dans la collectivité, par exemple « chargée de mission cohésion sociale » ou « directeur des solidarités ».',
  }),
  current: ({ dossier }) => dossier.contact?.role,
  save: (dossier, value) => {
    dossier.contact = { ...dossier.contact, role: value };
  },
};

const email: Question<string> = {
  id: 'contact.email',
  parse: fromText(parseEmail),
  ask: () => ({
    text: 'Quelle est son adresse électronique ?',
    help: 'J’attends une adresse électronique professionnelle, par exemple prenom.nom@ville-exemple.fr.',
  }),
  current: ({ dossier }) => dossier.contact?.email,
  save: (dossier, value) => {
    dossier.contact = { ...dossier.contact, email: value };
  },
};

const phone: Question<string> = {
  id: 'contact.phone',
  parse: fromText(parsePhone),
  ask: () => ({
    text: 'Et son numéro de téléphone ?',
    help: 'J’attends un numéro français, par exemple 04 72 00 00 00 ou +33 6 12 34 56 78. Cette question est facultative.',
    optional: true,
  }),
  current: ({ dossier }) => dossier.contact?.phone && formatPhone(dossier.contact.phone),
  save: (dossier, value) => {
    dossier.contact = { ...dossier.contact, phone: value };
  },
  clear: (dossier) => {
    if (dossier.contact) delete dossier.contact.phone;
  },
};

export class ContactDialog extends QuestionSectionDialog {
  constructor(store: DraftStore) {
    super(CONTACT_DIALOG, store, [name, role, email, phone], {
      intro: 'Passons à la personne à contacter pour ce dossier.',
    });
  }
}
