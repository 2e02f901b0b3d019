// The FAQ: answers a question from the knowledge base with cited sources, or says plainly that it
// does not know and where to ask.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { z } from 'zod';
import { DEFAULT_CORPUS_DIR, loadPassages, type Passage } from './corpus';
import { MAX_ANSWER_LENGTH } from './blindEvaluation';
import { fitParts, partLabel, renumbered, shorterVersions, withChoice, withinAnswerLength } from './answerShaping';
import { composeExtractive, excerptOf, type ComposedAnswer, type RankedPassage } from './extractiveAnswer';
import { FrenchLexicalRetriever } from './frenchRetriever';
import { analyzeText, fold, type SmallTalk } from './frenchText';
import { definitionsAsked } from './definitions';
import { asksTerritoryEligibility, eligibilityWithEngagement, territoryAnswer } from './engagedTerritories';
import { generateAnswer } from './generatedAnswer';
import { LexicalIndex, type IndexedPassage, type ResolvedQuery } from './lexicalIndex';
import { analyzeQuestion, type AnalyzedQuestion, type QuestionPart } from './questionAnalysis';
import { isDontKnow, refusalAfterLookup, refusalBeforeLookup, refusalForUnknownNames, unknownAcronyms } from './refusals';
import { ruleAnswer, type RuleAnswer } from './ruleAnswers';
import { inSeedWords } from './seedQuotes';
import type { RuleVerdict } from '../schemes';
import type { Reason } from '../seedReferences';

export const FaqAnswerSchema = z.object({
  answered: z.boolean(),
  answer: z.string(),
  sources: z.array(z.object({ id: z.string(), title: z.string(), excerpt: z.string() })),
});
export type FaqAnswer = z.infer<typeof FaqAnswerSchema>;

export interface FaqService {
  answer(question: string): Promise<FaqAnswer>;
  /** passages indexed (times `copies`) */
  readonly passageCount: number;
  /** the LangChain retriever behind the answers, for reuse and for latency measurements */
  readonly retriever: FrenchLexicalRetriever;
}

interface FaqLogger {
  warn(obj: object, msg?: string): void;
}

export interface FaqServiceOptions {
  /** folder of Markdown documents; defaults to knowledge/corpus */
  corpusDir?: string;
  /** index the base this many times, for benchmarks (default 1) */
  copies?: number;
  /** when given, answers are written by this model from the retrieved passages */
  chatModel?: BaseChatModel;
  /** after this delay the extractive answer is given instead of the model's (default 8000 ms) */
  generationTimeoutMs?: number;
  logger?: FaqLogger;
}

/**
 * A question is answered only when the best passage holds at least this share of its content
 * words. Tuned on evaluation.json: questions the base answers reach 0.67 or more (most reach 1),
 * those it cannot answer stay at 0.33 or less (two-word ones like "Paris est-elle engagée ?" at
 * 0.5), because their key words (a deadline, an address, a duration) appear nowhere in the base. A number of the question (a year, an amount) must also
 * appear in the passage: the base knows 2019 to 2021, not "les CTAI signés en 2023".
 */
const MIN_COVERAGE = 0.6;
/**
 * A passage's `? ` question lines bridge other words for what its text says (« interlocuteur » for
 * the prefect, « communes » for any collectivity), but they also hold words the text never answers:
 * « critères de sélection des projets PTAI par la préfecture » reached 3 words of 5 through
 * « projet » in a question line. When a question-line word is needed to reach the threshold, two
 * thirds of the question must be found, not 0.6.
 */
const MIN_COVERAGE_THROUGH_QUESTIONS = 2 / 3 - 1e-9;
const RETRIEVED_PASSAGES = 4;
/** Share of the best score within which a passage holding the question outranks one that does not. */
const CLOSE_SCORE = 0.9;
const DEFAULT_GENERATION_TIMEOUT_MS = 8000;

const INVITATION =
  "Je réponds à vos questions sur les contrats territoriaux d'accueil et d'intégration (CTAI) " +
  "et les projets territoriaux d'accueil et d'intégration (PTAI). Posez-moi votre question, par exemple : " +
  '« Qui signe un CTAI ? » ou « Faut-il un diagnostic pour un PTAI ? »';

const SMALL_TALK_REPLIES: Readonly<Record<NonNullable<SmallTalk> | 'none', string>> = {
  greeting: `Bonjour ! ${INVITATION}`,
  thanks: "Je vous en prie. N'hésitez pas si vous avez une autre question sur les CTAI ou les PTAI.",
  none: INVITATION,
};

function copiesOf(passages: readonly Passage[], copies: number): Passage[] {
  if (copies <= 1) return [...passages];
  return Array.from({ length: copies }, (_, copy) =>
    passages.map((p) => (copy === 0 ? p : { ...p, id: `${p.id}@${copy}` })),
  ).flat();
}

/** A one-part question takes the scheme its context names; a part of several only when it points back to one. */
function analyzedSingle(question: AnalyzedQuestion): boolean {
  return question.parts.length === 1;
}

