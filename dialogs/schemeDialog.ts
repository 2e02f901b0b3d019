// Section 3: which scheme. The official says how they want to act and where their diagnostic stands;
// the rules of knowledge/ recommend a scheme with their reasons, and the official confirms or overrides.
import { parseApproach, parseDiagnosticStatus, parseYesNo, normalizeText, type ParseResult } from '../knowledge/parsers';
import {
  APPROACH_LABELS,
  ApproachSchema,
  DIAGNOSTIC_STATUS_LABELS,
  DiagnosticStatusSchema,
  recommendScheme,
  SCHEME_LABELS,
  SCHEME_NAMES,
  type Approach,
  type DiagnosticStatus,
  type Scheme,
  type SchemeRecommendation,
} from '../knowledge/schemes';
import { ACCEPTED_FORMATS_TEXT } from '../dossiers/attachments/contentType';
import type { Dossier } from '../dossiers/dossierSchema';
import type { DraftStore } from './draftStore';
import { answeredInThisRun, fromText, QuestionSectionDialog, readSectionOptions, type Question } from './questionFlow';

export const SCHEME_DIALOG = 'schemeDialog';

const approach: Question<Approach> = {
  id: 'scheme.approach',
  parse: fromText(parseApproach),
  ask: () => ({
    text: 'Souhaitez-vous déployer une stratégie d’ensemble, sur plusieurs besoins des personnes primo-arrivantes, ou mener des actions ciblées ?',
    help: 'Une stratégie d’ensemble couvre plusieurs besoins (logement, santé, emploi…) à l’échelle d’un grand territoire ; des actions ciblées portent sur un ou quelques champs. Répondez « stratégie d’ensemble » ou « actions ciblées ».',
    choices: ApproachSchema.options.map((value) => ({ value, title: APPROACH_LABELS[value] })),
  }),
  current: ({ dossier }) => (dossier.approach ? APPROACH_LABELS[dossier.approach] : undefined),
  save: (dossier, value) => {
    dossier.approach = value;
  },
};

const diagnostic: Question<DiagnosticStatus> = {
  id: 'scheme.diagnostic',
  parse: fromText(parseDiagnosticStatus),
  ask: () => ({
    text: 'Où en est le diagnostic territorial des besoins des personnes primo-arrivantes sur votre territoire ?',
    help: 'Le diagnostic territorial identifie les besoins auxquels répondront les actions. Répondez « réalisé », « prévu » ou « aucun ».',
    choices: DiagnosticStatusSchema.options.map((value) => ({ value, title: DIAGNOSTIC_STATUS_LABELS[value] })),
  }),
  current: ({ dossier }) => (dossier.diagnostic?.status ? DIAGNOSTIC_STATUS_LABELS[dossier.diagnostic.status] : undefined),
  save: (dossier, value) => {
    dossier.diagnostic = { ...dossier.diagnostic, status: value };
  },
};

/** The question asking for the diagnostic's file: a file sent while it is on screen is filed as the diagnostic. */
export const DIAGNOSTIC_FILE_QUESTION = 'scheme.diagnosticFile';

const diagnosticFile: Question<never> = {
  id: DIAGNOSTIC_FILE_QUESTION,
  // The file itself answers (see acceptsFile); typed words other than « plus tard » do not.
  parse: () => ({ ok: false, reason: 'Envoyez le fichier avec le trombone (« Joindre un fichier » dans Teams), ou répondez « plus tard » pour continuer sans.' }),
  ask: ({ dossier }) =>
    dossier.diagnostic?.status === 'done'
      ? {
          text: 'Pouvez-vous joindre le fichier du diagnostic territorial ? Envoyez-le maintenant avec le trombone, ou répondez « plus tard ».',
          help: `Envoyez le fichier du diagnostic (${ACCEPTED_FORMATS_TEXT}) avec le trombone. Vous pourrez aussi l’envoyer plus tard, à tout moment : répondez « plus tard » pour continuer.`,
          choices: [{ value: 'plus tard', title: 'Plus tard' }],
          optional: true,
          acceptsFile: true,
        }
      : undefined,
  current: ({ dossier }) => dossier.attachments.find((attachment) => attachment.kind === 'diagnostic')?.name,
  save: () => undefined,
  // No clear: « plus tard » while revisiting leaves a file already sent filed (it is removed from the documents).
};

