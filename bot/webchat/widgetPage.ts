// The web widget's page: DSFR header, the chat, and what the assistant does with people's data, in French.

export interface WidgetPageOptions {
  /** Marks the page's only inline styles (Web Chat's, injected at run time) as ours for the Content-Security-Policy. */
  nonce: string;
  /** After how many days without activity a draft is deleted, as the page tells users. */
  draftRetentionDays: number;
  /** Busts browser caches when the Web Chat bundle changes. */
  assetsVersion: string;
}

export function renderWidgetPage({ nonce, draftRetentionDays, assetsVersion }: WidgetPageOptions): string {
  const version = encodeURIComponent(assetsVersion);
  return `<!doctype html>
<html lang="fr" data-fr-scheme="light">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="description" content="Assistant conversationnel pour préparer la candidature de votre collectivité à un CTAI ou à un PTAI.">
  <meta name="theme-color" content="#000091">
  <title>Assistant Territoires d’intégration</title>
  <link rel="icon" href="/favicon.ico" sizes="any">
  <link rel="icon" href="/assets/dsfr/favicon/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/dsfr/dsfr.min.css?v=${version}">
  <link rel="stylesheet" href="/assets/widget.css?v=${version}">
</head>
<body>
  <div class="fr-skiplinks">
    <nav class="fr-container" role="navigation" aria-label="Accès rapide">
      <ul class="fr-skiplinks__list">
        <li><a class="fr-link" href="#conversation">Aller à la conversation</a></li>
        <li><a class="fr-link" href="#vos-donnees">Aller aux informations sur vos données</a></li>
      </ul>
    </nav>
  </div>
  <header role="banner" class="fr-header ti-header">
    <div class="fr-header__body">
      <div class="fr-container">
        <div class="fr-header__body-row">
          <div class="fr-header__brand fr-enlarge-link">
            <div class="fr-header__brand-top">
              <div class="fr-header__logo">
                <p class="fr-logo">République<br>française</p>
              </div>
            </div>
            <div class="fr-header__service">
              <a href="/" title="Accueil — Assistant Territoires d’intégration">
                <p class="fr-header__service-title">Assistant Territoires d’intégration</p>
              </a>
              <p class="fr-header__service-tagline">Préparer la candidature de votre collectivité à un CTAI ou à un PTAI</p>
            </div>
          </div>
        </div>
      </div>
    </div>
  </header>

  <main role="main" id="contenu" class="ti-main">
    <div class="fr-container ti-layout">
      <section class="ti-chat" id="conversation" aria-labelledby="ti-chat-title">
        <div class="ti-chat__bar">
          <h1 class="ti-chat__title" id="ti-chat-title">Conversation avec l’assistant</h1>
          <div class="ti-chat__actions">
            <a class="fr-link fr-link--sm ti-chat__about-link" href="#vos-donnees">Vos données</a>
            <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" id="ti-new-conversation">Nouvelle conversation</button>
          </div>
        </div>
        <div class="ti-chat__status" id="ti-status" role="status" aria-live="polite"></div>
        <div class="ti-chat__webchat" id="webchat">
          <p class="ti-chat__loading">Connexion à l’assistant…</p>
        </div>
        <noscript><p class="ti-chat__loading">L’assistant a besoin de JavaScript pour fonctionner : activez-le dans votre navigateur.</p></noscript>
      </section>

      <aside class="ti-about" id="a-propos" aria-label="À propos de l’assistant et de vos données">
        <h2 class="fr-h5">Ce que fait l’assistant</h2>
        <ul class="ti-about__list">
          <li>Il répond à vos questions sur les contrats territoriaux d’accueil et d’intégration (<abbr title="contrat territorial d’accueil et d’intégration">CTAI</abbr>) et les projets territoriaux d’accueil et d’intégration (<abbr title="projet territorial d’accueil et d’intégration">PTAI</abbr>), en citant ses sources.</li>
          <li>Il vous guide pas à pas pour préparer le dossier de candidature de votre collectivité.</li>
          <li>Quand vous soumettez le dossier, il est transmis à la préfecture de votre département, qui l’instruit et peut vous demander des compléments.</li>
        </ul>
        <p class="fr-text--sm">Il ne remplace pas la préfecture : quand une règle n’est pas écrite dans la documentation du dispositif, il vous le dit et vous oriente vers elle.</p>

        <h2 class="fr-h5" id="vos-donnees" tabindex="-1">Vos données</h2>
        <ul class="ti-about__list">
          <li><strong>Ce qui est conservé :</strong> vos réponses au dossier et l’historique de cette conversation.</li>
          <li><strong>Un brouillon jusqu’à la soumission :</strong> la préfecture ne voit votre dossier qu’une fois que vous l’avez soumis.</li>
          <li><strong>Sur cet appareil :</strong> ce navigateur garde un identifiant anonyme de session pour vous retrouver, vous et votre brouillon, tant que la session n’a pas expiré (elle se prolonge tant que la page est ouverte) ; une fois expirée, une nouvelle conversation anonyme commence. Aucun cookie, aucune mesure d’audience.</li>
          <li><strong>« Supprimer mes données » :</strong> écrivez-le dans la conversation ; après confirmation, votre brouillon et l’historique de vos conversations sont effacés, et votre identifiant de session est révoqué. Un dossier déjà soumis reste à la préfecture pour son instruction.</li>
          <li><strong>Effacement automatique :</strong> un brouillon sans activité pendant ${draftRetentionDays} jours est supprimé.</li>
          <li><strong>Rien n’est envoyé ailleurs :</strong> vos données ne sont transmises à aucun autre service, et cette page ne charge rien depuis un autre site.</li>
        </ul>
        <p class="fr-text--sm">« Nouvelle conversation » efface l’affichage et repart de zéro, sans supprimer votre brouillon : vous le retrouverez dans la nouvelle conversation.</p>
      </aside>
    </div>
  </main>

  <footer class="fr-footer ti-footer" role="contentinfo">
    <div class="fr-container">
      <div class="fr-footer__body">
        <div class="fr-footer__brand">
          <p class="fr-logo">République<br>française</p>
        </div>
        <div class="fr-footer__content">
          <p class="fr-footer__content-desc">Assistant pour la démarche « Territoires d’intégration » : accueil et intégration des étrangers primo-arrivants par les collectivités territoriales.</p>
        </div>
      </div>
    </div>
  </footer>

  <script src="/assets/webchat.js?v=${version}"></script>
  <script src="/assets/widget.js?v=${version}" nonce="${nonce}"></script>
</body>
</html>
`;
}
