// The dossier as the official reads it back: a text summary, the budget, and an Adaptive Card 1.5.
import { CardFactory, type Attachment } from 'botbuilder';
import { budgetAdvice, budgetBalance, computeBudget } from '../knowledge/completeness';
import { fundersText } from '../knowledge/funders';
import { departementLabel } from '../knowledge/departements';
import { formatEuros, formatInteger, formatPhone, formatShare } from '../knowledge/formatting';
import { detailStatesValue } from '../knowledge/understanding/commitmentDetails';
import {
  APPROACH_LABELS,
  COLLECTIVITY_KIND_LABELS,
  COMMITMENT_KIND_LABELS,
  DIAGNOSTIC_STATUS_LABELS,
  FIELD_LABELS,
  PUBLIC_LABELS,
  SCHEME_LABELS,
  STATUS_LABELS,
} from '../knowledge/schemes';
import type { Dossier } from '../dossiers/dossierSchema';
import { escapeMarkdown } from './questionCards';

const MISSING = 'à compléter';

/** The budget lines, in euros, as shown after the actions and in the summary; the other funders once asked. */
function budgetLines(dossier: Dossier, name: (text: string) => string = (text) => text): Array<[string, string]> {
  const totals = computeBudget(dossier);
  const funders = dossier.budget.otherFunders;
  const { fundedEuros, gapEuros } = budgetBalance(totals);
  return [
    ['Coût total des actions', formatEuros(totals.actionsCostEuros)],
    ['Financement demandé à l’État', formatEuros(totals.stateFundingRequestedEuros)],
    ['Part de l’État dans le coût', totals.stateFundingShare === null ? '—' : formatShare(totals.stateFundingShare)],
    ['Cofinancement de la collectivité', formatEuros(totals.cofinancingEuros)],
    ...(funders === undefined ? [] : [['Autres financeurs', funders.length === 0 ? 'aucun' : `${fundersText(funders.map((funder) => ({ ...funder, name: name(funder.name) })))}, soit ${formatEuros(totals.otherFundersEuros)}`] as [string, string]]),
    ['Total des financements', formatEuros(fundedEuros)],
    ['Reste à financer', gapEuros >= 0 ? formatEuros(gapEuros) : `aucun (${formatEuros(-gapEuros)} au-delà du coût)`],
    ['Valeur estimée des apports en nature (hors financements)', formatEuros(totals.inKindValueEuros)],
    ['Contribution totale de la collectivité', formatEuros(totals.collectivityContributionEuros)],
  ];
}

export function budgetText(dossier: Dossier): string {
  const lines = budgetLines(dossier, escapeMarkdown).map(([label, value]) => `- ${label} : ${value}`);
  const advice = budgetAdvice(computeBudget(dossier));
  return `Voici le budget de votre dossier, calculé à partir des actions, des engagements et des autres financeurs :\n\n${lines.join('\n')}${advice ? `\n\n${advice}.` : ''}`;
}

interface SummarySection {
  title: string;
  facts: Array<[string, string]>;
}

