// The dossier page's markup: every section at a glance, the documents, the history, the changes, the thread, notes, labels and the decision forms.
import { ATTACHMENT_KIND_LABELS, type AttachmentRef, type DocumentEvent } from '../../dossiers/attachments/attachmentSchema';
import { contentTypeLabel } from '../../dossiers/attachments/contentType';
import { formatBytes } from '../../dossiers/attachments/dossierAttachments';
import { changesSincePreviousSubmission } from '../../dossiers/dossierDiff';
import type { Dossier, HistoryEntry } from '../../dossiers/dossierSchema';
import { allowedTransitions } from '../../dossiers/statusMachine';
import { budgetAdvice, budgetBalance, checkCompleteness, SECTION_LABELS, SectionIdSchema, type SectionId } from '../../knowledge/completeness';
import { departementLabel } from '../../knowledge/departements';
import { formatPhone, formatShare } from '../../knowledge/formatting';
import { detailStatesValue } from '../../knowledge/understanding/commitmentDetails';
import {
  APPROACH_LABELS,
  COLLECTIVITY_KIND_LABELS,
  COMMITMENT_KIND_LABELS,
  DIAGNOSTIC_STATUS_LABELS,
  FIELD_LABELS,
  housingCommitmentApplies,
  PUBLIC_LABELS,
  recommendScheme,
  SCHEME_LABELS,
  STATUS_LABELS,
} from '../../knowledge/schemes';
import type { StaffPrincipal } from '../staff/staffSchema';
import { formatDateTime, formatEuros, html, type SafeHtml } from './html';
import { statusBadge } from './listPage';

/** The kinds of correction request, as in Démarche Numérique. */
export const CORRECTION_KINDS = {
  incorrect: 'Information incorrecte',
  incomplete: 'Information incomplète',
  outdated: 'Information obsolète',
} as const;

/** Which form the agent sent, what they typed (kept when refused), and why it was refused. */
export interface FormState {
  form: 'review' | 'corrections' | 'accept' | 'reject' | 'message' | 'note' | 'labels';
  values: Record<string, string | string[]>;
  error: string;
}

export interface DossierViewOptions {
  dossier: Dossier;
  staff: StaffPrincipal;
  csrf: string;
  /** Whether the documents can be downloaded here (the store is wired); listed either way. */
  downloads?: boolean;
  state?: FormState;
}

const dash = (value: string | number | undefined): string => (value === undefined || value === '' ? 'non renseigné' : String(value));

function valueIn(state: FormState | undefined, form: FormState['form'], name: string): string {
  if (state?.form !== form) return '';
  const value = state.values[name];
  return typeof value === 'string' ? value : '';
}

function errorIn(state: FormState | undefined, form: FormState['form'], id: string): SafeHtml | '' {
  return state?.form === form ? html`<p class="fr-error-text" id="${id}">${state.error}</p>` : '';
}

function hidden(csrf: string, version?: number): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">${version === undefined ? '' : html`<input type="hidden" name="version" value="${version}">`}`;
}

