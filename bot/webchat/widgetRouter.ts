// Serves the web widget: the page at `/` and every asset it needs from our own origin (no CDN, no outside request).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Response, type Router } from 'express';
import helmet from 'helmet';
import { renderWidgetPage } from './widgetPage';

export interface WidgetRouterOptions {
  /** Shown on the page: after how many days without activity a draft is deleted. */
  draftRetentionDays?: number;
}

const DEFAULT_DRAFT_RETENTION_DAYS = 180;
const PUBLIC_DIR = path.join(__dirname, 'public');
const ASSET_MAX_AGE = '1d';

export function createWidgetRouter(options: WidgetRouterOptions = {}): Router {
  const webChat = locateWebChat();
  const dsfrDist = path.join(path.dirname(require.resolve('@gouvfr/dsfr/package.json')), 'dist');
  const draftRetentionDays = options.draftRetentionDays ?? DEFAULT_DRAFT_RETENTION_DAYS;
  const assetsVersion = versionOf(webChat.version, path.join(PUBLIC_DIR, 'widget.js'), path.join(PUBLIC_DIR, 'widget.css'));

  const router = express.Router();
  const staticOptions = { index: false, redirect: false, dotfiles: 'ignore', fallthrough: true, maxAge: ASSET_MAX_AGE } as const;

  const assignNonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  };
  router.get('/', assignNonce, pageSecurity, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(renderWidgetPage({ nonce: String(res.locals.cspNonce), draftRetentionDays, assetsVersion }));
  });

  router.use('/assets', assetSecurity);
  router.get('/assets/webchat.js', (_req, res, next) => {
    res.sendFile(webChat.bundle, { maxAge: ASSET_MAX_AGE, headers: { 'Content-Type': 'text/javascript; charset=utf-8' } }, (error?: unknown) => {
      if (error) next(error);
    });
  });
  router.get('/assets/dsfr/dsfr.min.css', (_req, res, next) => {
    res.sendFile(path.join(dsfrDist, 'dsfr.min.css'), { maxAge: ASSET_MAX_AGE }, (error?: unknown) => {
      if (error) next(error);
    });
  });
  // Browsers ask for /favicon.ico whatever the page says (a PDF, a JSON answer): the DSFR's own icon, 7 kB.
  router.get('/favicon.ico', assetSecurity, (_req, res, next) => {
    res.sendFile(path.join(dsfrDist, 'favicon', 'favicon.ico'), { maxAge: ASSET_MAX_AGE, headers: { 'Content-Type': 'image/x-icon' } }, (error?: unknown) => {
      if (error) next(error);
    });
  });
  // Only what dsfr.min.css and the page reference: the fonts, the icons and the favicon.
  for (const folder of ['fonts', 'icons', 'favicon']) {
    router.use(`/assets/dsfr/${folder}`, express.static(path.join(dsfrDist, folder), staticOptions));
  }
  router.use('/assets', express.static(PUBLIC_DIR, staticOptions));
  return router;
}

/**
 * Web Chat 4.18 does not hand the nonce to its scroller (react-scroll-to-bottom), whose emotion
 * instance inserts an empty <style> and then fills it through the CSSOM: the hash of the empty
 * string lets that element apply, and an injected empty style element can do nothing.
 */
const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/**
 * The page's policy: everything from our origin only, no inline script, no eval. Web Chat injects
 * its styles at run time (emotion) with the page's nonce; `data:` images are the DSFR logo and
 * Web Chat's icons, `blob:` ones are drawn by Web Chat itself.
 */
const pageSecurity = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", (_req, res) => `'nonce-${String((res as Response).locals.cspNonce)}'`, EMPTY_STYLE_HASH],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'"],
        // blob: lets Web Chat read the file chosen with the paperclip before it uploads it.
        'connect-src': ["'self'", 'blob:'],
        'media-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'self'"],
      },
    },
});

const assetSecurity = helmet({ contentSecurityPolicy: false });

/** Web Chat's full bundle (it exposes `window.WebChat`); its package exports no path to it, so it is found from the entry. */
function locateWebChat(): { bundle: string; version: string } {
  const packageRoot = path.resolve(path.dirname(require.resolve('botframework-webchat')), '..');
  const bundle = path.join(packageRoot, 'dist', 'webchat.js');
  if (!existsSync(bundle)) throw new Error(`Web Chat's bundle is missing at ${bundle}: reinstall botframework-webchat.`);
  const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return { bundle, version };
}

/** Changes whenever Web Chat or our own widget files change, so browsers fetch the new ones. */
function versionOf(webChatVersion: string, ...files: string[]): string {
  const hash = createHash('sha256').update(webChatVersion);
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}
