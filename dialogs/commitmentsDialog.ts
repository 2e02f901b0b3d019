// Section 5: how the collectivity commits (cofinancing, a room, staff, communication, support to the
// carrying association…), each form with its detail and, for in-kind help, an optional estimated value.
import { formatEuros } from '../knowledge/formatting';
import { parseCommitmentKinds, parseEuros, type ParseResult } from '../knowledge/parsers';
import { COMMITMENT_KIND_LABELS, CommitmentKindSchema, type CommitmentKind } from '../knowledge/schemes';
import { TEXT_LIMITS, type Dossier } from '../dossiers/dossierSchema';
import { estimatedValueIn } from '../knowledge/understanding/commitmentDetails';
import { changedSelection } from '../knowledge/understanding/text';
import { answerText, type Answer } from './answerPrompt';
import type { DraftStore } from './draftStore';
import { MULTI_SELECT_INPUT, type QuestionSpec } from './questionCards';
import { fromText, parseFreeText, QuestionSectionDialog, type AnyQuestion, type Question } from './questionFlow';

export const COMMITMENTS_DIALOG = 'commitmentsDialog';

type Commitment = NonNullable<Dossier['commitments']>[number];

const kinds: Question<CommitmentKind[]> = {
  id: 'commitments.kinds',
  parse: parseKindSelection,
  ask: ({ dossier }) => ({
    text: 'Quel engagement votre collectivité prend-elle dans le projet ? Vous pouvez en choisir plusieurs.',
    help: 'Un engagement de la collectivité est attendu ; il peut prendre plusieurs formes : cofinancement, prêt d’une salle, mise à disposition d’un personnel, relais dans la communication, soutien à l’association porteuse de l’action… Par exemple « cofinancement et prêt d’une salle ».',
    multiSelect: {
      choices: CommitmentKindSchema.options.map((value) => ({ value, title: COMMITMENT_KIND_LABELS[value] })),
      selected: (dossier.commitments ?? []).map((commitment) => commitment.kind),
    },
  }),
  current: ({ dossier }) =>
    dossier.commitments && dossier.commitments.length > 0 ? dossier.commitments.map((commitment) => COMMITMENT_KIND_LABELS[commitment.kind]).join(', ') : undefined,
  save: (dossier, value) => {
    // Keep the details already given for the forms that stay.
    dossier.commitments = value.map((kind) => dossier.commitments?.find((commitment) => commitment.kind === kind) ?? { kind });
  },
};

function parseKindSelection(answer: Answer, spec: QuestionSpec): ParseResult<CommitmentKind[]> {
  const submitted = (answer.value as Record<string, unknown> | undefined)?.[MULTI_SELECT_INPUT];
  if (typeof submitted === 'string' || (answer.value !== undefined && answerText(answer) === '')) {
    const selected = String(submitted ?? '')
      .split(',')
      .map((value) => CommitmentKindSchema.safeParse(value.trim()))
      .flatMap((parsed) => (parsed.success ? [parsed.data] : []));
    if (selected.length === 0) return { ok: false, reason: 'Vous n’avez coché aucune forme d’engagement. Cochez-en au moins une, ou écrivez-la, par exemple « cofinancement ».' };
    return { ok: true, value: [...new Set(selected)] };
  }
  const parsed = parseCommitmentKinds(answerText(answer));
  if (!parsed.ok) return parsed;
  // « retirez la communication » changes the selection on screen; a plain list replaces it.
  const selected = changedSelection(answerText(answer), (spec.multiSelect?.selected ?? []) as CommitmentKind[], parsed.value);
  if (selected.length === 0) return { ok: false, reason: 'Il ne resterait aucun engagement : indiquez au moins une forme d’engagement, par exemple « cofinancement ».' };
  return { ok: true, value: selected };
}

/** The detail question of one form of commitment, asked only when that form was chosen. */
function detail(kind: CommitmentKind, text: string, help: string, example: string, valued = false): Question<string> {
  return {
    id: `commitments.${kind}.detail`,
    parse: parseFreeText(example, TEXT_LIMITS.detail),
    ask: ({ dossier }) => (find(dossier, kind) ? { text, help, declinable: true } : undefined),
    current: ({ dossier }) => find(dossier, kind)?.detail,
    // « une coordinatrice à mi-temps, valorisée à 25 000 € par an »: the value said with the detail answers the value question too.
    save: (dossier, value) => update(dossier, kind, { detail: value, ...(valued && find(dossier, kind)?.estimatedValueEuros === undefined ? valueIn(value) : {}) }),
    // « aucune, je n'ai pas parlé de soutien »: that form was never chosen, it leaves the commitments.
    deny: (dossier) => {
      dossier.commitments = (dossier.commitments ?? []).filter((commitment) => commitment.kind !== kind);
      return `D’accord : je retire « ${COMMITMENT_KIND_LABELS[kind]} » de vos engagements.`;
    },
  };
}