export function renderDossier({ dossier, staff, csrf, downloads = false, state }: DossierViewOptions): SafeHtml {
  const { collectivity, contact } = dossier;
  const followed = dossier.followers?.includes(staff.id) === true;
  const base = `/instruction/dossiers/${dossier.reference}`;
  const allowed = allowedTransitions(dossier.status, staff.role);
  const report = checkCompleteness(dossier, 'agent');

  return html`<nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
  <ol class="fr-breadcrumb__list"><li><a class="fr-breadcrumb__link" href="/instruction/">Dossiers</a></li><li><a class="fr-breadcrumb__link" aria-current="page">${dossier.reference}</a></li></ol>
</nav>
<div class="fr-grid-row fr-grid-row--gutters fr-grid-row--middle">
  <div class="fr-col-12 fr-col-md-8">
    <h1 class="fr-mb-1w">${dossier.reference} — ${collectivity.name ?? 'Collectivité sans nom'}</h1>
    <p class="fr-mb-1w">${statusBadge(dossier.status)} ${dossier.scheme ? html`<span class="fr-tag fr-tag--sm">${dossier.scheme}</span>` : ''} ${(dossier.labels ?? []).map((label) => html`<span class="fr-tag fr-tag--sm">${label}</span> `)}</p>
    <p class="fr-text--sm">${dossier.submittedAt ? `Déposé le ${formatDateTime(dossier.submittedAt)}` : ''} · Modifié le ${formatDateTime(dossier.updatedAt)}</p>
  </div>
  <div class="fr-col-12 fr-col-md-4">
    <form method="post" action="${base}/suivre">
      ${hidden(csrf)}
      <input type="hidden" name="suivre" value="${followed ? 'non' : 'oui'}">
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--right">
        <li><button type="submit" class="fr-btn fr-btn--secondary">${followed ? 'Ne plus suivre' : 'Suivre ce dossier'}</button></li>
        <li><a class="fr-btn fr-btn--tertiary" href="${base}.pdf">PDF</a></li>
      </ul>
    </form>
  </div>
</div>

${decisionPanel(dossier, allowed, csrf, state)}

<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-lg-8">
    ${changesPanel(dossier)}
    ${!report.complete ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">Le dossier est incomplet</h2><ul>${report.problems.map((problem) => html`<li>${SECTION_LABELS[problem.section]} : ${problem.message}</li>`)}</ul></div>` : ''}

    <section class="ti-card" aria-labelledby="s-collectivity">
      <h2 class="fr-h4" id="s-collectivity">Collectivité</h2>
      <dl class="ti-dl">
        <dt>Nom</dt><dd>${dash(collectivity.name)}</dd>
        <dt>Type</dt><dd>${collectivity.kind ? COLLECTIVITY_KIND_LABELS[collectivity.kind] : 'non renseigné'}</dd>
        <dt>Département</dt><dd>${dash(collectivity.departement && departementLabel(collectivity.departement))}</dd>
        <dt>SIREN</dt><dd>${dash(collectivity.siren)}</dd>
        <dt>Population</dt><dd>${collectivity.population === undefined ? 'non renseignée' : `${collectivity.population.toLocaleString('fr-FR').replace(/[\u202f\u00a0]/g, ' ')} habitants`}</dd>
      </dl>
    </section>

    <section class="ti-card" aria-labelledby="s-contact">
      <h2 class="fr-h4" id="s-contact">Contact</h2>
      <dl class="ti-dl">
        <dt>Nom</dt><dd>${dash(contact.name)}</dd>
        <dt>Fonction</dt><dd>${dash(contact.role)}</dd>
        <dt>Courriel</dt><dd>${contact.email ? html`<a href="mailto:${contact.email}">${contact.email}</a>` : 'non renseigné'}</dd>
        <dt>Téléphone</dt><dd>${dash(contact.phone && formatPhone(contact.phone))}</dd>
      </dl>
    </section>

    ${schemeSection(dossier)}

    <section class="ti-card" aria-labelledby="s-fields">
      <h2 class="fr-h4" id="s-fields">Champs d’intervention</h2>
      ${dossier.fields.length === 0 ? html`<p>Aucun champ choisi.</p>` : html`<ul>${dossier.fields.map((field) => html`<li>${FIELD_LABELS[field]}</li>`)}</ul>`}
    </section>

    <section class="ti-card" aria-labelledby="s-commitments">
      <h2 class="fr-h4" id="s-commitments">Engagements de la collectivité</h2>
      ${dossier.commitments.length === 0
        ? html`<p>Aucun engagement.</p>`
        : html`<ul>${dossier.commitments.map(
            (commitment) =>
              html`<li><strong>${COMMITMENT_KIND_LABELS[commitment.kind]}</strong>${commitment.detail ? ` : ${commitment.detail}` : ''}${commitment.amountEuros !== undefined ? ` — montant ${formatEuros(commitment.amountEuros)}` : ''}${commitment.estimatedValueEuros !== undefined && !detailStatesValue(commitment.detail, commitment.estimatedValueEuros) ? ` — valeur estimée ${formatEuros(commitment.estimatedValueEuros)}` : ''}</li>`,
          )}</ul>`}
    </section>

    <section class="ti-card" aria-labelledby="s-actions">
      <h2 class="fr-h4" id="s-actions">Actions (${dossier.actions.length})</h2>
      ${dossier.actions.map(
        (action, index) => html`<h3 class="fr-h6 fr-mb-1w">${index + 1}. ${action.title ?? 'Action sans titre'}</h3>
      <dl class="ti-dl">
        <dt>Champ</dt><dd>${action.field ? FIELD_LABELS[action.field] : 'non renseigné'}</dd>
        <dt>Description</dt><dd>${dash(action.description)}</dd>
        <dt>Publics</dt><dd>${action.publics.length === 0 ? 'non renseignés' : action.publics.map((item) => PUBLIC_LABELS[item]).join(', ')}</dd>
        <dt>Bénéficiaires</dt><dd>${dash(action.beneficiaries)}</dd>
        <dt>Coût</dt><dd>${formatEuros(action.costEuros)}</dd>
        <dt>Part de l’État demandée</dt><dd>${formatEuros(action.stateFundingEuros)}${action.costEuros && action.stateFundingEuros !== undefined ? ` (${formatShare(action.stateFundingEuros / action.costEuros)})` : ''}</dd>
        <dt>Porteur</dt><dd>${dash(action.carrier)}</dd>
      </dl>`,
      )}
    </section>

    ${budgetSection(dossier)}
    ${documentsSection(dossier, base, downloads)}
    ${historySection(dossier)}
    ${messagesSection(dossier, base, csrf, state)}
  </div>

  <div class="fr-col-12 fr-col-lg-4">
    ${labelsSection(dossier, base, csrf, state)}
    ${notesSection(dossier, base, csrf, state)}
  </div>