const housing: Question<boolean> = {
  id: 'scheme.housing',
  parse: fromText(parseYesNo),
  // Only worth asking when a CTAI is in view: a whole strategy, by a collectivity that may sign one.
  ask: ({ dossier }) => {
    const recommendation = recommendationFor(dossier);
    if (!recommendation || dossier.approach !== 'strategy' || recommendation.ctai.allowed === false) return undefined;
    return {
      text: 'Un CTAI comporte obligatoirement des actions en faveur de l’accès au logement. Prévoyez-vous d’en inclure ?',
      help: 'Répondez « oui » si votre projet comprendra au moins une action pour l’accès au logement des personnes primo-arrivantes, « non » sinon.',
      choices: [
        { value: 'oui', title: 'Oui' },
        { value: 'non', title: 'Non' },
      ],
    };
  },
  current: ({ dossier }) => (dossier.housingCommitted === undefined ? undefined : dossier.housingCommitted ? 'Oui' : 'Non'),
  save: (dossier, value) => {
    dossier.housingCommitted = value;
  },
};

const scheme: Question<Scheme> = {
  id: 'scheme.choice',
  parse: (answer, spec) => parseSchemeChoice(answer.text, (spec.choices ?? []).map((choice) => choice.value as Scheme)),
  // Asked only when there is a real choice; otherwise the closing step explains and records it.
  ask: ({ dossier }) => {
    const recommendation = recommendationFor(dossier);
    if (!recommendation || !recommendation.otherAllowed) return undefined;
    const other: Scheme = recommendation.recommended === 'CTAI' ? 'PTAI' : 'CTAI';
    return {
      text: `${explain(recommendation)}\n\nQuel dispositif retenez-vous ?`,
      help: 'Répondez « CTAI » ou « PTAI ». Le CTAI est un contrat d’ensemble signé avec le préfet ; le PTAI, un projet plus ponctuel ouvert à toute collectivité.',
      choices: [recommendation.recommended, other].map((value) => ({ value, title: value === recommendation.recommended ? `${value} (recommandé)` : value })),
    };
  },
  current: ({ dossier }) => dossier.scheme,
  save: (dossier, value) => {
    dossier.scheme = value;
  },
};

export class SchemeDialog extends QuestionSectionDialog {
  constructor(store: DraftStore) {
    super(SCHEME_DIALOG, store, [approach, diagnostic, diagnosticFile, housing, scheme], {
      intro: 'Voyons maintenant quel dispositif convient à votre projet.',
      closingSteps: [
        async (step) => {
          const options = readSectionOptions(step.options);
          const dossier = await store.load(options.reference, step.context);
          const recommendation = recommendationFor(dossier);
          if (recommendation && !recommendation.otherAllowed && dossier.scheme !== recommendation.recommended) {
            await store.change(
              options.reference,
              (draft) => {
                draft.scheme = recommendation.recommended;
              },
              step.context,
            );
            await step.context.sendActivity(`${explain(recommendation)}\n\nNous préparons donc un ${recommendation.recommended}.`);
          } else if (dossier.scheme && answeredInThisRun(step)) {
            await step.context.sendActivity(`C’est noté : ${SCHEME_LABELS[dossier.scheme]}.`);
          }
          return step.next();
        },
      ],
    });
  }
}

/** The recommendation, once the kind, the approach and the diagnostic are known. */
function recommendationFor(dossier: Dossier): SchemeRecommendation | undefined {
  const kind = dossier.collectivity?.kind;
  const status = dossier.diagnostic?.status;
  if (!kind || !dossier.approach || !status) return undefined;
  return recommendScheme({
    kind,
    approach: dossier.approach,
    diagnostic: status,
    housingCommitted: dossier.housingCommitted,
    population: dossier.collectivity?.population,
  });
}

function explain(recommendation: SchemeRecommendation): string {
  const reasons = recommendation.reasons.map((reason) => `- ${reason.text}`).join('\n');
  return `Je vous recommande un **${recommendation.recommended}** (${SCHEME_NAMES[recommendation.recommended]}) :\n\n${reasons}`;
}

function parseSchemeChoice(text: string, allowed: Scheme[]): ParseResult<Scheme> {
  const normalized = normalizeText(text);
  const found: Scheme | undefined = /\bctai\b|\bcontrat\b/.test(normalized) ? 'CTAI' : /\bptai\b|\bprojet\b/.test(normalized) ? 'PTAI' : undefined;
  if (found && allowed.includes(found)) return { ok: true, value: found };
  if (found) return { ok: false, reason: `Le ${found} n’est pas possible pour votre collectivité, pour les raisons indiquées plus haut.` };
  return { ok: false, reason: `Répondez « ${allowed.join(' » ou « ')} ».` };
}