/** Every section with its facts; the values are the official's own words, shown as plain text. */
function summarySections(dossier: Dossier): SummarySection[] {
  const { collectivity, contact } = dossier;
  return [
    {
      title: 'Collectivité',
      facts: [
        ['Nom', collectivity.name ?? MISSING],
        ['Type', collectivity.kind ? COLLECTIVITY_KIND_LABELS[collectivity.kind] : MISSING],
        ['Département', collectivity.departement ? departementLabel(collectivity.departement) : MISSING],
        ['SIREN', collectivity.siren ?? '—'],
        ['Population', collectivity.population === undefined ? '—' : formatInteger(collectivity.population)],
      ],
    },
    {
      title: 'Contact',
      facts: [
        ['Nom', contact.name ?? MISSING],
        ['Fonction', contact.role ?? MISSING],
        ['Courriel', contact.email ?? MISSING],
        ['Téléphone', contact.phone ? formatPhone(contact.phone) : '—'],
      ],
    },
    {
      title: 'Dispositif',
      facts: [
        ['Dispositif', dossier.scheme ? SCHEME_LABELS[dossier.scheme] : MISSING],
        ['Démarche', dossier.approach ? APPROACH_LABELS[dossier.approach] : MISSING],
        ['Diagnostic', dossier.diagnostic ? DIAGNOSTIC_STATUS_LABELS[dossier.diagnostic.status] : MISSING],
      ],
    },
    { title: 'Champs d’intervention', facts: [['Champs', dossier.fields.length > 0 ? dossier.fields.map((field) => FIELD_LABELS[field]).join(', ') : MISSING]] },
    {
      title: 'Engagements de la collectivité',
      facts:
        dossier.commitments.length > 0
          ? dossier.commitments.map((commitment) => [COMMITMENT_KIND_LABELS[commitment.kind], commitmentText(commitment)])
          : [['Engagements', MISSING]],
    },
    {
      title: 'Actions',
      facts:
        dossier.actions.length > 0
          ? dossier.actions.flatMap((action, index): Array<[string, string]> => [
              [`${index + 1}. ${action.title ?? 'Sans titre'}`,
              [
                action.field ? FIELD_LABELS[action.field] : MISSING,
                action.publics.length > 0 ? action.publics.map((value) => PUBLIC_LABELS[value]).join(' et ') : undefined,
                action.beneficiaries === undefined ? undefined : `${formatInteger(action.beneficiaries)} bénéficiaires`,
                action.costEuros === undefined ? undefined : `coût ${formatEuros(action.costEuros)}`,
                action.stateFundingEuros === undefined ? undefined : `État ${formatEuros(action.stateFundingEuros)}`,
                action.carrier ? `porté par ${action.carrier}` : undefined,
              ]
                .filter((part) => part !== undefined)
                .join(' · '),
              ],
              // What the action is, in the official's words: the review shows it as the summary does.
              ['Description', action.description ?? MISSING],
            ])
          : [['Actions', MISSING]],
    },
    { title: 'Budget', facts: budgetLines(dossier) },
  ];
}

function commitmentText(commitment: Dossier['commitments'][number]): string {
  if (commitment.kind === 'cofinancing') return commitment.amountEuros === undefined ? MISSING : formatEuros(commitment.amountEuros);
  // « …, valeur environ 22000 € » already says it: the value is shown once.
  const value = commitment.estimatedValueEuros === undefined || detailStatesValue(commitment.detail, commitment.estimatedValueEuros) ? '' : ` (valeur estimée ${formatEuros(commitment.estimatedValueEuros)})`;
  return `${commitment.detail ?? MISSING}${value}`;
}

/**
 * The summary card. User text goes into TextRun elements of RichTextBlocks, which Adaptive Cards never
 * read as Markdown, so nothing typed by the official can change the card's layout.
 */
export function summaryCard(dossier: Dossier): Attachment {
  const body: unknown[] = [
    { type: 'TextBlock', text: `Dossier ${dossier.reference}`, weight: 'Bolder', size: 'Large', wrap: true },
    { type: 'TextBlock', text: `Statut : ${STATUS_LABELS[dossier.status]}`, isSubtle: true, spacing: 'None', wrap: true },
  ];
  for (const section of summarySections(dossier)) {
    body.push({ type: 'TextBlock', text: section.title, weight: 'Bolder', color: 'Accent', spacing: 'Medium', wrap: true });
    for (const [label, value] of section.facts) {
      body.push({
        type: 'RichTextBlock',
        spacing: 'Small',
        inlines: [
          { type: 'TextRun', text: `${label} : `, weight: 'Bolder' },
          { type: 'TextRun', text: value },
        ],
      });
    }
  }
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: summaryText(dossier),
    body,
  });
}

/** The same summary as plain text, for channels without cards and for « résumé » in text. */
function summaryText(dossier: Dossier): string {
  return summarySections(dossier)
    .map((section) => `${section.title}\n${section.facts.map(([label, value]) => `  ${label} : ${value}`).join('\n')}`)
    .join('\n\n');
}