</div>`;
}

function schemeSection(dossier: Dossier): SafeHtml {
  const { kind } = dossier.collectivity;
  const recommendation =
    kind && dossier.approach && dossier.diagnostic
      ? recommendScheme({
          kind,
          approach: dossier.approach,
          diagnostic: dossier.diagnostic.status,
          ...(dossier.housingCommitted !== undefined ? { housingCommitted: dossier.housingCommitted } : {}),
          ...(dossier.collectivity.population !== undefined ? { population: dossier.collectivity.population } : {}),
        })
      : undefined;
  return html`<section class="ti-card" aria-labelledby="s-scheme">
  <h2 class="fr-h4" id="s-scheme">Dispositif</h2>
  <dl class="ti-dl">
    <dt>Dispositif choisi</dt><dd>${dossier.scheme ? SCHEME_LABELS[dossier.scheme] : 'non choisi'}</dd>
    <dt>Démarche</dt><dd>${dossier.approach ? APPROACH_LABELS[dossier.approach] : 'non renseignée'}</dd>
    <dt>Diagnostic</dt><dd>${dossier.diagnostic ? DIAGNOSTIC_STATUS_LABELS[dossier.diagnostic.status] : 'non renseigné'}${dossier.diagnostic?.summary ? ` : ${dossier.diagnostic.summary}` : ''}</dd>
    ${housingCommitmentApplies(dossier.scheme) ? html`<dt>Actions logement</dt><dd>${dossier.housingCommitted === undefined ? 'non renseigné' : dossier.housingCommitted ? 'prévues' : 'non prévues'}</dd>` : ''}
  </dl>
  ${recommendation
    ? html`<h3 class="fr-h6">Recommandation de l’assistant : ${recommendation.recommended}${dossier.scheme && dossier.scheme !== recommendation.recommended ? ' (la collectivité a choisi l’autre dispositif)' : ''}</h3>
  <ul>${recommendation.reasons.map((reason) => html`<li>${reason.text}</li>`)}</ul>`
    : ''}
