// The one catalogue of expected failures: a stable code, an HTTP status and a French message for the user.
const ERROR_CATALOGUE = {
  ROUTE_NOT_FOUND: { status: 404, message: 'Cette adresse n’existe pas sur ce service.' },
  MALFORMED_URL: { status: 400, message: 'L’adresse demandée est mal formée (encodage des caractères invalide).' },
  BAD_REQUEST: { status: 400, message: 'La requête est mal formée.' },
  NOT_FOUND: { status: 404, message: 'La ressource demandée est introuvable.' },
  VALIDATION_FAILED: { status: 400, message: 'La requête est invalide.' },
  MALFORMED_JSON: { status: 400, message: 'Le corps de la requête n’est pas un JSON valide.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Le corps de la requête doit être envoyé en JSON (Content-Type: application/json).' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Le corps de la requête est trop volumineux.' },
  UNAUTHORIZED: { status: 401, message: 'Authentification requise : une clé valide est attendue dans l’en-tête Authorization.' },
  BOT_AUTHENTICATION_NOT_CONFIGURED: {
    status: 401,
    message:
      'Ce point d’entrée n’accepte que le trafic authentifié du Bot Framework, et aucune inscription Azure Bot (MicrosoftAppId) n’est configurée sur ce serveur.',
  },
  BOT_UNAUTHENTICATED: { status: 401, message: 'Jeton Bot Framework absent ou invalide : l’activité est refusée.' },
  BOT_SERVICE_URL_REFUSED: {
    status: 401,
    message: 'L’adresse de réponse (serviceUrl) de l’activité n’est pas garantie par le jeton : l’activité est refusée.',
  },
  BOT_CHANNEL_REFUSED: {
    status: 403,
    message: 'Les conversations du widget web passent uniquement par son propre canal Direct Line, pas par ce point d’entrée.',
  },
  FORBIDDEN: { status: 403, message: 'Vous n’avez pas accès à cette ressource.' },
  CONFLICT: { status: 409, message: 'L’opération est impossible dans l’état actuel de la ressource.' },
  PRECONDITION_FAILED: { status: 412, message: 'La ressource a été modifiée entre-temps : relisez-la avant de réessayer.' },
  TOO_MANY_REQUESTS: { status: 429, message: 'Trop de requêtes : réessayez dans un instant.' },
  TOO_MANY_NOTES: {
    status: 409,
    message: 'Ce dossier a atteint le nombre maximal d’annotations (400) : regroupez les informations dans une annotation existante ou contactez l’administrateur.',
  },
  TOO_MANY_HISTORY_ENTRIES: {
    status: 409,
    message: 'L’historique de ce dossier a atteint le nombre maximal d’entrées (500) : aucun nouveau changement ne peut y être enregistré. Contactez l’administrateur.',
  },
  TOO_MANY_MESSAGES: {
    status: 409,
    message: 'Le fil de ce dossier a atteint le nombre maximal de messages (400) : poursuivez l’échange par un autre moyen (courriel, téléphone).',
  },
  DOSSIER_NOT_FOUND: { status: 404, message: 'Ce dossier est introuvable.' },
  PRECONDITION_REQUIRED: {
    status: 428,
    message: 'L’en-tête If-Match est obligatoire : indiquez la version du dossier que vous avez lue (son champ version, ou son en-tête ETag).',
  },
  INVALID_IF_MATCH: { status: 400, message: 'L’en-tête If-Match doit contenir une seule version du dossier, par exemple "3".' },
  TRANSITION_NOT_ALLOWED: { status: 409, message: 'Ce changement de statut n’est pas possible depuis le statut actuel du dossier.' },
  CHANGES_REQUEST_INCOMPLETE: { status: 400, message: 'Une demande de corrections doit indiquer les sections à corriger (sections) et le motif (reason).' },
  MOTIVATION_REQUIRED: { status: 400, message: 'Un refus doit être motivé : indiquez la motivation (reason, ou à défaut comment), qui sera transmise au demandeur.' },
  DOSSIER_INCOMPLETE: { status: 409, message: 'Le dossier est incomplet : il ne peut pas être déposé en l’état.' },
  EXPORTS_IN_PROGRESS: {
    status: 429,
    message: 'Vous avez déjà des exports en cours : attendez qu’ils se terminent (ou annulez-en un) avant d’en lancer un autre.',
  },
  INVALID_CURSOR: {
    status: 400,
    message: 'Le curseur de pagination (cursor) est invalide ou abîmé : reprenez la liste depuis la première page, sans ce paramètre.',
  },
  PAGE_AND_CURSOR: { status: 400, message: 'Indiquez soit une page (page), soit un curseur (cursor), pas les deux.' },
  ATTACHMENT_NOT_FOUND: { status: 404, message: 'Ce document est introuvable dans ce dossier.' },
  ATTACHMENT_PENDING_SCAN: { status: 409, message: 'Ce document est en attente d’analyse antivirus : il pourra être ouvert une fois l’analyse faite. Réessayez plus tard.' },
  ATTACHMENT_INFECTED: { status: 403, message: 'L’antivirus a trouvé un virus dans ce document : il est conservé pour mémoire mais ne peut pas être téléchargé. Demandez au demandeur d’en envoyer une version saine.' },
  DIRECTLINE_TOKEN_INVALID: { status: 403, message: 'Votre session de discussion a expiré ou n’est pas valide : rechargez la page pour reprendre.' },
  DIRECTLINE_CONVERSATION_NOT_FOUND: { status: 404, message: 'Cette conversation n’existe pas ou a été supprimée.' },
  DIRECTLINE_ADDRESS_QUOTA: {
    status: 429,
    message: 'Trop de conversations ont été ouvertes depuis votre adresse aujourd’hui : reprenez une conversation déjà ouverte, ou réessayez demain.',
  },
  DIRECTLINE_DAILY_QUOTA: {
    status: 429,
    message: 'L’assistant a atteint son nombre maximal de nouvelles conversations pour aujourd’hui : réessayez demain, ou contactez votre préfecture.',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    message: 'Le service est momentanément indisponible. Ce qui a déjà été enregistré est conservé : réessayez dans quelques instants.',
  },
  SHUTTING_DOWN: { status: 503, message: 'Le service redémarre. Réessayez dans quelques instants.' },
  INTERNAL: { status: 500, message: 'Une erreur inattendue est survenue. L’équipe technique a été prévenue.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class AppError extends Error {
  readonly status: number;
  readonly userMessage: string;
  readonly details: unknown;

  constructor(
    readonly code: ErrorCode,
    options: { message?: string; details?: unknown; cause?: unknown } = {},
  ) {
    const entry = ERROR_CATALOGUE[code];
    super(options.message ?? entry.message, { cause: options.cause });
    this.name = 'AppError';
    this.status = entry.status;
    this.userMessage = options.message ?? entry.message;
    this.details = options.details;
  }

  toBody(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.userMessage, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}
