// What changed between two submissions of a dossier, line by line, in French: for the instructeur's « ce qui a changé ».
import { computeBudget, SECTION_LABELS, type DossierContent, type SectionId } from '../knowledge/completeness';
import { formatEuros } from '../knowledge/formatting';
import {
  APPROACH_LABELS,
  COLLECTIVITY_KIND_LABELS,
  COMMITMENT_KIND_LABELS,
  DIAGNOSTIC_STATUS_LABELS,
  FIELD_LABELS,
  PUBLIC_LABELS,
  type Approach,
  type CollectivityKind,
  type CommitmentKind,
  type DiagnosticStatus,
  type IntegrationField,
  type Public,
} from '../knowledge/schemes';
import type { Dossier } from './dossierSchema';

/** One readable line of a dossier's content: « Actions › Intermédiation locative › Coût : 120 000 € ». */
interface ContentLine {
  section: SectionId;
  /** What is compared: the label, or for an action its stable id, so a renamed action is the same action. */
  key: string;
  label: string;
  value: string;
}

export interface ContentChange {
  section: SectionId;
  label: string;
  before?: string;
  after?: string;
}

type Content = Partial<Pick<Dossier, 'scheme' | 'collectivity' | 'contact' | 'approach' | 'diagnostic' | 'housingCommitted' | 'fields' | 'commitments' | 'actions' | 'budget'>>;

const euros = (amount: number | undefined): string | undefined => (amount === undefined ? undefined : formatEuros(amount).replace(/[\u202f\u00a0]/g, ' '));

/** The content as labelled lines; the same line label before and after is what is compared. */
function describeContent(input: Record<string, unknown>): ContentLine[] {
  const content = input as Content;
  const lines: ContentLine[] = [];
  const push = (section: SectionId, label: string, value: string | undefined, key = label): void => {
    if (value !== undefined && value !== '') lines.push({ section, key, label, value });
  };
  const { collectivity = {}, contact = {} } = content;
  push('collectivity', 'Nom', collectivity.name);
  push('collectivity', 'Type', collectivity.kind ? COLLECTIVITY_KIND_LABELS[collectivity.kind as CollectivityKind] : undefined);
  push('collectivity', 'Département', collectivity.departement);
  push('collectivity', 'SIREN', collectivity.siren);
  push('collectivity', 'Population', collectivity.population?.toLocaleString('fr-FR').replace(/[\u202f\u00a0]/g, ' '));
  push('contact', 'Nom', contact.name);
  push('contact', 'Fonction', contact.role);
  push('contact', 'Courriel', contact.email);
  push('contact', 'Téléphone', contact.phone);
  push('scheme', 'Dispositif', content.scheme);
  push('scheme', 'Démarche', content.approach ? APPROACH_LABELS[content.approach as Approach] : undefined);
  push('scheme', 'Diagnostic', content.diagnostic ? DIAGNOSTIC_STATUS_LABELS[content.diagnostic.status as DiagnosticStatus] : undefined);
  push('scheme', 'Résumé du diagnostic', content.diagnostic?.summary);
  push('scheme', 'Actions logement prévues', content.housingCommitted === undefined ? undefined : content.housingCommitted ? 'oui' : 'non');
  push('fields', 'Champs', (content.fields ?? []).map((field) => FIELD_LABELS[field as IntegrationField]).join(', '));
  (content.commitments ?? []).forEach((commitment, index) => {
    const label = `${COMMITMENT_KIND_LABELS[commitment.kind as CommitmentKind]} (${index + 1})`;
    push('commitments', `${label} › Détail`, commitment.detail);
    push('commitments', `${label} › Montant`, euros(commitment.amountEuros));
    push('commitments', `${label} › Valeur estimée`, euros(commitment.estimatedValueEuros));
  });
  for (const action of content.actions ?? []) {
    const label = action.title ?? action.id;
    const element = (name: string, value: string | undefined): void => push('actions', `${label} › ${name}`, value, `${action.id ?? label} › ${name}`);
    element('Intitulé', action.title);
    element('Champ', action.field ? FIELD_LABELS[action.field as IntegrationField] : undefined);
    element('Description', action.description);
    element('Publics', (action.publics ?? []).map((item) => PUBLIC_LABELS[item as Public]).join(', '));
    element('Bénéficiaires', action.beneficiaries?.toString());
    element('Coût', euros(action.costEuros));
    element('Part de l’État demandée', euros(action.stateFundingEuros));
    element('Porteur', action.carrier);
  }
  // Of the budget, what the applicant wrote: the other funders; and its figures, computed from the lines above, so
  // that a new cost or cofinancing counts as a change of the budget too.
  const funders = content.budget?.otherFunders;
  if (funders) push('budget', 'Autres financeurs', funders.length === 0 ? 'aucun' : funders.map((funder) => `${funder.name} : ${euros(funder.amountEuros)}`).join(' ; '));
  const totals = computeBudget(content as DossierContent);
  push('budget', 'Coût total des actions', euros(totals.actionsCostEuros));
  push('budget', 'Financement demandé à l’État', euros(totals.stateFundingRequestedEuros));
  push('budget', 'Cofinancement de la collectivité', euros(totals.cofinancingEuros));
  return lines;
}

/** The lines that differ between two contents, in reading order; empty when nothing changed. */
function diffContents(before: Record<string, unknown>, after: Record<string, unknown>): ContentChange[] {
  const key = (line: ContentLine): string => `${line.section}|${line.key}`;
  const old = new Map(describeContent(before).map((line) => [key(line), line]));
  const next = describeContent(after);
  const changes: ContentChange[] = [];
  for (const line of next) {
    const previous = old.get(key(line));
    old.delete(key(line));
    if (previous?.value !== line.value) changes.push({ section: line.section, label: line.label, ...(previous ? { before: previous.value } : {}), after: line.value });
  }
  for (const line of old.values()) changes.push({ section: line.section, label: line.label, before: line.value });
  const order = Object.keys(SECTION_LABELS);
  return changes.sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section));
}

/** The changes of the latest submission against the one before it; undefined when there is only one. */
export function changesSincePreviousSubmission(dossier: Pick<Dossier, 'submissions'>): { since: Date; changes: ContentChange[] } | undefined {
  const submissions = dossier.submissions ?? [];
  const latest = submissions[submissions.length - 1];
  const previous = submissions[submissions.length - 2];
  if (!latest || !previous) return undefined;
  return { since: previous.at, changes: diffContents(previous.content, latest.content) };
}

/** The sections whose content differs between two submitted contents, in reading order. */
export function changedSections(before: Record<string, unknown>, after: Record<string, unknown>): SectionId[] {
  return [...new Set(diffContents(before, after).map((change) => change.section))];
}
