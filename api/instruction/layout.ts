// The frame of every back-office page: DSFR header with the agent and sign-out, skip links, main, footer.
import { html, type SafeHtml } from './html';

export interface PageAgent {
  name: string;
  role: 'instructeur' | 'admin';
  departements: readonly string[];
  csrf: string;
}

export interface PageOptions {
  title: string;
  agent?: PageAgent;
  /** A message shown above the content: a success after a redirect, or an error. */
  notice?: { type: 'success' | 'error' | 'info'; text: string };
  body: SafeHtml;
}

const SERVICE_NAME = 'Instruction des dossiers Territoires d’intégration';

export function renderPage({ title, agent, notice, body }: PageOptions): string {
  return html`<!doctype html>
<html lang="fr" data-fr-scheme="light">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} — ${SERVICE_NAME}</title>
  <link rel="icon" href="/favicon.ico" sizes="any">
  <link rel="icon" href="/assets/dsfr/favicon/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/dsfr/dsfr.min.css">
  <link rel="stylesheet" href="/instruction/assets/instruction.css">
</head>
<body>
  <div class="fr-skiplinks">
    <nav class="fr-container" aria-label="Accès rapide">
      <ul class="fr-skiplinks__list">
        <li><a class="fr-link" href="#contenu">Aller au contenu</a></li>
      </ul>
    </nav>
  </div>
  <header class="fr-header">
    <div class="fr-header__body">
      <div class="fr-container">
        <div class="fr-header__body-row">
          <div class="fr-header__brand fr-enlarge-link">
            <div class="fr-header__brand-top">
              <div class="fr-header__logo"><p class="fr-logo">République<br>française</p></div>
            </div>
            <div class="fr-header__service">
              <a href="/instruction/" title="Accueil — ${SERVICE_NAME}"><p class="fr-header__service-title">${SERVICE_NAME}</p></a>
              <p class="fr-header__service-tagline">Espace des agents de préfecture</p>
            </div>
          </div>
          ${agent
            ? html`<div class="fr-header__tools">
            <div class="fr-header__tools-links">
              <ul class="fr-btns-group">
                <li><span class="fr-btn ti-agent" id="ti-agent">${agent.name} (${agent.role === 'admin' ? 'administrateur' : `départements ${agent.departements.join(', ')}`})</span></li>
                ${agent.role === 'admin' ? html`<li><a class="fr-btn" href="/instruction/admin/comptes">Comptes des agents</a></li>` : ''}
                <li>
                  <form method="post" action="/instruction/deconnexion">
                    <input type="hidden" name="_csrf" value="${agent.csrf}">
                    <button type="submit" class="fr-btn">Se déconnecter</button>
                  </form>
                </li>
              </ul>
            </div>
          </div>`
            : ''}
        </div>
      </div>
    </div>
  </header>
  <main id="contenu" class="fr-container fr-py-4w" tabindex="-1">
    ${notice ? html`<div class="fr-alert fr-alert--${notice.type} fr-alert--sm fr-mb-3w" role="${notice.type === 'error' ? 'alert' : 'status'}"><p>${notice.text}</p></div>` : ''}
    ${body}
  </main>
  <footer class="fr-footer" id="footer">
    <div class="fr-container">
      <div class="fr-footer__body">
        <div class="fr-footer__brand"><p class="fr-logo">République<br>française</p></div>
        <div class="fr-footer__content"><p class="fr-footer__content-desc">Instruction des candidatures des collectivités aux CTAI et PTAI. Les annotations privées ne sont jamais montrées au demandeur.</p></div>
      </div>
    </div>
  </footer>
</body>
</html>
`.value;
}
