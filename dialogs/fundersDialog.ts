// Section 7, after the computed budget: the other funders of the project (CAF, région, fondation…), with their amounts.
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { formatEuros } from '../knowledge/formatting';
import { FUNDER_LIMITS, fundersText, parseFunders, type Funder, type FundersAnswer } from '../knowledge/funders';
import { normalizeText, parseEuros, type ParseResult } from '../knowledge/parsers';
import { AnswerPrompt, type AnswerOutcome } from './answerPrompt';
import type { DraftStore } from './draftStore';
import { escapeMarkdown } from './questionCards';
import { fromText, readSectionOptions } from './questionFlow';

export const FUNDERS_DIALOG = 'fundersDialog';
/** Named after the question's id, so the understanding step reads its answers as this question's. */
const FUNDERS_PROMPT = 'fundersDialog.budget.otherFunders';
const LIST_PROMPT = 'fundersDialog.budget.otherFunders.list';
const AMOUNT_PROMPT = 'fundersDialog.budget.otherFunders.amount';
/** The funders named without an amount, whose amount the last step asks. */
const UNPRICED = 'unpriced';
const STEPS = 'fundersDialog.steps';

const EXAMPLE = '« la CAF pour 3 000 € et la région 2 000 € »';

export class FundersDialog extends ComponentDialog {
  constructor(private readonly store: DraftStore) {
    super(FUNDERS_DIALOG);
    this.addDialog(new AnswerPrompt(FUNDERS_PROMPT, fromText(parseFunders)));
    this.addDialog(new AnswerPrompt(LIST_PROMPT, fromText(parseFunderList)));
    this.addDialog(new AnswerPrompt(AMOUNT_PROMPT, fromText(parseUnpriced)));
    this.addDialog(new WaterfallDialog(STEPS, [this.askStep.bind(this), this.answerStep.bind(this), this.listStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = readSectionOptions(step.options);
    const dossier = await this.store.load(options.reference, step.context);
    const funders = dossier.budget.otherFunders;
    // Under a correction request, the budget can be changed only when the prefecture named it (a dossier sent before this question existed is not asked it then).
    if (dossier.changesRequested && !dossier.changesRequested.sections.includes('budget')) return step.endDialog();
    // Funders said in passing earlier (« la CAF met aussi 10 000 € »): confirmed in one line, not asked again.
    if (funders?.some((funder) => funder.saidEarly) && !options.revisit) {
      const kept = funders.map((funder) => ({ name: funder.name, amountEuros: funder.amountEuros }));
      await this.store.change(options.reference, (draft) => void (draft.budget = { ...draft.budget, otherFunders: kept }), step.context);
      await step.context.sendActivity(
        `Autres financeurs : ${fundersText(kept.map((funder) => ({ ...funder, name: escapeMarkdown(funder.name) })))}, comme vous me l’aviez indiqué. Pour en ajouter ou les changer, écrivez « modifier les financeurs ».`,
      );
      return step.endDialog();
    }
    if (funders !== undefined && !options.revisit) return step.endDialog();
    return step.prompt(FUNDERS_PROMPT, {
      validations: {
        text: 'D’autres financeurs participent-ils au projet (par exemple la CAF, la région, une fondation) ? Indiquez leur nom et leur montant, ou répondez « non ».',
        help: `Les autres financeurs sont ceux qui s’ajoutent à l’État et à votre collectivité. Écrivez par exemple ${EXAMPLE}, ou « non » s’il n’y en a pas.`,
        choices: [
          { value: 'oui', title: 'Oui' },
          { value: 'non', title: 'Non' },
        ],
        ...(options.revisit && funders !== undefined ? { current: funders.length > 0 ? fundersText(funders) : 'aucun autre financeur' } : {}),
      },
    });
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const outcome = step.result as AnswerOutcome<FundersAnswer> | undefined;
    if (outcome?.kind !== 'answer') return step.endDialog();
    if (outcome.value.kind === 'yes') {
      return step.prompt(LIST_PROMPT, {
        validations: {
          text: `Lesquels ? Indiquez le nom et le montant de chacun, par exemple ${EXAMPLE}.`,
          help: `Un financeur par nom, chacun avec son montant en euros : par exemple ${EXAMPLE}. Répondez « non » s’il n’y en a finalement pas.`,
        },
      });
    }
    await this.save(step, outcome.value.kind === 'list' ? outcome.value.funders : []);
    const unpriced = outcome.value.kind === 'list' ? (outcome.value.unpriced ?? []) : [];
    if (unpriced.length === 0) return step.endDialog();
    // « la CAF 8000 et la fondation de France »: the CAF is kept, the amount of the one named without it is asked.
    (step.values as Record<string, unknown>)[UNPRICED] = unpriced;
    const names = unpriced.map((name) => `« ${escapeMarkdown(name)} »`);
    return step.prompt(AMOUNT_PROMPT, {
      validations: {
        text:
          unpriced.length === 1
            ? `Quel montant apporte ${names[0]} ? Indiquez-le en euros, ou répondez « aucun » s’il ne participe pas.`
            : `Quels montants apportent ${names.slice(0, -1).join(', ')} et ${names[names.length - 1]} ? Indiquez le montant de chacun, par exemple ${EXAMPLE}.`,
        help: `Un financeur n’est noté qu’avec son montant en euros. Répondez « aucun » s’il ne participe pas finalement.`,
      },
    });
  }

  private async listStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const unpriced = (step.values as Record<string, unknown>)[UNPRICED] as string[] | undefined;
    if (unpriced) {
      const outcome = step.result as AnswerOutcome<UnpricedAnswer> | undefined;
      if (outcome?.kind !== 'answer' || outcome.value.kind === 'none') return step.endDialog();
      const { reference } = readSectionOptions(step.options);
      const dossier = await this.store.load(reference, step.context);
      const given = outcome.value.kind === 'amount' ? [{ name: unpriced[0]!, amountEuros: outcome.value.euros }] : outcome.value.funders;
      const kept = (dossier.budget.otherFunders ?? []).filter((funder) => !given.some((added) => normalizeText(added.name) === normalizeText(funder.name)));
      await this.save(step, [...kept, ...given].slice(0, FUNDER_LIMITS.count));
      return step.endDialog();
    }
    const outcome = step.result as AnswerOutcome<Funder[]> | undefined;
    if (outcome?.kind === 'answer') await this.save(step, outcome.value);
    return step.endDialog();
  }

  private async save(step: WaterfallStepContext, funders: Funder[]): Promise<void> {
    const { reference } = readSectionOptions(step.options);
    await this.store.change(reference, (dossier) => void (dossier.budget = { ...dossier.budget, otherFunders: funders }), step.context);
    await step.context.sendActivity(notedText(funders));
  }
}

/** The amount of a funder named without one: an amount, a list with the amounts, or « aucun ». */
type UnpricedAnswer = { kind: 'amount'; euros: number } | { kind: 'list'; funders: Funder[] } | { kind: 'none' };

function parseUnpriced(text: string): ParseResult<UnpricedAnswer> {
  const list = parseFunders(text);
  if (list.ok && list.value.kind === 'list' && !list.value.unpriced) return { ok: true, value: { kind: 'list', funders: list.value.funders } };
  if (list.ok && list.value.kind === 'none') return { ok: true, value: { kind: 'none' } };
  const euros = parseEuros(text);
  if (euros.ok && euros.value > 0) return { ok: true, value: { kind: 'amount', euros: euros.value } };
  return { ok: false, reason: `Indiquez le montant en euros, par exemple « 2 000 € », ou répondez « aucun ».` };
}

/** The follow-up after « oui »: a list is expected (or « non » after all). */
function parseFunderList(text: string): ParseResult<Funder[]> {
  const parsed = parseFunders(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.kind === 'yes') return { ok: false, reason: `Indiquez le nom et le montant de chaque financeur, par exemple ${EXAMPLE}.` };
  // A name without its amount is never dropped: the whole list is asked again, with what is missing.
  if (parsed.value.kind === 'list' && parsed.value.unpriced) return { ok: false, reason: `Indiquez aussi le montant de ${parsed.value.unpriced.map((name) => `« ${name} »`).join(' et ')}. ${EXAMPLE}.` };
  return { ok: true, value: parsed.value.kind === 'list' ? parsed.value.funders : [] };
}

/** One line saying what was noted. */
function notedText(funders: readonly Funder[]): string {
  if (funders.length === 0) return 'C’est noté : pas d’autre financeur que l’État et votre collectivité.';
  const total = funders.reduce((sum, funder) => sum + Math.round(funder.amountEuros * 100), 0) / 100;
  const more = funders.length > 1 ? `, soit ${formatEuros(total)} d’autres financements` : '';
  return `C’est noté : ${fundersText(funders.map((funder) => ({ ...funder, name: escapeMarkdown(funder.name) })))}${more}.`;
}