</section>`;
}

function budgetSection(dossier: Dossier): SafeHtml {
  const { budget } = dossier;
  const funders = budget.otherFunders;
  // The same balance and advice as the applicant's review (knowledge/completeness): in-kind value is shown apart, not counted as funding.
  const { fundedEuros, gapEuros } = budgetBalance(budget);
  const advice = budgetAdvice(budget);
  return html`<section class="ti-card" aria-labelledby="s-budget">
  <h2 class="fr-h4" id="s-budget">Budget</h2>
  <dl class="ti-dl">
    <dt>Coût total des actions</dt><dd>${formatEuros(budget.actionsCostEuros)}</dd>
    <dt>Financement de l’État demandé</dt><dd>${formatEuros(budget.stateFundingRequestedEuros)}${budget.stateFundingShare !== null ? ` (${formatShare(budget.stateFundingShare)} du coût)` : ''}</dd>
    <dt>Cofinancement de la collectivité</dt><dd>${formatEuros(budget.cofinancingEuros)}</dd>
    <dt>Autres financeurs</dt><dd>${funders === undefined
      ? 'non renseignés'
      : funders.length === 0
        ? 'aucun'
        : html`<ul class="ti-funders">${funders.map((funder) => html`<li>${funder.name} : ${formatEuros(funder.amountEuros)}</li>`)}</ul>${formatEuros(budget.otherFundersEuros)} au total`}</dd>
    <dt>Total des financements</dt><dd>${formatEuros(fundedEuros)}</dd>
    <dt>Solde</dt><dd>${gapEuros === 0 ? 'équilibré (0 €)' : gapEuros > 0 ? `${formatEuros(gapEuros)} restent à financer` : `${formatEuros(-gapEuros)} de financements au-delà du coût`}</dd>
    <dt>Valeur des apports en nature</dt><dd>${formatEuros(budget.inKindValueEuros)} (hors plan de financement)</dd>
    <dt>Contribution totale de la collectivité</dt><dd>${formatEuros(budget.collectivityContributionEuros)}</dd>
  </dl>
  ${advice ? html`<p class="fr-text--sm ti-advice">${advice}.</p>` : ''}
</section>`;
}

function changesPanel(dossier: Dossier): SafeHtml | '' {
  const changed = changesSincePreviousSubmission(dossier);
  if (!changed) return '';
  // Documents are not part of the submitted content: those added or removed since the previous submission are shown too.
  const documents = dossier.history.filter((entry) => entry.document && entry.document.action !== 'infected' && entry.at > changed.since);
  return html`<section class="ti-card ti-diff" aria-labelledby="s-changes">
  <h2 class="fr-h4" id="s-changes">Ce qui a changé depuis le dépôt du ${formatDateTime(changed.since)}</h2>
  ${changed.changes.length === 0
    ? documents.length > 0
      ? html`<p>Aucun champ du dossier n’a changé ; les documents, eux, ont changé :</p><ul>${documents.map((entry) => html`<li>${entry.document ? documentEventText(entry.document) : ''} (${formatDateTime(entry.at)})</li>`)}</ul>`
      : html`<p>Rien n’a changé dans le contenu du dossier ni dans ses documents.</p>`
    : html`<div class="fr-table fr-table--no-caption"><div class="fr-table__wrapper"><div class="fr-table__container"><div class="fr-table__content"><table>
    <caption>Modifications depuis le dépôt précédent</caption>
    <thead><tr><th scope="col">Section</th><th scope="col">Élément</th><th scope="col">Avant</th><th scope="col">Après</th></tr></thead>
    <tbody>${changed.changes.map(
      (change) =>
        html`<tr><td>${SECTION_LABELS[change.section]}</td><td>${change.label}</td><td>${change.before === undefined ? html`<em>absent</em>` : html`<del>${change.before}</del>`}</td><td>${change.after === undefined ? html`<em>supprimé</em>` : html`<ins>${change.after}</ins>`}</td></tr>`,
    )}</tbody>
  </table></div></div></div></div>`}
