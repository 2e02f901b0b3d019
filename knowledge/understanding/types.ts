// The vocabulary of understanding: what an official wants (intent), the question on screen (pending)
// and the values a message carries (entities), in plain data with no SDK type.
import type { Funder } from '../funders';
import type { Approach, CollectivityKind, CommitmentKind, DiagnosticStatus, IntegrationField, Public, Scheme } from '../schemes';

export const INTENTS = [
  'apply',
  'answer',
  'correct',
  'edit',
  'question',
  'help',
  'progress',
  'summary',
  'status',
  'cancel',
  'restart',
  'erase_data',
  'chitchat',
  'feedback',
  'source',
  'reply_prefecture',
] as const;
export type Intent = (typeof INTENTS)[number];

/** The questions of the journey, by the ids officials' messages are labelled with. */
export type QuestionId =
  | 'collectivity.name'
  | 'collectivity.kind'
  | 'collectivity.departement'
  | 'collectivity.siren'
  | 'collectivity.population'
  | 'contact.name'
  | 'contact.role'
  | 'contact.email'
  | 'contact.phone'
  | 'scheme.approach'
  | 'scheme.diagnostic'
  | 'scheme.housing'
  /** The diagnostic's file, sent with the paper clip; only « plus tard » is typed. */
  | 'scheme.diagnosticFile'
  | 'scheme.choice'
  | 'fields.selection'
  | 'commitments.kinds'
  | 'commitments.amount'
  | 'action.title'
  | 'action.field'
  | 'action.description'
  | 'action.publics'
  | 'action.beneficiaries'
  | 'action.cost'
  | 'action.stateShare'
  | 'action.carrier'
  | 'actions.more'
  | 'budget.otherFunders'
  | 'review.menu'
  | 'review.section'
  | 'review.confirm';

/** What is on screen: a question, nothing (the menu), or a dossier submitted earlier. */
export type Pending = QuestionId | 'none' | 'submitted';

export type Section =
  | 'collectivity'
  | 'contact'
  | 'scheme'
  | 'fields'
  | 'commitments'
  | 'actions'
  | 'budget';

/** A correction's or an edit's target: one question, or a whole section. */
export type Target = QuestionId | Section;

/** Forms of commitment as officials name them; « coordination » has no form of its own in the dossier. */
export type SpokenCommitment = CommitmentKind | 'coordination';

export interface Entities {
  collectivityName?: string;
  collectivityKind?: CollectivityKind;
  departement?: string;
  siren?: string;
  population?: number;
  personName?: string;
  role?: string;
  email?: string;
  /** National digits, e.g. "0612345678" (or "+…" when written internationally). */
  phone?: string;
  scheme?: Scheme;
  approach?: Approach;
  diagnostic?: DiagnosticStatus;
  fields?: IntegrationField[];
  commitments?: SpokenCommitment[];
  /** The detail said with an in-kind commitment (« on prête une salle à la médiathèque » → premises « une salle à la médiathèque »). */
  commitmentDetails?: Partial<Record<CommitmentKind, string>>;
  amount?: number;
  /** An amount said to be an action's total cost (« elle coûte 8 000 € »). */
  cost?: number;
  /** An amount said to be asked of the State (« dont 3 000 € demandés à l’État »). */
  stateShare?: number;
  count?: number;
  publics?: Public[];
  /** Funders other than the State and the collectivity named with their amount (« la CAF met aussi 10 000 € »), at another question than theirs. */
  funders?: Funder[];
  yesNo?: boolean;
  skip?: true;
  reference?: string;
  target?: Target;
  actionIndex?: number;
  section?: Section;
  number?: number;
}

export interface Understanding {
  intent: Intent;
  entities: Entities;
  /** The message without its openers (« attendez, », « excusez-moi mais »): what a question to the FAQ is. */
  core: string;
  /** A question that begins with an answer (« 76. c’est quoi un BPI ? »): the answer part, for the question on screen. */
  answerPart?: string;
  /** The value read for a free-text question comes from a hedged or long sentence: to be confirmed, not stored. */
  unsure?: true;
  /** A correction's other values (« c'est le 76 et 12 000 habitants »): they correct their own questions too. */
  also?: Entities;
  /** « c’est moi » on the contact's name: the official means themself, whose name is still to be given. */
  selfOnly?: true;
  /** « et aussi la santé »: the values add to an earlier list (the fields), they do not replace it. */
  adds?: true;
  /** « on retire l'emploi des champs »: the values leave an earlier list (the fields). */
  removes?: true;
  /** « ajouter une action sur le logement »: a new action, with the field named (in `entities.fields`) preset. */
  newAction?: true;
}
