// Starts Web Chat on our own Direct Line, keeping the server-issued user (and conversation) in this browser.
(function () {
  'use strict';

  var STORAGE_KEY = 'territoires-integration.webchat';
  var DOMAIN = window.location.origin + '/v3/directline';
  // Used only where the browser has no WebSocket: replies are otherwise pushed on Direct Line's stream.
  var POLLING_INTERVAL_MS = 1000;
  // DirectLineJS's wait for an answer, and between two reconnection attempts while the server is away.
  var REQUEST_TIMEOUT_MS = 10 * 1000;
  // How soon DirectLineJS retries after its stream closes (its own default draws 3 to 15 s).
  var STREAM_RETRY_DELAY_MS = 1000;
  var BACK_ONLINE_NOTICE_MS = 8 * 1000;
  var SAVE_INTERVAL_MS = 60 * 1000;
  // DirectLineJS's connection states.
  var ONLINE = 2;
  var EXPIRED_TOKEN = 3;
  var FAILED_TO_CONNECT = 4;
  var ENDED = 5;

  var nonce = document.currentScript ? document.currentScript.nonce : undefined;
  var container = document.getElementById('webchat');
  var statusLine = document.getElementById('ti-status');
  var newConversationButton = document.getElementById('ti-new-conversation');

  var MAX_FAILED_STARTS = 3;
  // After a 429, the page tries again by itself when the wait is this short; longer (a daily cap), it says when.
  var AUTO_RETRY_MAX_MS = 5 * 60 * 1000;
  var retryTimer = null;

  var current = null;
  var failedStarts = 0;
  var generation = 0;
  var noticeTimer = null;

  var styleOptions = {
    primaryFont: 'Marianne, arial, sans-serif',
    accent: '#000091',
    subtle: '#666666',
    backgroundColor: '#ffffff',
    paddingRegular: 10,
    avatarSize: 36,
    botAvatarInitials: 'TI',
    botAvatarBackgroundColor: '#000091',
    bubbleBackground: '#f6f6f6',
    bubbleBorderColor: '#dddddd',
    bubbleBorderRadius: 4,
    bubbleTextColor: '#161616',
    bubbleFromUserBackground: '#000091',
    bubbleFromUserBorderColor: '#000091',
    bubbleFromUserBorderRadius: 4,
    bubbleFromUserTextColor: '#ffffff',
    bubbleMaxWidth: 600,
    bubbleMinWidth: 0,
    // Web Chat's default, « word-break: break-word », cuts a word anywhere (« TI-2026- / 00001 ») even when it
    // fits on a line: widget.css breaks only a word wider than the bubble.
    messageActivityWordBreak: 'normal',
    markdownRenderHTML: false,
    hideUploadButton: false,
    // The paperclip sends the chosen file at once: held in the send box, it waited for « Envoyer », which nothing said.
    sendAttachmentOn: 'attach',
    // Web Chat draws an image's thumbnail in a Worker made from a blob: URL, which the page's CSP
    // (script-src 'self', no worker-src) refuses and logs as an error: the name and size are shown instead.
    enableUploadThumbnail: false,
    sendBoxTextWrap: true,
    sendBoxButtonColor: '#000091',
    sendBoxButtonColorOnHover: '#1212ff',
    sendBoxButtonKeyboardFocusIndicatorBorderColor: '#0a76f6',
    sendBoxButtonKeyboardFocusIndicatorBorderWidth: 2,
    sendBoxBorderTop: 'solid 1px #929292',
    sendBoxPlaceholderColor: '#666666',
    sendBoxTextColor: '#161616',
    sendBoxHeight: 48,
    suggestedActionLayout: 'flow',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBorderColor: '#000091',
    suggestedActionBorderRadius: 4,
    suggestedActionBorderWidth: 1,
    suggestedActionTextColor: '#000091',
    suggestedActionBackgroundColorOnHover: '#e3e3fd',
    suggestedActionBackgroundColorOnActive: '#cacafb',
    suggestedActionHeight: 44,
    suggestedActionKeyboardFocusIndicatorBorderColor: '#0a76f6',
    suggestedActionKeyboardFocusIndicatorBorderStyle: 'solid',
    suggestedActionKeyboardFocusIndicatorBorderWidth: 2,
    suggestedActionsVisualKeyboardIndicatorColor: '#0a76f6',
    transcriptVisualKeyboardIndicatorColor: '#0a76f6',
    transcriptActivityVisualKeyboardIndicatorColor: '#0a76f6',
    transcriptActivityVisualKeyboardIndicatorStyle: 'solid',
    transcriptActivityVisualKeyboardIndicatorWidth: 2,
    timestampColor: '#666666',
    failedConnectivity: '#ce0500',
    notificationText: '#3a3a3a',
  };

  // What a multi-select card's « Valider » submits (dialogs/questionCards.ts): its ticked values, "a,b,c".
  var MULTI_SELECT_CARD = 'multiSelect';
  var MULTI_SELECT_INPUT = 'selection';
  var ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

  /** The choices of the card whose « Valider » submitted `value` (the latest card asked for that question). */
  function multiSelectChoices(activities, value) {
    for (var index = activities.length - 1; index >= 0; index -= 1) {
      var attachments = activities[index].attachments || [];
      for (var a = 0; a < attachments.length; a += 1) {
        var card = attachments[a].contentType === ADAPTIVE_CARD ? attachments[a].content : undefined;
        var submits = card && Array.isArray(card.actions) ? card.actions : [];
        var matches = submits.some(function (action) {
          return action && action.data && action.data.card === MULTI_SELECT_CARD && action.data.question === value.question;
        });
        if (!matches) continue;
        var input = (card.body || []).filter(function (element) {
          return element && element.id === MULTI_SELECT_INPUT;
        })[0];
        if (input && Array.isArray(input.choices)) return input.choices;
      }
    }
    return [];
  }

  /** « Mobilité, Garde d’enfants »: the ticked boxes' labels, as the official's own message shows them. */
  function chosenLabels(activities, value) {
    var choices = multiSelectChoices(activities, value);
    var labels = value[MULTI_SELECT_INPUT]
      .split(',')
      .filter(Boolean)
      .map(function (chosen) {
        var choice = choices.filter(function (candidate) {
          return candidate.value === chosen;
        })[0];
        return choice ? choice.title : chosen;
      });
    return labels.length > 0 ? labels.join(', ') : 'Aucune case cochée';
  }

  /**
   * Web Chat sends an Adaptive Card's plain « Action.Submit » as a postBack, which it never shows:
   * sent while the server is away it failed unseen. A multi-select's « Valider » goes as a
   * messageBack instead, with the same value: the official sees the labels chosen as their message,
   * marked « Échec de l'envoi » with « Réessayez » when it could not leave. (Teams is unchanged.)
   */
  function createCardActionMiddleware(getActivities) {
    return function () {
      return function (next) {
        return function () {
          var args = Array.prototype.slice.call(arguments);
          var cardAction = args[0] && args[0].cardAction;
          var value = cardAction && cardAction.value;
          if (cardAction && cardAction.type === 'postBack' && value && typeof value === 'object' && value.card === MULTI_SELECT_CARD) {
            var submitted = Object.assign({}, value);
            if (typeof submitted[MULTI_SELECT_INPUT] !== 'string') submitted[MULTI_SELECT_INPUT] = '';
            var labels = chosenLabels(getActivities(), submitted);
            args[0] = Object.assign({}, args[0], {
              cardAction: { type: 'messageBack', title: cardAction.title, text: labels, displayText: labels, value: submitted },
            });
          }
          return next.apply(null, args);
        };
      };
    };
  }

  var FRENCH = 'fr-FR';
  // « 3 décembre à 14:05 »: Web Chat's own formats ask Globalize for a 12-hour clock (skeleton MMMMdhm).
  var sentAtFormat = new Intl.DateTimeFormat(FRENCH, { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  var pluralRules = new Intl.PluralRules(FRENCH);

  function capitalised(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  /**
   * What Web Chat 4.18 asks of Globalize (useDateFormatter, useRelativeTimeFormatter, useByteFormatter,
   * useLocalizer), answered by the browser's Intl in French.
   */
  var frenchGlobalize = {
    dateFormatter: function () {
      return function (date) {
        return sentAtFormat.format(date);
      };
    },
    relativeTimeFormatter: function (unit) {
      var format = new Intl.RelativeTimeFormat(FRENCH, { numeric: 'always' });
      return function (value) {
        return capitalised(format.format(value, unit));
      };
    },
    unitFormatter: function (unit, options) {
      var format = new Intl.NumberFormat(FRENCH, { style: 'unit', unit: unit, unitDisplay: options && options.form === 'long' ? 'long' : 'short' });
      return function (value) {
        return format.format(value);
      };
    },
    plural: function (count) {
      return pluralRules.select(count);
    },
  };

  var localizedStrings = {
    TEXT_INPUT_PLACEHOLDER: 'Écrivez votre message…',
    ACTIVITY_STATUS_SEND_STATUS_ALT_SENT_AT: 'Envoyé le $1',
    GLOBALIZE: frenchGlobalize,
  };

  // « TI-2026-00001 »: Chromium may break a line after each hyphen; widget.css keeps a reference whole.
  var REFERENCE = /\b[A-Z]{2,5}-\d{4}-\d{3,6}\b/g;

  /** Web Chat's own Markdown, each dossier reference of its text (never of a tag or an address) in a span. */
  function renderMarkdown(markdown, options, linkOptions) {
    return window.WebChat.renderMarkdown(markdown, options, linkOptions).replace(/(^|>)([^<]+)/g, function (_match, before, text) {
      return before + text.replace(REFERENCE, '<span class="ti-reference">$&</span>');
    });
  }

  function readStored() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || '{}');
      return stored && typeof stored === 'object' ? stored : {};
    } catch (_error) {
      return {};
    }
  }

  function store(session) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ token: session.token, conversationId: session.conversationId }));
    } catch (_error) {
      // Private browsing may refuse storage: the chat still works, it just will not be found again.
    }
  }

  function showStatus(text, kind) {
    window.clearTimeout(noticeTimer);
    statusLine.textContent = text;
    statusLine.className = 'ti-chat__status' + (text && kind ? ' ti-chat__status--' + kind : '');
  }

  /**
   * The browser's WebSocket, watched: when the stream of the current connection drops, the page says
   * so (DirectLineJS reconnects by itself, from the last activity it has seen), and again once it is back.
   */
  function watchedWebSocket(forGeneration) {
    var lost = false;
    return function WatchedWebSocket(url, protocols) {
      var socket = protocols === undefined ? new window.WebSocket(url) : new window.WebSocket(url, protocols);
      socket.addEventListener('open', function () {
        if (!lost || forGeneration !== generation) return;
        lost = false;
        showStatus('La connexion à l’assistant est rétablie : vous pouvez continuer. Un message marqué « Échec de l’envoi » peut être renvoyé avec « Réessayez ».', 'success');
        noticeTimer = window.setTimeout(function () {
          showStatus('');
        }, BACK_ONLINE_NOTICE_MS);
      });
      socket.addEventListener('close', function () {
        if (forGeneration !== generation || lost) return;
        lost = true;
        showStatus('La connexion à l’assistant est interrompue. Reconnexion automatique en cours… Les messages envoyés pendant la coupure seront à renvoyer.', 'warning');
      });
      return socket;
    };
  }

  /** A 429 (too many requests, or the daily cap on new conversations): the server's French reason and its Retry-After. */
  function Refusal(message, retryAfterSeconds) {
    this.message = message;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  async function refusalOf(response) {
    var message = '';
    try {
      var body = await response.json();
      if (body && body.error && typeof body.error.message === 'string') message = body.error.message;
    } catch (_error) {
      // No JSON reason: the generic one below.
    }
    var header = response.headers.get('Retry-After');
    var seconds = header === null || header.trim() === '' ? NaN : Number(header);
    if (isNaN(seconds) && header) seconds = Math.round((Date.parse(header) - Date.now()) / 1000);
    return new Refusal(message || 'L’assistant reçoit trop de demandes depuis votre connexion.', isNaN(seconds) ? undefined : Math.max(1, Math.ceil(seconds)));
  }

  /** « 45 secondes », « 12 minutes », « 3 h 05 min ». */
  function waitText(seconds) {
    if (seconds < 60) return seconds === 1 ? '1 seconde' : seconds + ' secondes';
    var minutes = Math.ceil(seconds / 60);
    if (minutes < 60) return minutes === 1 ? '1 minute' : minutes + ' minutes';
    var rest = minutes % 60;
    return Math.floor(minutes / 60) + ' h' + (rest ? ' ' + (rest < 10 ? '0' : '') + rest + ' min' : '');
  }

  function showRefusal(refusal) {
    var text = refusal.message;
    if (refusal.retryAfterSeconds !== undefined) {
      var delayMs = refusal.retryAfterSeconds * 1000;
      var at = new Date(Date.now() + delayMs);
      var clock = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' }).format(at);
      var day = at.toDateString() === new Date().toDateString() ? 'à ' : 'demain à ';
      text += ' Nouvel essai possible dans ' + waitText(refusal.retryAfterSeconds) + ' (' + day + clock + ').';
      if (delayMs <= AUTO_RETRY_MAX_MS) {
        text += ' La page réessaiera d’elle-même.';
        retryTimer = window.setTimeout(start, delayMs);
      }
    }
    showStatus(text, 'warning');
  }

  function postToken(token, body) {
    var headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(DOMAIN + '/tokens/generate', { method: 'POST', headers: headers, body: JSON.stringify(body || {}) });
  }

  /** A fresh token for the stored user (and conversation); a new user only when the stored one cannot be resumed. */
  async function obtainSession(newConversation) {
    var stored = readStored();
    if (stored.token) {
      var resumed = await postToken(stored.token, newConversation ? { newConversation: true } : {});
      if (resumed.ok) return resumed.json();
      if (resumed.status === 429) throw await refusalOf(resumed);
      if (resumed.status !== 403) throw new Error('Direct Line answered ' + resumed.status);
    }
    var created = await postToken(undefined);
    if (created.status === 429) throw await refusalOf(created);
    if (!created.ok) throw new Error('Direct Line answered ' + created.status);
    return created.json();
  }

  /**
   * The session with its conversation: a token not yet bound to one opens it here (the server's daily
   * caps apply), so that a refusal is read with its reason and Retry-After rather than lost inside
   * DirectLineJS as a failed connection; DirectLineJS then resumes the conversation opened.
   */
  async function obtainConversation(newConversation) {
    var session = await obtainSession(newConversation);
    if (session.conversationId) return session;
    var opened = await fetch(DOMAIN + '/conversations', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + session.token }, body: JSON.stringify({ locale: 'fr-FR' }) });
    if (opened.status === 429) {
      store(session);
      throw await refusalOf(opened);
    }
    if (!opened.ok) throw new Error('Direct Line answered ' + opened.status);
    var conversation = await opened.json();
    return { token: conversation.token, conversationId: conversation.conversationId };
  }

  function stop() {
    generation += 1;
    window.clearTimeout(retryTimer);
    if (!current) return;
    window.clearInterval(current.saver);
    current.subscription.unsubscribe();
    current.directLine.end();
    current = null;
  }

  function saveCurrent() {
    if (current && current.directLine.token) {
      store({ token: current.directLine.token, conversationId: current.directLine.conversationId });
    }
  }

  async function start(options) {
    var newConversation = Boolean(options && options.newConversation);
    stop();
    showStatus('');
    var session;
    try {
      session = await obtainConversation(newConversation);
    } catch (error) {
      if (error instanceof Refusal) {
        showRefusal(error);
        return;
      }
      showStatus('L’assistant est momentanément indisponible. Réessayez dans quelques instants en rechargeant la page.');
      return;
    }
    store(session);

    var directLine = window.WebChat.createDirectLine({
      domain: DOMAIN,
      token: session.token,
      conversationId: session.conversationId,
      webSocket: typeof window.WebSocket === 'function',
      pollingInterval: POLLING_INTERVAL_MS,
    });
    // Web Chat's createDirectLine passes on neither the WebSocket class nor the timeout: DirectLineJS
    // reads them (and its retry delay) when it uses them, so they are set on the instance.
    directLine.services.WebSocket = watchedWebSocket(generation);
    directLine.timeout = REQUEST_TIMEOUT_MS;
    directLine.getRetryDelay = function () {
      return STREAM_RETRY_DELAY_MS;
    };
    var restarted = false;
    var subscription = directLine.connectionStatus$.subscribe(function (status) {
      if (status === ONLINE) {
        failedStarts = 0;
        // Once connected the token is bound to the conversation: that is what a reload resumes.
        saveCurrent();
      } else if ((status === EXPIRED_TOKEN || status === ENDED || status === FAILED_TO_CONNECT) && !restarted) {
        restarted = true;
        failedStarts += 1;
        if (failedStarts > MAX_FAILED_STARTS) {
          showStatus('La connexion à l’assistant a échoué. Rechargez la page pour réessayer.');
          return;
        }
        // A token that expired while the page slept, or a conversation deleted meanwhile: start again
        // with the stored user (a new conversation if the old one is gone).
        window.setTimeout(function () {
          start({ newConversation: status === ENDED });
        }, status === FAILED_TO_CONNECT ? 3000 : 0);
      }
    });
    current = {
      directLine: directLine,
      subscription: subscription,
      // DirectLineJS refreshes its token every 15 minutes: keep the newest one for the next visit.
      saver: window.setInterval(saveCurrent, SAVE_INTERVAL_MS),
    };

    // A fresh element for each start: Web Chat cannot switch connections under a mounted transcript.
    var webChatStore = window.WebChat.createStore();
    var host = document.createElement('div');
    host.className = 'ti-chat__host';
    container.replaceChildren(host);
    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        store: webChatStore,
        cardActionMiddleware: createCardActionMiddleware(function () {
          return webChatStore.getState().activities || [];
        }),
        locale: 'fr-FR',
        nonce: nonce,
        renderMarkdown: renderMarkdown,
        styleOptions: styleOptions,
        overrideLocalizedStrings: localizedStrings,
      },
      host,
    );
  }

  // The chat fills the screen below the header, whose height depends on the width and the font size.
  var header = document.querySelector('.ti-header');
  function syncHeaderHeight() {
    if (header) document.documentElement.style.setProperty('--ti-header-height', header.offsetHeight + 'px');
  }
  syncHeaderHeight();
  if (header && window.ResizeObserver) new window.ResizeObserver(syncHeaderHeight).observe(header);

  newConversationButton.addEventListener('click', function () {
    // The visible conversation is wiped at once: the official confirms first (the draft is kept either way).
    if (!window.confirm('Effacer l’affichage et commencer une nouvelle conversation ? Votre brouillon est conservé : vous le retrouverez dans la nouvelle conversation.')) return;
    start({ newConversation: true }).then(function () {
      var input = container.querySelector('input[type="text"], textarea');
      if (input) input.focus();
    });
  });
  window.addEventListener('pagehide', saveCurrent);

  start();
})();