</section>`;
}

/** What the antivirus said, as a badge: « analysé », « en attente d'analyse », « infecté », « non analysé ». */
function scanBadge(attachment: AttachmentRef): SafeHtml {
  switch (attachment.scan) {
    case 'clean':
      return html`<p class="fr-badge fr-badge--sm fr-badge--success">analysé</p>`;
    case 'pending':
      return html`<p class="fr-badge fr-badge--sm fr-badge--warning">en attente d’analyse</p>`;
    case 'infected':
      return html`<p class="fr-badge fr-badge--sm fr-badge--error">infecté</p>${attachment.signature ? html`<p class="fr-text--xs fr-mb-0">${attachment.signature}</p>` : ''}`;
    default:
      return html`<p class="fr-badge fr-badge--sm fr-badge--no-icon">non analysé</p>`;
  }
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function documentsSection(dossier: Dossier, base: string, downloads: boolean): SafeHtml {
  const { attachments } = dossier;
  const hasInfected = attachments.some((attachment) => attachment.scan === 'infected');
  const hasPending = attachments.some((attachment) => attachment.scan === 'pending');
  return html`<section class="ti-card" aria-labelledby="s-documents" id="documents">
  <h2 class="fr-h4" id="s-documents">Documents (${attachments.length})</h2>
  ${attachments.length === 0
    ? html`<p>Aucun document joint.</p>`
    : html`<div class="fr-table fr-table--no-caption"><div class="fr-table__wrapper"><div class="fr-table__container"><div class="fr-table__content"><table>
    <caption>Documents joints par le demandeur</caption>
    <thead><tr><th scope="col">Pièce</th><th scope="col">Nom</th><th scope="col">Taille</th><th scope="col">Format</th><th scope="col">Reçu le</th><th scope="col">Antivirus</th></tr></thead>
    <tbody>${attachments.map(
      (attachment) =>
        html`<tr><td class="fr-cell--multiline">${capitalized(ATTACHMENT_KIND_LABELS[attachment.kind])}</td><td class="fr-cell--multiline">${downloads && attachment.scan !== 'infected'
          ? html`<a href="${base}/documents/${attachment.id}" download>${attachment.name}<span class="fr-sr-only"> (télécharger, ${formatBytes(attachment.size)})</span></a>`
          : attachment.name}</td><td>${formatBytes(attachment.size)}</td><td>${contentTypeLabel(attachment.contentType)}</td><td>${formatDateTime(attachment.uploadedAt)}</td><td>${scanBadge(attachment)}</td></tr>`,
    )}</tbody>
  </table></div></div></div></div>`}
  ${hasPending ? html`<p class="fr-text--sm">Un document en attente d’analyse est analysé au moment où vous le téléchargez ; tant que l’antivirus ne répond pas, il ne peut pas être ouvert.</p>` : ''}
  ${hasInfected ? html`<p class="fr-text--sm">L’antivirus a trouvé un virus dans un document : il est gardé pour mémoire mais ne peut pas être téléchargé, et le demandeur en a été prévenu dans sa conversation.</p>` : ''}
  ${downloads ? html`<p class="fr-mb-0"><a class="fr-link" href="${base}/export.zip" download>Télécharger le dossier complet (PDF et documents, ZIP)</a></p>` : ''}