// Spelled-out names an answer in several parts can do without: the acronym is enough.
const SPELLED_OUT: readonly [RegExp, string][] = [
  [/\bla Direction générale des étrangers en France \(DGEF\)/g, 'la DGEF'],
  [/\bla Délégation interministérielle à l['’]accueil et à l['’]intégration des réfugiés \(Diair\)/g, 'la Diair'],
  [/\b(?:des |les )?bénéficiaires de la protection internationale \(BPI\)/g, 'les BPI'],
  [/\bdu contrat d['’]intégration républicaine \(CIR\)/g, 'du CIR'],
  [/\b(CTAI|PTAI) \((?:contrat|projet) territorial d['’]accueil et d['’]intégration\)/g, '$1'],
  [/\b(?:contrats?|projets?) territori(?:al|aux) d['’]accueil et d['’]intégration \((CTAI|PTAI)\)/g, '$1'],
  // The public every scheme is for, repeated at the end of each definition: the question asks something else.
  [/,? en faveur de l['’]intégration des étrangers primo-arrivants(?:, dont les (?:BPI|bénéficiaires de la protection internationale(?: \(BPI\))?))?/g, ''],
];

const PUBLIC_OF_EVERY_SCHEME = /,? en faveur de l['’]intégration des étrangers primo-arrivants(?:, dont les (?:BPI|bénéficiaires de la protection internationale(?: \(BPI\))?))?(?=\.$)/;

const withAcronyms = (text: string): string => SPELLED_OUT.reduce((t, [pattern, acronym]) => t.replace(pattern, acronym), text);

const stem5 = (word: string): string => word.slice(0, 5);

/**
 * A list the part asks about one item of, kept to that item: « de nombreux projets sont possibles :
 * formation, emploi, mobilité, garde d’enfants, etc. » asked about childcare becomes « …possibles,
 * notamment garde d’enfants ». The sentence stays whole; only the items not asked about go.
 */
function focusedList(sentence: string, asked: string): string {
  const colon = sentence.lastIndexOf(' : ');
  const end = /(?:,? etc\.?|…)?(\s*\[\d+\])?\s*[.!?…]?$/.exec(sentence);
  if (colon < 0 || !end) return sentence;
  const items = sentence.slice(colon + 3, end.index).split(/,\s+|\s+(?:ou|et)\s+(?=(?:le|la|les|l['’]|un|une|des|du|à|au|aux)\s?\S)/).map((i) => i.trim()).filter((i) => i !== '');
  if (items.length < 4) return sentence;
  const askedStems = new Set(fold(asked).split(/[^a-z]+/).filter((w) => w.length >= 4).map(stem5));
  const kept = items.filter((item) => fold(item).split(/[^a-z]+/).some((w) => w.length >= 4 && askedStems.has(stem5(w))));
  if (kept.length === 0 || kept.length === items.length) return sentence;
  const head = sentence.slice(0, colon);
  return `${/,? notamment$/.test(head) ? head.replace(/,? notamment$/, ',') : `${head},`} notamment ${kept.join(', ')}${end[1] ?? ''}.`;
}

/**
 * A part's answer in the versions it can take in an answer in several parts, longest first: as
 * said, with acronyms for spelled-out names and lists kept to what a yes/no asks about, then
 * shorter by whole sentences and clauses (answerShaping.ts). The verdict (« Oui : ») opens each.
 */
function partVersions(opening: string, body: string, asked: string): string[] {
  const short = withAcronyms(body);
  const focused = asked === '' ? short : short.split(/(?<=[.!?…])\s+(?!\[)|(?<=[.!?…]\s\[\d+\])\s+/).map((s) => focusedList(s, asked)).join(' ');
  const bodies = [...new Set([body, short, ...shorterVersions(focused)])];
  return bodies.map((b) => (opening === '' ? b : `${opening} : ${afterColon(b)}`));
}

/** Parts answered, but whose answers do not fit beside the others: said so, naming them as typed. */
function crowdedOut(labels: readonly string[]): string {
  const named = labels.filter((l) => l !== '').map((l) => `« ${l} »`);
  if (named.length === 0) return 'Le reste de votre question demande une réponse à part : posez-le seul.';
  return named.length === 1 ? `Posez à part ${named[0] ?? ''} : la réponse ne tient pas ici.` : `Posez à part ${named.join(' et ')} : les réponses ne tiennent pas ici.`;
}

const ASKS_AMOUNT = /\bquel(?:le)?s? (?:est |sont |etait |a ete )?(?:le |la |les )?(?:budget|montant|somme|enveloppe|dotation)s?\b/;
/** The schemes a text names, by acronym or spelled out. */
function schemesNamed(folded: string): string[] {
  return [/\bctai\b|contrats? territori/.test(folded) ? 'ctai' : '', /\bptai\b|projets? territori/.test(folded) ? 'ptai' : ''].filter((s) => s !== '');
}
const ASKS_COUNT = /\bcombien\b|\b(?:le|quel) nombre d/;
const NUMBER_WORDS = /\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|plusieurs|aucun|aucune|sans minimum|variable)\b/;
const ASKS_WHO = /^(?:et |mais )?(?:qui|c'est qui|cest qui)\b(?! (?:sont|est) (?:les|le|la) (?:bpi|primo|beneficiaires|etrangers|refugies))/;
/** Who an answer to « qui… ? » can name: the State's services, collectivities, the public. */
const ACTORS = /prefe|\betat\b|dgef|diair|collectivit|metropole|commune|communaut|departement|region|agglomeration|association|etrangers|refugi|\bbpi\b|primo|territoires|villes?\b|maire|ministere|personnel/;

/** A number in the answer that is not a year nor a marker. */
const statesNumber = (answer: string): boolean => /\d/.test(answer.replace(/\[\d+\]|\b(?:19|20)\d\d\b/g, ''));

/**
 * An amount, a count or someone asked for, and none in the answer, from the base or from a rule:
 * the text does not give it (« Quel budget pour les 11 métropoles en 2019 ? », « combien de
 * départements ont signé ? », « qui rédige le diagnostic ? »).
 */
function lacksWhatIsAsked(part: QuestionPart, answer: string): boolean {
  const said = fold(answer);
  if (ASKS_AMOUNT.test(part.folded) && !/minim|plancher|\bseuil/.test(part.folded) && !/\d[\d\s,.]*\s*(?:millions?|milliards?|euros?|€)/.test(said)) return true;
  if (ASKS_COUNT.test(part.folded) && !statesNumber(answer) && !NUMBER_WORDS.test(said)) return true;
  return ASKS_WHO.test(part.folded) && !ACTORS.test(said);
}

const CONTEXT_WEIGHT = 0.3;
/** A yes/no question asking whether two things are alike. */
const SAMENESS = /\b(?:meme|memes|pareils?|pareilles?|identiques?|similaires?|semblables?|equivalents?|de la meme (?:facon|maniere))\b/;

/** « Je travaille à la métropole de Lyon. Sommes-nous déjà engagés ? »: the territory is named in the context. */
function territoryOfContext(part: QuestionPart, question: AnalyzedQuestion): RuleAnswer | undefined {
  if (question.context === '' || !/\b(?:nous|notre|elle|il|ils|on|y)\b/.test(part.folded) || !/engag|rejoin|partie|signataire|contractualis|demarche|\bpris\b|comment/.test(part.folded)) return undefined;
  return territoryAnswer({ ...part, folded: `${question.context} ${part.folded}` });
}
/** « Quel est leur rôle ? », « que fait-elle ? »: a pronoun standing for names of the context. */
const POINTS_BACK = /\b(?:leurs?|eux|ils|elles|ces sigles?|ce sigle|celle-ci|celui-ci|ceux-ci|celles-ci)\b/;
const NAMES = /\b(?:ctai|ptai|bpi|cir|dgef|diair|primo-arrivants?|territoires d'integration)\b/g;

/** The question's words, with the context's as optional, lighter words: they rank, they are not required. */
function withContext(query: ResolvedQuery, context: ResolvedQuery): ResolvedQuery {
  const extra = context.groups.filter((g) => !g.exact && !g.optional).map((g) => ({ ...g, optional: true, terms: g.terms.map((t) => ({ ...t, weight: t.weight * CONTEXT_WEIGHT })) }));
  return { ...query, groups: [...query.groups, ...extra] };
}

/** « uniquement », « seulement », « réservé aux », « ne… que »: a yes/no question that restricts. */
const RESTRICTIVE = /\b(?:uniquement|seulement|exclusivement|reservee?s?|seule?s?)\b|\b(?:ne|n')\b[^?]{0,40}?\bqu(?:e|')/;
/** An answer that names more than the one thing: « dont », « notamment », « toute collectivité », « ainsi que ». */
const WIDER = /\b(?:dont|comprend|notamment|toute?s?|aussi|egalement|ainsi que|de nombreux|plusieurs)\b|\) et (?:la|le|les|l')/;

const INVERTED = /^(?:est-ce que )?(.+?)\s+([a-z]+)-(?:t-)?(?:il|elle|ils|elles)\s+(.+?)\s*\??$/;

/**
 * « Les bénéficiaires de la protection internationale font-ils partie du public visé ? » answered by
 * « Les BPI font partie des étrangers… »: the answer says the question's subject, verb and what follows the
 * verb, in the same order, so it answers yes.
 */
function restates(question: string, answer: string): boolean {
  const inverted = INVERTED.exec(question);
  if (!inverted) return false;
  const [, subject = '', verb = '', rest = ''] = inverted;
  const said = new Set(analyzeText(answer).map((t) => t.stem));
  const subjectSaid = analyzeText(subject).some((t) => said.has(t.stem));
  const text = fold(answer);
  const verbAt = text.search(new RegExp(`\\b${verb}\\b`));
  const next = rest.split(/\s+/)[0] ?? '';
  return subjectSaid && verbAt >= 0 && next.length > 2 && text.slice(verbAt + verb.length).trimStart().startsWith(next);
}

const CONFIRMATION = /\bc'est bien (?:une? |la |le |les |l'|des )?([a-z' -]+?)(?:,| et (?:pas|non) | plutot que | pas )/;

/**
 * « Territoires d'intégration, c'est bien une démarche de l'État et pas une initiative des collectivités ? »
 * answered by « … est une nouvelle démarche de l'État… »: what is to be confirmed is said in the answer.
 */
function confirmed(question: string, answer: string): boolean {
  const claim = CONFIRMATION.exec(question)?.[1];
  if (!claim) return false;
  const text = fold(answer);
  const words = claim.split(/\s+/).filter((w) => w.length > 3);
  return words.length > 0 && words.every((w) => text.includes(w)) && !/\b(?:pas|ne)\b/.test(text);
}

/** « …, c'est bien ça ? », « vrai ou faux ? », « ai-je raison ? »: what asks to confirm the claim before it. */
const CONFIRMATION_TAG =
  /[\s,.;:]*(?:(?:est-ce que )?c'est (?:bien )?(?:ca|cela|exact|vrai|correct|juste|le cas)|est-ce (?:bien )?(?:ca|exact|vrai|correct|juste|le cas)|(?:c'est )?vrai ou faux|ai-je raison|j'ai raison|je ne me trompe pas|je me trompe|n'est-ce pas|on est d'accord|vous confirmez|confirmez-vous|correct|exact|vrai|non|hein)\s*[?!.…]*$/;
/** « Est-il exact que… ? », « est-ce vrai que… ? »: a claim to confirm, asked before it. */
const CONFIRMATION_LEAD = /^(?:(?:est-il|est-ce|c'est|il est) (?:bien )?(?:exact|vrai|juste|correct)|est-ce que c'est (?:vrai|exact)|est-ce (?:bien )?le cas) qu(?:e\s+|')/;
const CLAIM_WITHOUT = /\b(c'est|est|sont) sans\b/;
const CLAIM_NEGATION = /\b(?:ne|n')\s*(?!est-ce pas)((?:[a-z'-]+\s+){0,3}?)(?:pas|plus|jamais|point)\b/;

/**
 * « Un PTAI ne nécessite pas de diagnostic, c'est bien ça ? »: a claim in the negative to confirm is
 * answered as its positive (« un PTAI nécessite de diagnostic ? »), the verdict then turned: the
 * answer says whether the claim as typed is right. Undefined for any other part.
 */
function negatedClaim(part: QuestionPart): QuestionPart | undefined {
  if (!part.yesNo || !(CONFIRMATION_TAG.test(part.folded) || CONFIRMATION_LEAD.test(part.folded))) return undefined;
  const claim = part.folded.replace(CONFIRMATION_TAG, '').replace(CONFIRMATION_LEAD, '').trim();
  // « un PTAI, c'est sans montant plancher, c'est bien ça ? »: the positive is « c'est avec ».
  if (CLAIM_WITHOUT.test(claim)) return { ...part, text: `${claim.replace(CLAIM_WITHOUT, '$1 avec')} ?`, folded: `${claim.replace(CLAIM_WITHOUT, '$1 avec')} ?`, negated: false };
  if (!CLAIM_NEGATION.test(claim) || /\bne (?:\w+ ){0,3}?que\b/.test(claim)) return undefined;
  const positive = `${claim.replace(CLAIM_NEGATION, '$1').replace(/\s+/g, ' ').trim()} ?`;
  return { ...part, text: positive, folded: positive, negated: false };
}

const turnedVerdict = (verdict: RuleVerdict | undefined): RuleVerdict | undefined => (verdict === 'yes' ? 'no' : verdict === 'no' ? 'yes' : verdict);

/** The answer to one part of a question, its markers numbered from [1] in its own sources. */
interface Piece extends ComposedAnswer {
  readonly verdict?: RuleVerdict;
  /** a rule's answer, fitted to the question (« Lyon fait partie des… »): never replaced by the seed's sentence */
  readonly byRule?: boolean;
}

const SEED_TITLE = 'Texte de référence « Territoires d’intégration »';
const VERDICT_OPENINGS: Record<RuleVerdict, string> = { yes: 'Oui', no: 'Non', unspecified: 'Le texte ne le précise pas' };

const SAME_PASSAGE: Record<RuleVerdict, string> = { yes: 'Oui, d’après ce même passage', no: 'Non, d’après ce même passage', unspecified: 'Le texte ne le précise pas davantage' };

// After « Oui : », a sentence goes on in lower case, but a name (« Lyon », « Paris ») keeps its capital.
const COMMON_OPENING = /^(?:L['’](?=\p{L})|(?:Le|La|Les|Un|Une|Des|Du|De|Pour|Il|Elle|Ils|Elles|Ce|Cette|Ces|Cet|Aucun|Aucune|Seul|Seule|Seuls|Toute|Tout|Tous|Peuvent|Rien|En|Si|Sur|Dans|Avec|Sans|Votre|Vos|Notre|Nos|Chaque)(?=[\s’']))/u;

function afterColon(sentence: string): string {
  return COMMON_OPENING.test(sentence) ? `${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}` : sentence;
}

function withMarker(sentence: string, marker: number): string {
  const trimmed = sentence.trim();
  if (/\betc\.$/.test(trimmed)) return `${trimmed} [${marker}]`;
  const end = /[.!?…]$/.exec(trimmed);
  return end ? `${trimmed.slice(0, -1)} [${marker}]${end[0]}` : `${trimmed} [${marker}].`;
}

/**
 * The reasons that fit in one answer of MAX_ANSWER_LENGTH characters, verdict and markers included:
 * the first (the rule itself) and the last (the alternative, when there is one) are kept, middle
 * ones are left out first.
 */
function withinLength(reasons: readonly Reason[], verdict: RuleVerdict | undefined, asked: string): Reason[] {
  let kept = [...reasons];
  const opening = verdict ? VERDICT_OPENINGS[verdict].length + 3 : 0;
  const length = (): number => opening + kept.reduce((n, r) => n + r.text.length + 5, 0);
  // A yes/no about one item of a list keeps that item of each list before any reason goes.
  if (verdict && length() > MAX_ANSWER_LENGTH) kept = kept.map((r) => ({ ...r, text: focusedList(r.text, asked) }));
  while (kept.length > 1 && length() > MAX_ANSWER_LENGTH) kept.splice(kept.length > 2 ? kept.length - 2 : kept.length - 1, 1);
  return kept;
}

/** A rule's reasons as an answer citing the seed sentences they rest on. */
function fromRule(rule: RuleAnswer, part: QuestionPart): Piece {
  const sources: ComposedAnswer['sources'] = [];
  const sentences = withinLength(rule.reasons, part.yesNo ? rule.verdict : undefined, part.folded).map((reason) => {
    const id = `texte-de-reference#${reason.ref.id}`;
    let marker = sources.findIndex((s) => s.id === id) + 1;
    if (marker === 0) {
      sources.push({ id, title: SEED_TITLE, excerpt: excerptOf(reason.ref.quote) });
      marker = sources.length;
    }
    return withMarker(reason.text, marker);
  });
  return { verdict: part.yesNo ? rule.verdict : undefined, answer: sentences.join(' '), sources, byRule: true };
}

/**
 * The parts' answers in one text: the first verdict opens it, each later verdict opens its own
 * sentence, markers are renumbered over the merged sources, and a sentence already said is not
 * said twice. Undefined when no part has an answer.
 */
/** The parts' answers in one, and whether some had to be shortened to fit. */
interface Composed {
  readonly composed: ComposedAnswer;
  readonly shortened: boolean;
}

function composePieces(pieces: readonly (Piece | undefined)[], labels: readonly string[], asked: readonly string[]): Composed | undefined {
  if (pieces.every((p) => p === undefined)) return undefined;
  const unansweredLabels = labels.filter((_l, i) => pieces[i] === undefined);
  const sources: ComposedAnswer['sources'] = [];
  const said: Set<string>[] = [];
  const wordsOf = (sentence: string): Set<string> => new Set(fold(sentence.replace(/\s*\[\d+\]/g, '')).split(/[^a-z0-9]+/).filter((w) => w.length > 3));
  // Each part's answer in its versions from the longest (see partVersions), and its label when it can give way to a note.
  const versions: string[][] = [];
  const declinable: (string | undefined)[] = [];
  // The parts whose second version is the first with acronyms for spelled-out names.
  const spelledOut = new Set<number>();
  // The parts the seed's own sentences can be quoted in (seedQuotes.ts): their verdict and body as the base says it.
  const quotable = new Map<number, { opening: string; body: string }>();
  let unanswered = 0;
  for (const [i, piece] of pieces.entries()) {
    if (!piece) {
      unanswered += 1;
      continue;
    }
    const renumbered = piece.answer.replace(/\[(\d+)\]/g, (_all, n: string) => {
      const source = piece.sources[Number(n) - 1];
      if (!source) return '';
      let marker = sources.findIndex((s) => s.id === source.id) + 1;
      if (marker === 0) {
        sources.push(source);
        marker = sources.length;
      }
      return `[${marker}]`;
    });
    const fresh = renumbered
      .split(/(?<=[.!?…])\s+(?!\[)/)
      .filter((sentence) => {
        // The base and the rules may say the same thing in other words: a sentence is said once.
        const words = wordsOf(sentence);
        const repeated = said.some((other) => {
          let shared = 0;
          for (const w of words) if (other.has(w)) shared += 1;
          // said already: most of its words were (a longer sentence that adds a list is not)
          return shared >= 0.7 * words.size;
        });
        if (repeated) return false;
        said.push(words);
        return true;
      })
      .join(' ');
    if (fresh === '' && !piece.verdict) continue;
    if (fresh === '' && piece.verdict) {
      // The verdict rests on a sentence already said for another part: the verdict alone, citing it again.
      const marker = /\[(\d+)\]/.exec(renumbered)?.[1];
      const text = `${SAME_PASSAGE[piece.verdict]}${marker ? ` [${marker}]` : ''}.`;
      versions.push([text]);
      declinable.push(undefined);
      continue;
    }
    // A list is kept to the item asked about only when the part asks whether it is in it (a yes/no).
    const opening = piece.verdict ? VERDICT_OPENINGS[piece.verdict] : '';
    if (withAcronyms(fresh) !== fresh) spelledOut.add(versions.length);
    versions.push(partVersions(opening, fresh, piece.verdict ? (asked[i] ?? '') : ''));
    if (!piece.byRule) quotable.set(versions.length - 1, { opening, body: fresh });
    declinable.push(labels[i] ?? '');
  }
  if (unanswered > 0) {
    // The short note leaves out where to ask, never the parts it names.
    const note = unansweredNote(unansweredLabels);
    const short = note.replace(/ : la préfecture(?: de votre département)? pourra vous renseigner\.$/, '.');
    versions.push(short === note ? [note] : [note, short]);
    declinable.push(undefined);
  }
  // Over the length, every part first takes the acronyms (they lose nothing), then each is shortened
  // within itself before any is left out (fitParts).
  const whole = versions.map((v) => v[0] ?? '');
  const shortened = whole.join(' ').length > MAX_ANSWER_LENGTH;
  const texts = shortened ? fitParts(versions.map((v, i) => (spelledOut.has(i) ? v.slice(1) : v)), declinable, crowdedOut) : inSeedWordsWithin(whole, quotable);
  return { composed: renumbered({ answer: texts.join(' '), sources }), shortened };
}

/**
 * The parts as the base says them, each of its sentences that rewords a seed sentence then given in
 * the seed's own words while the whole stays within MAX_ANSWER_LENGTH: the officials' questions
 * take the seed's words (« plus ponctuellement », « notamment »), which a rewording may lose.
 */
function inSeedWordsWithin(texts: readonly string[], quotable: ReadonlyMap<number, { opening: string; body: string }>): string[] {
  const out = [...texts];
  for (const [i, { opening, body }] of quotable) {
    const room = MAX_ANSWER_LENGTH - out.join(' ').length + (out[i] ?? '').length - (opening === '' ? 0 : opening.length + 3);
    const quoted = inSeedWords(body, room);
    if (quoted !== body) out[i] = opening === '' ? quoted : `${opening} : ${afterColon(quoted)}`;
  }
  return out;
}

/** The parts of a question the text is silent on, named as typed: « Sur « la date limite », le texte ne le précise pas… » */
function unansweredNote(labels: readonly string[]): string {
  const named = labels.filter((l) => l !== '').map((l) => `« ${l} »`);
  if (named.length === 0) return 'Pour le reste de votre question, le texte ne le précise pas : la préfecture pourra vous renseigner.';
  return `Sur ${named.join(' et ')}, le texte ne le précise pas : la préfecture de votre département pourra vous renseigner.`;
}

/** Every part of a question in several parts left unanswered: the refusal says which ones. */
function refusalOfParts(labels: readonly string[]): string {
  const named = labels.filter((l) => l !== '').map((l) => `« ${l} »`);
  return (
    `Je ne sais répondre à aucune des ${labels.length} questions posées (${named.join(', ')}) : la documentation dont je dispose sur les CTAI et les PTAI ne le précise pas. ` +
    'Je vous invite à vous adresser à la préfecture de votre département, qui pourra vous renseigner.'
  );
}

export async function createFaqService(options: FaqServiceOptions = {}): Promise<FaqService> {
  const passages = await loadPassages(options.corpusDir ?? DEFAULT_CORPUS_DIR);
  const index = new LexicalIndex(copiesOf(passages, Math.max(1, Math.floor(options.copies ?? 1))));
  const retriever = new FrenchLexicalRetriever({ index, k: RETRIEVED_PASSAGES });
  const timeoutMs = options.generationTimeoutMs ?? DEFAULT_GENERATION_TIMEOUT_MS;
  const termWeight = (term: string): number => index.termWeight(term);

  async function generated(question: string, ranked: readonly RankedPassage[]): Promise<ComposedAnswer | undefined> {
    if (!options.chatModel) return undefined;
    try {
      const outcome = await generateAnswer(options.chatModel, question, ranked.map((r) => r.passage), timeoutMs);
      if (outcome.ok) return outcome.value;
      options.logger?.warn({ reason: outcome.reason }, 'FAQ: generated answer rejected, extractive answer used');
    } catch (err) {
      options.logger?.warn({ err }, 'FAQ: chat model failed, extractive answer used');
    }
    return undefined;
  }

  /** One part looked up in the base: the passages' best sentences, or undefined when none answers it. */
  async function retrieved(part: QuestionPart, question: AnalyzedQuestion, single: boolean): Promise<Piece | undefined> {
    // « qui le signe ? » after « Qu'est-ce qu'un CTAI » : the part is read with the scheme it is about.
    const hint = part.anaphoric || analyzedSingle(question) ? part.schemes.filter((s) => !new RegExp(`\\b${s.toLowerCase()}\\b`).test(part.folded)).join(' ') : '';
    let text = hint ? `${part.text} ${hint}` : part.text;
    let query: ResolvedQuery = index.resolve(text);
    // « Que signifie ce sigle ? » after « on me parle de BPI »: the names of the context are what is asked about.
    if ((query.contentCount === 0 || POINTS_BACK.test(part.folded)) && question.context !== '') {
      const names = question.context.match(NAMES) ?? [];
      text = `${text} ${names.join(' ')}`;
      query = index.resolve(text);
    }
    if (query.contentCount === 0) return undefined;
    // The context sentences (« nous sommes une petite commune… ») steer the ranking without being words the answer must hold.
    const hits = question.context === '' ? (await retriever.invoke(text)).map((doc) => ({ ...doc.metadata, passage: index.passages[doc.metadata.passageIndex] as IndexedPassage })) : index.search(withContext(query, index.resolve(question.context)), RETRIEVED_PASSAGES);
    // « À quel type de territoire s'adressent les CTAI ? »: the PTAI's examples (« types de projets ») score a hair
    // above the CTAI's definition on one word; a passage close in score that holds the question comes first.
    const first = hits[0];
    const closer = first && first.coverage < MIN_COVERAGE ? hits.findIndex((hit) => hit.coverage >= MIN_COVERAGE && hit.score >= CLOSE_SCORE * first.score) : -1;
    if (closer > 0) hits.unshift(...hits.splice(closer, 1));
    const ranked: RankedPassage[] = hits.map((hit) => ({ passage: hit.passage, score: hit.score }));
    const best = hits[0];
    if (!best || best.coverage < MIN_COVERAGE || !best.numbersFound) return undefined;
    // A question line may lift a passage over the threshold only when, with it, most of the question is found.
    if (best.ownCoverage < MIN_COVERAGE && best.coverage < MIN_COVERAGE_THROUGH_QUESTIONS) return undefined;
    let composed = (single ? await generated(question.parts.length === 1 ? text : part.text, ranked) : undefined) ?? composeExtractive(ranked, query, termWeight);
    if (composed.answer === '') return undefined;
    // « Combien l'État met-il sur la table ? » asks for a number: an answer without one is taken from the passages that state one.
    // A year is not the count or the amount asked for.
    if (/\bcombien\b/.test(part.folded) && !statesNumber(composed.answer)) {
      const counted = index
        .search(query, RETRIEVED_PASSAGES * 3)
        .filter((hit) => hit.coverage >= MIN_COVERAGE)
        .map((hit) => ({ passage: { ...hit.passage, sentences: hit.passage.sentences.filter((sentence) => /\d/.test(sentence.text)) }, score: hit.score }))
        .filter((hit) => hit.passage.sentences.length > 0);
      const recomposed = counted.length > 0 ? composeExtractive(counted, query, termWeight) : undefined;
      if (recomposed && statesNumber(recomposed.answer)) composed = recomposed;
    }
    // « Le montant minimum pour un CTAI ? » answered by what the text says of the PTAI alone: the text says nothing of the CTAI's.
    const own = schemesNamed(part.folded);
    if (own.length === 1 && !schemesNamed(fold(composed.answer)).includes(own[0] as string) && schemesNamed(fold(composed.answer)).length > 0) return undefined;
    if (lacksWhatIsAsked(part, composed.answer)) return undefined;
    // A yes/no question whose every word the best passage holds, asked without a negation, is answered yes.
    const affirmative = !/\b(?:ne|n'|pas|sans|aucun|jamais|remplac|ou pas|ou non|ou)\b/.test(part.folded) && !/\b(?:pas|sans|aucun|ne)\b/.test(fold(composed.answer));
    const verdict: RuleVerdict | undefined =
      part.yesNo && ((affirmative && (best.coverage === 1 || restates(part.folded, composed.answer))) || confirmed(part.folded, composed.answer)) ? 'yes' : undefined;
    // « La démarche vise-t-elle uniquement les réfugiés ? » answered by a wider set (« les primo-arrivants, dont les BPI »): no; never yes on the passage's words alone.
    if (part.yesNo && RESTRICTIVE.test(part.folded)) return { ...composed, verdict: WIDER.test(fold(composed.answer)) ? 'no' : undefined };
    // « Le diagnostic a-t-il le même statut dans un CTAI et dans un PTAI ? » answered by a contrast: no.
    const contrasted = part.yesNo && SAMENESS.test(part.folded) && /\b(?:alors que|tandis que|contrairement|mais)\b/.test(fold(composed.answer)) ? 'no' : undefined;
    return { verdict: contrasted ?? verdict, ...composed };
  }

  /** A definition question answered by the passage that defines its term (knowledge/faq/definitions.ts). */
  function definedBy(part: QuestionPart): Piece | undefined {
    const places = definitionsAsked(part.folded) ?? [];
    const find = (file: string, section: string): IndexedPassage | undefined => index.passages.find((p) => p.id.startsWith(`${file}#`) && p.section === section && !p.id.includes('@'));
    if (places.length === 1) {
      const place = places[0] as (typeof places)[number];
      const passage = find(place.file, place.section);
      if (!passage) return undefined;
      const single: Piece = { answer: withMarker(passage.text, 1), sources: [{ id: passage.id, title: passage.title, excerpt: excerptOf(passage.text) }] };
      // The section that completes the definition (who signs a CTAI, who carries the programme), when both fit in one answer.
      const also = place.also === undefined ? undefined : find(place.file, place.also);
      if (!also) return single;
      const both = [withMarker(passage.text, 1), withMarker(also.text, 2)];
      // Too long: the public both schemes share, repeated at the end of each definition, goes first, then the spelled-out names of the second sentence.
      const withoutPublic = [withMarker(passage.text.replace(PUBLIC_OF_EVERY_SCHEME, ''), 1), withMarker(withAcronyms(also.text), 2)];
      const answer = both.join(' ').length <= MAX_ANSWER_LENGTH ? both.join(' ') : withoutPublic.join(' ');
      if (answer.length > MAX_ANSWER_LENGTH) return single;
      return { answer, sources: [...single.sources, { id: also.id, title: also.title, excerpt: excerptOf(also.text) }] };
    }
    // « Que signifient CTAI et PTAI ? »: each term spelled out by its glossary entry, its first sentence when all do not fit.
    const entries = places.map((place) => find('glossaire', place.short ?? ''));
    if (entries.length === 0 || entries.some((e) => !e)) return undefined;
    const passages = entries as IndexedPassage[];
    const whole = passages.map((p, i) => withMarker(p.text, i + 1)).join(' ');
    const firsts = passages.map((p, i) => withMarker((p.text.split(/(?<=\.)\s+/)[0] ?? p.text).replace(/ : .*$/, '.'), i + 1)).join(' ');
    return { answer: whole.length <= MAX_ANSWER_LENGTH ? whole : firsts, sources: passages.map((p) => ({ id: p.id, title: p.title, excerpt: excerptOf(p.text) })) };
  }

  /** A part answered by a rule, else from the retrieved passages. */
  async function pieceFor(part: QuestionPart, analyzed: AnalyzedQuestion, several: boolean): Promise<Piece | undefined> {
    // « Saint-Étienne Métropole, on peut faire un CTAI ? »: the scheme rule answers, the list of engaged territories only adds whether it already is.
    const named = { ...part, folded: `${analyzed.context} ${part.folded}`.trim() };
    const rule = asksTerritoryEligibility(named) ? eligibilityWithEngagement(named, ruleAnswer(part, analyzed)) : (territoryAnswer(part) ?? ruleAnswer(part, analyzed) ?? territoryOfContext(part, analyzed));
    if (!rule) return await retrieved(part, analyzed, !several);
    const piece = fromRule(rule, part);
    return lacksWhatIsAsked(part, piece.answer) ? undefined : piece;
  }

  async function answer(question: string): Promise<FaqAnswer> {
    const query: ResolvedQuery = index.resolve(question);
    // A greeting, thanks, or nothing but question words: there is nothing to look up yet.
    if (query.contentCount === 0) return { answered: false, answer: SMALL_TALK_REPLIES[query.smallTalk ?? 'none'], sources: [] };

    const analyzed = analyzeQuestion(question);
    const several = analyzed.parts.length > 1;
    const definitions = analyzed.parts.map((part) => definedBy(part));
    const unknown = unknownAcronyms(question);
    const refusal = refusalBeforeLookup(analyzed) ?? refusalForUnknownNames(analyzed.questionFolded, unknown);
    if (refusal && !several && !definitions[0]) return { answered: false, answer: refusal, sources: [] };

    // Of a question in several parts, a part the text is silent on is left unanswered, not the others.
    const pieces: (Piece | undefined)[] = [];
    for (const [i, part] of analyzed.parts.entries()) {
      const definition = definitions[i];
      if (definition) {
        pieces.push(definition);
        continue;
      }
      if (several && (refusalBeforeLookup(analyzed, part) ?? refusalForUnknownNames(part.folded, unknown))) {
        pieces.push(undefined);
        continue;
      }
      const claim = negatedClaim(part);
      if (claim) {
        const piece = await pieceFor(claim, analyzed, several);
        if (piece?.verdict === 'yes' || piece?.verdict === 'no') {
          pieces.push({ ...piece, verdict: turnedVerdict(piece.verdict) });
          continue;
        }
      }
      const piece = await pieceFor(part, analyzed, several);
      // « qui signe, le maire ou le préfet ? »: the option the answer bears out comes first.
      pieces.push(piece && part.choice ? { ...piece, answer: withChoice(piece.answer, part.choice, question) } : piece);
    }
    const labels = analyzed.parts.map((part) => partLabel(question, part.text));
    // « Que peut apporter la collectivité ? Et le cofinancement est-il obligatoire ? »: the answer opens on the
    // verdict it owes, even when the other parts must then be shortened to fit.
    const order = [...pieces.keys()].sort((a, b) => Number(pieces[b]?.verdict !== undefined) - Number(pieces[a]?.verdict !== undefined));
    const verdictFirst = order.some((at, i) => at !== i) ? composePieces(order.map((i) => pieces[i]), order.map((i) => labels[i] ?? ''), order.map((i) => analyzed.parts[i]?.folded ?? '')) : undefined;
    const composed = (verdictFirst ?? composePieces(pieces, labels, analyzed.parts.map((part) => part.folded)))?.composed;
    if (!composed) {
      const declined = refusal ?? refusalAfterLookup(analyzed);
      return { answered: false, answer: several && isDontKnow(declined) ? refusalOfParts(labels) : declined, sources: [] };
    }
    return { answered: true, ...withinAnswerLength(composed) };
  }

  return { answer, passageCount: index.size, retriever };
}
