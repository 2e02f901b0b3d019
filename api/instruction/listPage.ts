// The list of dossiers: tabs with counts, filters, search, sort and pages, on the agent's départements only.
import { Router, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { DossierListSortSchema } from '../../dossiers/dossierRepository';
import type { Dossier } from '../../dossiers/dossierSchema';
import { isDepartementCode } from '../../knowledge/parsers';
import { SchemeSchema, STATUS_LABELS, type DossierStatus } from '../../knowledge/schemes';
import type { DossierService, PageFilters } from '../dossiers/dossierService';
import type { ListExporter } from '../dossiers/listExport';
import { AppError } from '../errors';
import { formatDate, html, queryString, type SafeHtml } from './html';
import { renderPage } from './layout';
import { agentOf } from './sessionAuth';

const PAGE_SIZE = 20;

const TABS = [
  { id: 'a-examiner', label: 'À examiner', none: 'Aucun dossier à examiner', status: ['submitted'] },
  { id: 'en-instruction', label: 'En instruction', none: 'Aucun dossier en instruction', status: ['under_review'] },
  { id: 'corrections', label: 'Corrections demandées', none: 'Aucun dossier en attente de corrections', status: ['changes_requested'] },
  { id: 'traites', label: 'Traités', none: 'Aucun dossier traité', status: ['accepted', 'rejected', 'withdrawn'] },
  { id: 'suivis', label: 'Suivis par moi', none: 'Aucun dossier suivi par vous', status: undefined },
] as const satisfies ReadonlyArray<{ id: string; label: string; none: string; status: readonly DossierStatus[] | undefined }>;
type TabId = (typeof TABS)[number]['id'];

const SORT_LABELS: Record<z.infer<typeof DossierListSortSchema>, string> = {
  '-submittedAt': 'Dépôt le plus récent d’abord',
  submittedAt: 'Dépôt le plus ancien d’abord',
  '-updatedAt': 'Modification la plus récente d’abord',
  updatedAt: 'Modification la plus ancienne d’abord',
  reference: 'Référence croissante',
  '-reference': 'Référence décroissante',
};

/** What the page reads from its query string; a value that does not parse is simply not applied. */
interface ListView {
  tab: TabId;
  scheme?: z.infer<typeof SchemeSchema>;
  departement?: string;
  label?: string;
  q?: string;
  sort: z.infer<typeof DossierListSortSchema>;
  page: number;
}

function valueOf<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function listViewOf(req: Request): ListView {
  const query = req.query as Record<string, unknown>;
  const scheme = valueOf(SchemeSchema, query.dispositif);
  const departement = valueOf(z.string().refine(isDepartementCode), query.departement);
  const label = valueOf(z.string().trim().min(1).max(40), query.etiquette);
  const q = valueOf(z.string().trim().min(1).max(100), query.recherche);
  return {
    tab: valueOf(z.enum(TABS.map((tab) => tab.id) as [TabId, ...TabId[]]), query.onglet) ?? 'a-examiner',
    ...(scheme ? { scheme } : {}),
    ...(departement ? { departement } : {}),
    ...(label ? { label } : {}),
    ...(q ? { q } : {}),
    sort: valueOf(DossierListSortSchema, query.tri) ?? '-submittedAt',
    page: valueOf(z.coerce.number().int().min(1).max(100_000), query.page) ?? 1,
  };
}

/** The service's filters for a tab of the view (shared by the list and the exports). */
function filtersOf(view: ListView, tabId: TabId, staffId: string): PageFilters {
  const tab = TABS.find((candidate) => candidate.id === tabId) ?? TABS[0];
  return {
    ...(tab.status ? { status: [...tab.status] } : { followedBy: staffId }),
    ...(view.scheme ? { scheme: view.scheme } : {}),
    ...(view.departement ? { departement: [view.departement] } : {}),
    ...(view.label ? { label: [view.label] } : {}),
    ...(view.q ? { q: view.q } : {}),
    sort: view.sort,
  };
}

/** The view's query string, with some parts changed (another tab, another page). */
function linkOf(view: ListView, changes: Partial<ListView> = {}): string {
  return `/instruction/${viewQuery(view, changes)}`;
}

/** An export of the view as it is shown: the same tab, filters, search and sort, every page. */
function exportLinkOf(view: ListView, file: 'export.csv' | 'export.xlsx', detail?: 'actions'): string {
  const query = viewQuery(view, { page: 1 });
  return `/instruction/${file}${query}${detail ? `${query ? '&' : '?'}detail=${detail}` : ''}`;
}

function viewQuery(view: ListView, changes: Partial<ListView>): string {
  const next = { ...view, ...changes };
  return queryString({
    onglet: next.tab,
    dispositif: next.scheme,
    departement: next.departement,
    etiquette: next.label,
    recherche: next.q,
    tri: next.sort === '-submittedAt' ? undefined : next.sort,
    page: next.page === 1 ? undefined : next.page,
  });
}

const STATUS_BADGES: Record<DossierStatus, string> = {
  draft: '',
  submitted: 'fr-badge--new',
  under_review: 'fr-badge--info',
  changes_requested: 'fr-badge--warning',
  accepted: 'fr-badge--success',
  rejected: 'fr-badge--error',
  withdrawn: '',
};

export function statusBadge(status: DossierStatus): SafeHtml {
  return html`<p class="fr-badge fr-badge--sm ${STATUS_BADGES[status]}">${STATUS_LABELS[status]}</p>`;
}

interface ListRoutesDependencies {
  service: DossierService;
  /** The staff API's exporter, with the slots it shares: the same files and the same cap per account. */
  exporter: ListExporter;
  /** Export downloads one account may start per minute (the staff API's STAFF_RATE_LIMIT_PER_KEY_PER_MINUTE). */
  exportsPerMinute: number;
}

export function createListRoutes(deps: ListRoutesDependencies): Router {
  const router = Router();

  const exportLimit: RequestHandler = rateLimit({
    windowMs: 60_000,
    limit: deps.exportsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'instruction-exports-per-staff',
    keyGenerator: (_req, res) => `staff:${agentOf(res).principal.id}`,
    handler: (_req, _res, next) => next(new AppError('TOO_MANY_REQUESTS')),
  });

  // The list's exports: what the list shows under its tab and filters, in the agent's départements only.
  router.get('/export.csv', exportLimit, (req, res) => {
    const staff = agentOf(res).principal;
    const view = listViewOf(req);
    const detail = (req.query as Record<string, unknown>).detail === 'actions' ? 'actions' : 'dossiers';
    return deps.exporter.csv(res, staff, filtersOf(view, view.tab, staff.id), detail);
  });

  router.get('/export.xlsx', exportLimit, (req, res) => {
    const staff = agentOf(res).principal;
    const view = listViewOf(req);
    return deps.exporter.xlsx(res, staff, filtersOf(view, view.tab, staff.id));
  });

  router.get('/', async (req, res) => {
    const agent = agentOf(res);
    const staff = agent.principal;
    const view = listViewOf(req);
    const [counts, { items, total }, labels] = await Promise.all([
      Promise.all(TABS.map(async (tab) => (await deps.service.page(staff, filtersOf(view, tab.id, staff.id), 1, 1)).total)),
      deps.service.page(staff, filtersOf(view, view.tab, staff.id), view.page, PAGE_SIZE),
      deps.service.labelsInScope(staff),
    ]);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const currentTab = TABS.find((tab) => tab.id === view.tab) ?? TABS[0];
    const departements = staff.role === 'admin' ? undefined : staff.departements;

    const body = html`<h1>Dossiers</h1>
<nav class="ti-tabs" aria-label="Catégories de dossiers">
  <ul class="ti-tabs__list">
    ${TABS.map(
      (tab, index) => html`<li><a class="ti-tabs__tab" href="${linkOf(view, { tab: tab.id, page: 1 })}"${tab.id === view.tab ? html` aria-current="page"` : ''}>${tab.label} <span class="fr-badge fr-badge--sm fr-badge--no-icon">${counts[index] ?? 0}</span></a></li>`,
    )}
  </ul>
</nav>

<form method="get" action="/instruction/" class="ti-filters fr-mb-3w" role="search" aria-label="Filtrer les dossiers">
  <input type="hidden" name="onglet" value="${view.tab}">
  <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
    <div class="fr-col-12 fr-col-md-3">
      <div class="fr-input-group">
        <label class="fr-label" for="recherche">Rechercher <span class="fr-hint-text">Nom de la collectivité ou référence (TI-2026-00042)</span></label>
        <input class="fr-input" type="search" id="recherche" name="recherche" value="${view.q ?? ''}">
      </div>
    </div>
    <div class="fr-col-6 fr-col-md-2">
      <div class="fr-select-group">
        <label class="fr-label" for="dispositif">Dispositif</label>
        <select class="fr-select" id="dispositif" name="dispositif">
          <option value="">Tous</option>
          ${SchemeSchema.options.map((scheme) => html`<option value="${scheme}"${view.scheme === scheme ? html` selected` : ''}>${scheme}</option>`)}
        </select>
      </div>
    </div>
    ${!departements || departements.length > 1
      ? html`<div class="fr-col-6 fr-col-md-2">
      <div class="fr-input-group">
        <label class="fr-label" for="departement">Département</label>
        ${departements
          ? html`<select class="fr-select" id="departement" name="departement"><option value="">Tous les miens</option>${departements.map(
              (code) => html`<option value="${code}"${view.departement === code ? html` selected` : ''}>${code}</option>`,
            )}</select>`
          : html`<input class="fr-input" id="departement" name="departement" value="${view.departement ?? ''}" inputmode="text" maxlength="3">`}
      </div>
    </div>`
      : ''}
    <div class="fr-col-6 fr-col-md-2">
      <div class="fr-select-group">
        <label class="fr-label" for="etiquette">Étiquette</label>
        <select class="fr-select" id="etiquette" name="etiquette">
          <option value="">Toutes</option>
          ${labels.map((label) => html`<option value="${label}"${view.label === label ? html` selected` : ''}>${label}</option>`)}
        </select>
      </div>
    </div>
    <div class="fr-col-6 fr-col-md-3">
      <div class="fr-select-group">
        <label class="fr-label" for="tri">Trier par</label>
        <select class="fr-select" id="tri" name="tri">
          ${Object.entries(SORT_LABELS).map(([value, label]) => html`<option value="${value}"${view.sort === value ? html` selected` : ''}>${label}</option>`)}
        </select>
      </div>
    </div>
    <div class="fr-col-12">
      <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
        <li><button type="submit" class="fr-btn fr-btn--sm">Appliquer</button></li>
        <li><a class="fr-btn fr-btn--sm fr-btn--tertiary" href="${linkOf({ tab: view.tab, sort: '-submittedAt', page: 1 })}">Effacer les filtres</a></li>
      </ul>
    </div>
  </div>
</form>

<h2 class="fr-h4" id="ti-results">${currentTab.label} : ${total === 0 ? 'aucun dossier' : total === 1 ? '1 dossier' : `${total} dossiers`}${pages > 1 ? `, page ${view.page} sur ${pages}` : ''}</h2>
<p class="fr-text--sm fr-mb-1w" id="ti-exports-hint">Les exports reprennent cet onglet, ces filtres et ce tri, toutes pages comprises.</p>
<ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-mb-2w" aria-label="Exporter la liste">
  <li><a class="fr-btn fr-btn--sm fr-btn--secondary" href="${exportLinkOf(view, 'export.csv')}" download aria-describedby="ti-exports-hint">Exporter en CSV</a></li>
  <li><a class="fr-btn fr-btn--sm fr-btn--secondary" href="${exportLinkOf(view, 'export.csv', 'actions')}" download aria-describedby="ti-exports-hint">Exporter les actions en CSV</a></li>
  <li><a class="fr-btn fr-btn--sm fr-btn--secondary" href="${exportLinkOf(view, 'export.xlsx')}" download aria-describedby="ti-exports-hint">Exporter en XLSX (feuilles Dossiers et Actions)</a></li>
</ul>
${items.length === 0
  ? emptyTab(view, currentTab, counts)
  : html`<div class="fr-table fr-table--no-caption ti-table">
  <div class="fr-table__wrapper"><div class="fr-table__container"><div class="fr-table__content">
  <table aria-describedby="ti-results">
    <caption>${currentTab.label}</caption>
    <thead><tr><th scope="col">Référence</th><th scope="col">Collectivité</th><th scope="col">Département</th><th scope="col">Dispositif</th><th scope="col">Statut</th><th scope="col">Déposé le</th><th scope="col">Modifié le</th><th scope="col">Étiquettes</th></tr></thead>
    <tbody>
      ${items.map((dossier) => row(dossier, staff.id))}
    </tbody>
  </table>
  </div></div></div>
</div>`}
${pagination(view, pages)}`;

    res.type('html').send(renderPage({ title: `Dossiers — ${currentTab.label}`, agent: agent.page, ...noticeOf(req), body }));
  });

  return router;
}

/**
 * An empty tab: a search that finds dossiers under other tabs says where, with links, so that
 * « vierzon » on « À examiner » does not look as if the dossier did not exist.
 */
function emptyTab(view: ListView, currentTab: (typeof TABS)[number], counts: number[]): SafeHtml {
  // « Suivis par moi » overlaps the status tabs: only these tell where a dossier is.
  const elsewhere = TABS.flatMap((tab, index) => (tab.status && tab.id !== currentTab.id && (counts[index] ?? 0) > 0 ? [{ tab, count: counts[index] ?? 0 }] : []));
  if (!view.q || elsewhere.length === 0) return html`<p>Aucun dossier ne correspond à cet onglet et à ces filtres.</p>`;
  const places = elsewhere.map(({ tab, count }, index) => {
    const link = html`<a href="${linkOf(view, { tab: tab.id, page: 1 })}">${tab.label}</a>`;
    if (index > 0) return html`${count} dans l’onglet ${link}`;
    return html`${count === 1 ? '1 dossier correspond' : `${count} dossiers correspondent`} dans l’onglet ${link}`;
  });
  return html`<p id="ti-elsewhere">${currentTab.none} pour « ${view.q} ». ${places.map((place, index) => html`${index > 0 ? ', ' : ''}${place}`)}.</p>`;
}

function row(dossier: Dossier, staffId: string): SafeHtml {
  const followed = dossier.followers?.includes(staffId) === true;
  // A dossier sent again after a correction request must not look like a new one in the list.
  const resubmissions = Math.max(0, (dossier.submissions?.length ?? 0) - 1);
  return html`<tr>
  <td><a href="/instruction/dossiers/${dossier.reference}">${dossier.reference}</a>${followed ? html` <span class="fr-badge fr-badge--sm fr-badge--no-icon">suivi</span>` : ''}</td>
  <td>${dossier.collectivity.name ?? 'Sans nom'}</td>
  <td>${dossier.collectivity.departement ?? '—'}</td>
  <td>${dossier.scheme ?? '—'}</td>
  <td>${statusBadge(dossier.status)}${resubmissions > 0 ? html` <span class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon">Redéposé${resubmissions > 1 ? ` (${resubmissions} fois)` : ''} après corrections</span>` : ''}</td>
  <td>${dossier.submittedAt ? formatDate(dossier.submittedAt) : '—'}</td>
  <td>${formatDate(dossier.updatedAt)}</td>
  <td>${(dossier.labels ?? []).map((label) => html`<span class="fr-tag fr-tag--sm">${label}</span> `)}</td>
</tr>`;
}

function pagination(view: ListView, pages: number): SafeHtml | '' {
  if (pages <= 1) return '';
  const current = Math.min(view.page, pages);
  const shown = [...new Set([1, current - 1, current, current + 1, pages])].filter((page) => page >= 1 && page <= pages).sort((a, b) => a - b);
  return html`<nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
  <ul class="fr-pagination__list">
    <li>${current > 1 ? html`<a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" href="${linkOf(view, { page: current - 1 })}">Page précédente</a>` : html`<a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" aria-disabled="true" role="link">Page précédente</a>`}</li>
    ${shown.map(
      (page) =>
        html`<li><a class="fr-pagination__link" href="${linkOf(view, { page })}" title="Page ${page}"${page === current ? html` aria-current="page"` : ''}>${page}</a></li>`,
    )}
    <li>${current < pages ? html`<a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href="${linkOf(view, { page: current + 1 })}">Page suivante</a>` : html`<a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" aria-disabled="true" role="link">Page suivante</a>`}</li>
  </ul>
</nav>`;
}

/** Success messages after a redirect are looked up by code: nothing from the URL is ever shown as is. */
const NOTICES: Record<string, string> = {
  'instruction-commencee': 'L’instruction du dossier a commencé : le demandeur en est informé dans sa conversation.',
  'corrections-demandees': 'La demande de corrections est envoyée au demandeur, avec son motif.',
  accepte: 'Le dossier est accepté : le demandeur en est informé.',
  refuse: 'Le dossier est refusé : le demandeur est informé de la motivation.',
  'message-envoye': 'Votre message est enregistré dans le fil du dossier.',
  'annotation-ajoutee': 'L’annotation privée est enregistrée.',
  'etiquettes-enregistrees': 'Les étiquettes sont enregistrées.',
  suivi: 'Vous suivez ce dossier : il apparaît dans l’onglet « Suivis par moi ».',
  'plus-suivi': 'Vous ne suivez plus ce dossier.',
};

export function noticeOf(req: Request): { notice?: { type: 'success'; text: string } } {
  const code = (req.query as Record<string, unknown>).info;
  const text = typeof code === 'string' ? NOTICES[code] : undefined;
  return text ? { notice: { type: 'success', text } } : {};
}