</section>`;
}

const DOCUMENT_ACTIONS: Record<DocumentEvent['action'], string> = {
  added: 'document ajouté',
  removed: 'document retiré',
  infected: 'virus trouvé dans le document',
};

function documentEventText(event: DocumentEvent): string {
  return `${capitalized(DOCUMENT_ACTIONS[event.action])} « ${event.name} » (${ATTACHMENT_KIND_LABELS[event.kind]})${event.signature ? ` : ${event.signature}` : ''}`;
}

/** How a resubmission answered the correction request: which one, and what the applicant changed. */
function answerText(answer: NonNullable<HistoryEntry['answersRequest']>): string {
  const sections = (list: readonly SectionId[]) => list.map((section) => SECTION_LABELS[section]).join(', ');
  const changed = answer.changedSections.length > 0 ? `sections modifiées : ${sections(answer.changedSections)}` : 'aucune section du dossier modifiée';
  const documents = answer.documentsChanged > 0 ? `, ${answer.documentsChanged} document${answer.documentsChanged > 1 ? 's' : ''} ajouté${answer.documentsChanged > 1 ? 's' : ''} ou retiré${answer.documentsChanged > 1 ? 's' : ''}` : '';
  const untouched = answer.sections.filter((section) => !answer.changedSections.includes(section));
  return `Réponse à la demande de corrections du ${formatDateTime(answer.requestedAt)} (${sections(answer.sections)} ; motif : ${answer.reason}) : ${changed}${documents}${untouched.length > 0 ? ` ; non modifiées parmi les sections demandées : ${sections(untouched)}` : ''}.`;
}

function actorName(by: Dossier['history'][number]['by']): string {
  if (by.kind === 'applicant') return 'Le demandeur';
  if (by.kind === 'system') return by.name ?? 'Le système';
  return by.name ?? 'Un agent';
}

function historySection(dossier: Dossier): SafeHtml {
  return html`<section class="ti-card" aria-labelledby="s-history">
  <h2 class="fr-h4" id="s-history">Historique</h2>
  <ol class="ti-history">${[...dossier.history].reverse().map(
    (entry) => html`<li><p class="fr-mb-0"><strong>${formatDateTime(entry.at)}</strong> — ${actorName(entry.by)} : ${entry.document ? documentEventText(entry.document) : `${STATUS_LABELS[entry.from]} → ${STATUS_LABELS[entry.to]}`}</p>
    ${entry.sections ? html`<p class="fr-mb-0">Sections à corriger : ${entry.sections.map((section) => SECTION_LABELS[section]).join(', ')}</p>` : ''}
    ${entry.answersRequest ? html`<p class="fr-mb-0">${answerText(entry.answersRequest)}</p>` : ''}
    ${entry.reason ? html`<p class="fr-mb-0">Motif : ${entry.reason}</p>` : ''}
    ${entry.comment ? html`<p class="fr-mb-1w">Commentaire : ${entry.comment}</p>` : ''}</li>`,
  )}</ol>
</section>`;
}

function messagesSection(dossier: Dossier, base: string, csrf: string, state: FormState | undefined): SafeHtml {
  const messages = dossier.messages ?? [];
  return html`<section class="ti-card" aria-labelledby="s-messages" id="messagerie">
  <h2 class="fr-h4" id="s-messages">Messagerie avec le demandeur</h2>
  <p class="fr-text--sm">Vos messages arrivent dans la conversation du demandeur (Teams ou assistant web) ; ses réponses dans la conversation s’affichent ici.</p>
  ${messages.length === 0
    ? html`<p>Aucun message pour l’instant.</p>`
    : html`<ol class="ti-thread">${messages.map(
        (message) => html`<li class="ti-message ${message.by.kind === 'staff' ? 'ti-message--staff' : ''}">
      <p class="fr-text--sm fr-mb-1v"><strong>${message.by.kind === 'staff' ? `${message.by.name ?? 'Un agent'} (préfecture)` : 'Le demandeur'}</strong>, le ${formatDateTime(message.at)}${message.by.kind === 'staff' ? (message.deliveredAt ? ' — remis dans sa conversation' : ' — pas encore remis') : ''}</p>
      <p class="fr-mb-0 ti-pre">${message.text}</p></li>`,
      )}</ol>`}
  <form method="post" action="${base}/messages">
    ${hidden(csrf)}
    <div class="fr-input-group ${state?.form === 'message' ? 'fr-input-group--error' : ''}">
      <label class="fr-label" for="message">Écrire au demandeur</label>
      <textarea class="fr-input" id="message" name="texte" rows="4" maxlength="4000"${state?.form === 'message' ? html` aria-describedby="message-error"` : ''}>${valueIn(state, 'message', 'texte')}</textarea>
      ${errorIn(state, 'message', 'message-error')}
    </div>
    <button type="submit" class="fr-btn">Envoyer le message</button>
  </form>