/** A euro amount written in a detail (« valorisée à 25 000 € par an »), as the estimated value. */
function valueIn(text: string): Partial<Commitment> {
  const value = estimatedValueIn(text);
  return value === undefined ? {} : { estimatedValueEuros: value };
}

/** The optional estimated value of an in-kind commitment, so the budget shows the whole contribution. */
function estimatedValue(kind: CommitmentKind, what: string): Question<number> {
  return {
    id: `commitments.${kind}.value`,
    parse: fromText(parseEuros),
    ask: ({ dossier }) =>
      find(dossier, kind)
        ? {
            text: `À combien estimez-vous la valeur ${what}, en euros ?`,
            help: 'Une estimation suffit, par exemple « 3 000 € » : elle permet de montrer la contribution totale de la collectivité dans le budget. Cette question est facultative.',
            optional: true,
          }
        : undefined,
    current: ({ dossier }) => {
      const value = find(dossier, kind)?.estimatedValueEuros;
      return value === undefined ? undefined : formatEuros(value);
    },
    save: (dossier, value) => update(dossier, kind, { estimatedValueEuros: value }),
    clear: (dossier) => {
      delete find(dossier, kind)?.estimatedValueEuros;
    },
  };
}

const cofinancingAmount: Question<number> = {
  id: 'commitments.cofinancing.amount',
  parse: fromText(parseEuros),
  ask: ({ dossier }) =>
    find(dossier, 'cofinancing')
      ? {
          text: 'Quel montant la collectivité apporte-t-elle en cofinancement ?',
          help: 'J’attends un montant en euros, par exemple « 15 000 € », « 15 k€ » ou « 1,5 M€ ».',
        }
      : undefined,
  current: ({ dossier }) => {
    const amount = find(dossier, 'cofinancing')?.amountEuros;
    return amount === undefined ? undefined : formatEuros(amount);
  },
  save: (dossier, value) => update(dossier, 'cofinancing', { amountEuros: value }),
};

const QUESTIONS: AnyQuestion[] = [
  kinds,
  cofinancingAmount,
  detail(
    'premises',
    'Quelle salle ou quels locaux prêtez-vous, et à quel rythme ?',
    'Décrivez la salle et sa disponibilité, par exemple « la salle polyvalente de la maison des associations, deux demi-journées par semaine ».',
    '« la salle polyvalente, deux demi-journées par semaine »',
    true,
  ),
  estimatedValue('premises', 'de ce prêt de locaux'),
  detail(
    'staff',
    'Quel personnel mettez-vous à disposition, et pour combien de temps ?',
    'Décrivez le poste et le temps consacré, par exemple « une travailleuse sociale à mi-temps pendant un an ».',
    '« un agent à mi-temps pendant un an »',
    true,
  ),
  estimatedValue('staff', 'de ce temps de personnel'),
  detail(
    'communication',
    'Comment relaierez-vous l’action dans votre communication ?',
    'Décrivez les supports, par exemple « article dans le magazine municipal et publication sur le site de la ville ».',
    '« article dans le magazine municipal »',
  ),
  detail(
    'association_support',
    'Quelle association soutenez-vous, et de quelle manière ?',
    'Nommez l’association porteuse et la forme du soutien, par exemple « l’association Accueil Réfugiés 69, par une subvention et un appui logistique ».',
    '« l’association Accueil Réfugiés 69, par un appui logistique »',
  ),
  detail('other', 'Décrivez cet autre engagement de la collectivité.', 'Décrivez l’engagement en une ou deux phrases.', '« mise à disposition d’un véhicule »'),
];

function find(dossier: Dossier, kind: CommitmentKind): Commitment | undefined {
  return dossier.commitments?.find((commitment) => commitment.kind === kind);
}

function update(dossier: Dossier, kind: CommitmentKind, patch: Partial<Commitment>): void {
  dossier.commitments = (dossier.commitments ?? []).map((commitment) => (commitment.kind === kind ? { ...commitment, ...patch } : commitment));
}

export class CommitmentsDialog extends QuestionSectionDialog {
  constructor(store: DraftStore) {
    super(COMMITMENTS_DIALOG, store, QUESTIONS, { intro: 'Parlons de l’engagement de votre collectivité dans le projet.' });
  }
}
