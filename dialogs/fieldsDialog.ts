// Section 4: the integration fields, offered according to the scheme (housing pre-selected and required for a CTAI).
import { parseFields, type ParseResult } from '../knowledge/parsers';
import { FIELD_LABELS, fieldOptionsFor, IntegrationFieldSchema, type IntegrationField } from '../knowledge/schemes';
import { changedSelection } from '../knowledge/understanding/text';
import { answerText, type Answer } from './answerPrompt';
import type { DraftStore } from './draftStore';
import { MULTI_SELECT_INPUT, type QuestionSpec } from './questionCards';
import { QuestionSectionDialog, type Question } from './questionFlow';

export const FIELDS_DIALOG = 'fieldsDialog';

const fields: Question<IntegrationField[]> = {
  id: 'fields',
  parse: parseFieldSelection,
  ask: ({ dossier }) => {
    if (!dossier.scheme) return undefined;
    const options = fieldOptionsFor(dossier.scheme);
    const ordered = [...options.suggested, ...options.others];
    const requiredText = options.required.length > 0 ? ` L’accès au logement est obligatoire pour un ${dossier.scheme}.` : '';
    return {
      text: `Dans quels champs de l’intégration votre ${dossier.scheme} s’inscrit-il ? Vous pouvez en choisir plusieurs.${requiredText}`,
      help: `Choisissez un ou plusieurs champs, par exemple « logement, emploi et mobilité ». Champs possibles : ${ordered.map((field) => FIELD_LABELS[field].toLowerCase()).join(', ')}.`,
      multiSelect: {
        choices: ordered.map((value) => ({ value, title: FIELD_LABELS[value] })),
        selected: dossier.fields && dossier.fields.length > 0 ? [...dossier.fields] : options.required,
        required: options.required,
      },
    };
  },
  current: ({ dossier }) => (dossier.fields && dossier.fields.length > 0 ? dossier.fields.map((field) => FIELD_LABELS[field]).join(', ') : undefined),
  save: (dossier, value) => {
    dossier.fields = value;
  },
};

/** Reads the card's checked boxes, or a typed list; refuses a selection without a required field. */
function parseFieldSelection(answer: Answer, spec: QuestionSpec): ParseResult<IntegrationField[]> {
  const submitted = (answer.value as Record<string, unknown> | undefined)?.[MULTI_SELECT_INPUT];
  let selected: IntegrationField[];
  if (typeof submitted === 'string' || (answer.value !== undefined && answerText(answer) === '')) {
    selected = String(submitted ?? '')
      .split(',')
      .map((value) => IntegrationFieldSchema.safeParse(value.trim()))
      .flatMap((parsed) => (parsed.success ? [parsed.data] : []));
    if (selected.length === 0) return { ok: false, reason: 'Vous n’avez coché aucun champ. Cochez-en au moins un, ou écrivez-les, par exemple « logement et emploi ».' };
  } else {
    const parsed = parseFields(answerText(answer));
    if (!parsed.ok) return parsed;
    // « enlevez accès aux soins et l'emploi » changes the selection on screen; a plain list replaces it.
    selected = changedSelection(answerText(answer), (spec.multiSelect?.selected ?? []) as IntegrationField[], parsed.value);
    if (selected.length === 0) return { ok: false, reason: 'Il ne resterait aucun champ : indiquez au moins un champ à garder, par exemple « logement et emploi ».' };
  }
  const missing = (spec.multiSelect?.required ?? []).filter((field) => !selected.includes(field as IntegrationField));
  if (missing.length > 0) {
    const labels = missing.map((field) => FIELD_LABELS[field as IntegrationField].toLowerCase()).join(', ');
    return { ok: false, reason: `Pour un CTAI, le champ « ${labels} » est obligatoire : ajoutez-le à votre sélection.` };
  }
  return { ok: true, value: [...new Set(selected)] };
}

export class FieldsDialog extends QuestionSectionDialog {
  constructor(store: DraftStore) {
    super(FIELDS_DIALOG, store, [fields]);
  }
}