</section>`;
}

function labelsSection(dossier: Dossier, base: string, csrf: string, state: FormState | undefined): SafeHtml {
  const current = state?.form === 'labels' ? valueIn(state, 'labels', 'etiquettes') : (dossier.labels ?? []).join(', ');
  return html`<section class="ti-card" aria-labelledby="s-labels">
  <h2 class="fr-h4" id="s-labels">Étiquettes</h2>
  <form method="post" action="${base}/etiquettes">
    ${hidden(csrf)}
    <div class="fr-input-group ${state?.form === 'labels' ? 'fr-input-group--error' : ''}">
      <label class="fr-label" for="etiquettes">Étiquettes du dossier <span class="fr-hint-text">Séparées par des virgules, par exemple : urgent, budget à revoir</span></label>
      <input class="fr-input" id="etiquettes" name="etiquettes" value="${current}"${state?.form === 'labels' ? html` aria-describedby="labels-error"` : ''}>
      ${errorIn(state, 'labels', 'labels-error')}
    </div>
    <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">Enregistrer les étiquettes</button>
  </form>
</section>`;
}

function notesSection(dossier: Dossier, base: string, csrf: string, state: FormState | undefined): SafeHtml {
  return html`<section class="ti-card" aria-labelledby="s-notes">
  <h2 class="fr-h4" id="s-notes">Annotations privées</h2>
  <p class="fr-text--sm">Visibles des seuls agents, jamais du demandeur.</p>
  ${dossier.notes.length === 0
    ? html`<p>Aucune annotation.</p>`
    : html`<ul class="ti-notes">${[...dossier.notes].reverse().map(
        (note) => html`<li><p class="fr-text--sm fr-mb-0"><strong>${note.by.name ?? 'Un agent'}</strong>, le ${formatDateTime(note.at)}</p><p class="ti-pre">${note.text}</p></li>`,
      )}</ul>`}
  <form method="post" action="${base}/annotations">
    ${hidden(csrf)}
    <div class="fr-input-group ${state?.form === 'note' ? 'fr-input-group--error' : ''}">
      <label class="fr-label" for="annotation">Nouvelle annotation</label>
      <textarea class="fr-input" id="annotation" name="texte" rows="3" maxlength="4000"${state?.form === 'note' ? html` aria-describedby="note-error"` : ''}>${valueIn(state, 'note', 'texte')}</textarea>
      ${errorIn(state, 'note', 'note-error')}
    </div>
    <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">Ajouter l’annotation</button>
  </form>
</section>`;
}

/** The box to tick before a decision that cannot be undone; ticked again when the form comes back refused. */
function confirmation(form: 'accept' | 'reject', label: string, state: FormState | undefined): SafeHtml {
  const ticked = state?.form === form && valueIn(state, form, 'confirmation') === 'oui';
  return html`<div class="fr-checkbox-group fr-mb-2w">
      <input type="checkbox" id="${form}-confirm" name="confirmation" value="oui"${ticked ? html` checked` : ''}>
      <label class="fr-label" for="${form}-confirm">${label}</label>
    </div>`;
}

function decisionPanel(dossier: Dossier, allowed: readonly string[], csrf: string, state: FormState | undefined): SafeHtml | '' {
  if (allowed.length === 0) {
    return dossier.status === 'changes_requested' && dossier.changesRequested
      ? html`<div class="fr-callout fr-mb-3w"><h2 class="fr-callout__title fr-h5">En attente des corrections du demandeur</h2><p class="fr-callout__text">Sections : ${dossier.changesRequested.sections.map((section) => SECTION_LABELS[section]).join(', ')}. Motif : ${dossier.changesRequested.reason}${dossier.changesRequested.comment ? ` — ${dossier.changesRequested.comment}` : ''}</p></div>`
      : '';
  }
  const action = `/instruction/dossiers/${dossier.reference}/decision`;
  const checked = (name: string): string[] => {
    const value = state?.form === 'corrections' ? state.values[name] : undefined;
    return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  };
  return html`<section class="ti-card" aria-labelledby="s-decision" id="decision">
  <h2 class="fr-h4" id="s-decision">Instruire le dossier</h2>
  ${allowed.includes('under_review')
    ? html`<form method="post" action="${action}">
    ${hidden(csrf, dossier.version)}<input type="hidden" name="vers" value="under_review">
    ${errorIn(state, 'review', 'review-error')}
    <p>Le dossier attend d’être examiné. Commencer l’instruction prévient le demandeur dans sa conversation.</p>
    <button type="submit" class="fr-btn">Commencer l’instruction</button>
  </form>`
    : ''}
  ${allowed.includes('changes_requested')
    ? html`<form method="post" action="${action}" class="fr-mb-4w">
    ${hidden(csrf, dossier.version)}<input type="hidden" name="vers" value="changes_requested">
    <h3 class="fr-h5">Demander des corrections</h3>
    ${errorIn(state, 'corrections', 'corrections-error')}
    <fieldset class="fr-fieldset" aria-labelledby="corrections-sections-legend">
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="corrections-sections-legend">Sections à corriger</legend>
      ${SectionIdSchema.options.map(
        (section: SectionId) => html`<div class="fr-fieldset__element"><div class="fr-checkbox-group">
        <input type="checkbox" id="section-${section}" name="sections" value="${section}"${checked('sections').includes(section) ? html` checked` : ''}>
        <label class="fr-label" for="section-${section}">${SECTION_LABELS[section]}</label></div></div>`,
      )}
    </fieldset>
    <fieldset class="fr-fieldset" aria-labelledby="corrections-kind-legend">
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="corrections-kind-legend">Motif</legend>
      ${Object.entries(CORRECTION_KINDS).map(
        ([kind, label]) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
        <input type="radio" id="motif-${kind}" name="motif" value="${kind}"${valueIn(state, 'corrections', 'motif') === kind ? html` checked` : ''}>
        <label class="fr-label" for="motif-${kind}">${label}</label></div></div>`,
      )}
    </fieldset>
    <div class="fr-input-group">
      <label class="fr-label" for="corrections-commentaire">Ce que le demandeur doit corriger <span class="fr-hint-text">Transmis au demandeur dans sa conversation et gardé dans l’historique</span></label>
      <textarea class="fr-input" id="corrections-commentaire" name="commentaire" rows="3" maxlength="2000">${valueIn(state, 'corrections', 'commentaire')}</textarea>
    </div>
    <button type="submit" class="fr-btn fr-btn--secondary">Demander des corrections</button>
  </form>`
    : ''}
  ${allowed.includes('accepted')
    ? html`<form method="post" action="${action}" class="fr-mb-4w">
    ${hidden(csrf, dossier.version)}<input type="hidden" name="vers" value="accepted">
    <h3 class="fr-h5">Accepter</h3>
    ${errorIn(state, 'accept', 'accept-error')}
    <div class="fr-input-group">
      <label class="fr-label" for="accept-motivation">Motivation (facultative) <span class="fr-hint-text">Transmise au demandeur</span></label>
      <textarea class="fr-input" id="accept-motivation" name="motivation" rows="2" maxlength="2000">${valueIn(state, 'accept', 'motivation')}</textarea>
    </div>
    ${confirmation('accept', 'Je confirme accepter ce dossier ; le demandeur en est prévenu aussitôt.', state)}
    <button type="submit" class="fr-btn">Accepter le dossier</button>
  </form>
  <form method="post" action="${action}">
    ${hidden(csrf, dossier.version)}<input type="hidden" name="vers" value="rejected">
    <h3 class="fr-h5">Refuser</h3>
    ${errorIn(state, 'reject', 'reject-error')}
    <div class="fr-input-group ${state?.form === 'reject' ? 'fr-input-group--error' : ''}">
      <label class="fr-label" for="reject-motivation">Motivation du refus (obligatoire) <span class="fr-hint-text">Transmise au demandeur</span></label>
      <textarea class="fr-input" id="reject-motivation" name="motivation" rows="2" maxlength="2000"${state?.form === 'reject' ? html` aria-describedby="reject-error"` : ''}>${valueIn(state, 'reject', 'motivation')}</textarea>
    </div>
    ${confirmation('reject', 'Je confirme refuser ce dossier ; le demandeur en est prévenu aussitôt, avec la motivation.', state)}
    <button type="submit" class="fr-btn fr-btn--tertiary">Refuser le dossier</button>
  </form>`
    : ''}
</section>`;
}
