import type { Passage } from '../../knowledge/faq/corpus';
import { analyzeQuery, analyzeText, expand, fold, foldAccents, stem, words } from '../../knowledge/faq/frenchText';
import { LexicalIndex, splitSentences } from '../../knowledge/faq/lexicalIndex';

const stems = (text: string): string[] => analyzeText(text).map((token) => token.stem);
const queryStems = (question: string): string[] => analyzeQuery(question).words.filter((w) => !w.intentTerms).map((w) => w.stem);

function buildPassage(overrides: Partial<Passage> = {}): Passage {
  return {
    id: 'doc#1',
    title: 'Le contrat territorial',
    section: 'Qui signe',
    text: 'Les CTAI sont signés par les préfets avec les métropoles.',
    source: 'seed',
    date: '2026-11-26',
    ...overrides,
  };
}

describe('French text normalisation', () => {
  test('When a text is folded, then it is lower case, unaccented, with one apostrophe, « œ » spelled out and single spaces', () => {
    expect(fold('  Qu’est-ce qu‘un  CŒUR de\tMÉTROPOLE ?  ')).toBe("qu'est-ce qu'un coeur de metropole ?");
  });


  it('When text has capitals and accents, then folding gives lower-case-insensitive plain letters', () => {
    expect(foldAccents('Préfète Île-de-France Œuvre').toLowerCase()).toBe('prefete ile-de-france œuvre');
  });

  it('When words carry elisions, then the elided article or pronoun is dropped', () => {
    expect(words("l'intégration d'accueil qu'il n'est s'engager c'est j'ai jusqu'à")).toEqual([
      'intégration', 'accueil', 'il', 'est', 'engager', 'est', 'ai', 'à',
    ]);
  });

  it('When the apostrophe is typographic, then elisions are still removed', () => {
    expect(words('l’État d’accueil')).toEqual(['état', 'accueil']);
  });

  it('When words are hyphenated, then each part is a word', () => {
    expect(words('peut-elle fera-t-il primo-arrivants')).toEqual(['peut', 'elle', 'fera', 't', 'il', 'primo', 'arrivants']);
  });

  it('When a text has stop words, then only content words are indexed', () => {
    expect(stems('Les CTAI sont négociés par les préfets avec les métropoles')).toEqual(['ctai', 'negoci', 'prefet', 'metropol']);
  });
});

describe('French stemming', () => {
  it('When words are inflections of one another, then they share a stem', () => {
    expect(stem('métropoles')).toBe(stem('métropole'));
    expect(stem('financement')).toBe(stem('financer'));
    expect(stem('engagées')).toBe(stem('engagement'));
    expect(stem('territoriaux')).toBe(stem('territorial'));
  });

  it('When a question is typed without accents, then its stems match the accented corpus', () => {
    expect(stem('metropole')).toBe(stem('métropole'));
    expect(stem('prefecture')).toBe(stem('préfecture'));
    expect(stem('integration')).toBe(stem('intégration'));
  });

  it('When the stemmer would merge "commune" with "communication", then the override keeps them apart', () => {
    expect(stem('communes')).toBe(stem('commune'));
    expect(stem('commune')).not.toBe(stem('communication'));
  });

  it('When a word is a number, then it is kept as is', () => {
    expect(stem('2021')).toBe('2021');
  });
});

describe('Acronyms, synonyms and SMS spellings', () => {
  it('When a passage spells out an acronym, then the acronym is indexed too', () => {
    expect(stems("Le contrat territorial d'accueil et d'intégration est signé")).toContain('ctai');
    expect(stems('les bénéficiaires de la protection internationale')).toContain('bpi');
    expect(stems("le contrat d'intégration républicaine")).toEqual(expect.arrayContaining(['cir']));
    expect(stems("le contrat d'intégration républicaine")).not.toContain('ctai');
  });

  it('When a question spells out an acronym, then it looks for the acronym as one word', () => {
    expect(queryStems("qui signe un projet territorial d'accueil et d'intégration")).toEqual(['sign', 'ptai']);
  });

  it('When a question uses slang for money, then it looks for financing terms', () => {
    const terms = expand(queryStems('des thunes')[0] ?? '').map((t) => t.term);
    expect(terms).toEqual(expect.arrayContaining([stem('financement'), stem('budget'), stem('millions')]));
  });

  it('When a question says "signature", then it also looks for "signer"', () => {
    expect(expand(stem('signature')).map((t) => t.term)).toContain(stem('signer'));
  });

  it('When a word has synonyms, then the word itself weighs more than its synonyms', () => {
    const [own, ...others] = expand(stem('logement'));
    expect(own).toEqual({ term: stem('logement'), weight: 1 });
    expect(others.every((t) => t.weight < 1)).toBe(true);
  });

  it('When a question is written in SMS, then the SMS words are rewritten', () => {
    expect(words('c koi un ptai')).toEqual(['c', 'quoi', 'un', 'ptai']);
    expect(words("cb d'argent")).toEqual(['combien', 'argent']);
    expect(words('kel villes')).toEqual(['quel', 'villes']);
    expect(words('qui peu signer')).toEqual(['qui', 'peut', 'signer']);
  });

  it('When a question asks "c koi", then it carries a definition intent and one content word', () => {
    const query = analyzeQuery('c koi un ptai');
    expect(query.words.filter((w) => w.intentTerms)).toHaveLength(1);
    expect(queryStems('c koi un ptai')).toEqual(['ptai']);
  });

  it('When a message is only a greeting or thanks, then it has no content and is recognised as small talk', () => {
    expect(analyzeQuery('Bonjour !')).toEqual({ words: [], smallTalk: 'greeting' });
    expect(analyzeQuery('merci beaucoup')).toEqual({ words: [], smallTalk: 'thanks' });
  });
});

describe('Lexical index', () => {
  const index = new LexicalIndex([
    buildPassage(),
    buildPassage({ id: 'doc#2', section: 'Diagnostic', text: 'Un diagnostic territorial préalable est conseillé pour un PTAI.' }),
    buildPassage({ id: 'doc#3', section: 'Logement', text: "Les CTAI comportent des actions pour l'accès au logement." }),
  ]);

  it('When a word is misspelled, then it is matched to the closest corpus word', () => {
    const query = index.resolve('les metropolles');
    expect(query.groups[0]?.terms.map((t) => t.term)).toContain(stem('métropoles'));
  });

  it('When a verb form is unknown to the stemmer, then it is matched to the indexed stem it extends', () => {
    const query = index.resolve('qui signent');
    expect(query.groups[0]?.terms.map((t) => t.term)).toContain(stem('signés'));
  });

  it('When a misspelled word is matched, then it weighs less than an exact match', () => {
    const fuzzy = index.resolve('metropolles').groups[0]?.terms[0]?.weight ?? 1;
    expect(fuzzy).toBeLessThan(1);
  });

  it('When a short unknown word is one letter away from a corpus word, then it is not corrected', () => {
    expect(index.resolve('cta').groups).toEqual([]);
  });

  it('When an unknown word is far from every corpus word, then it matches nothing but still counts as content', () => {
    const query = index.resolve('date limite');
    expect(query.groups).toEqual([]);
    expect(query.contentCount).toBe(2);
  });

  it('When a question matches a passage, then that passage ranks first with full coverage', () => {
    const [hit] = index.search(index.resolve('faut-il un diagnostique ?'), 2);
    expect(hit?.passage.id).toBe('doc#2');
    expect(hit?.coverage).toBe(1);
  });

  it('When half of the content words are unknown, then coverage says so', () => {
    const [hit] = index.search(index.resolve('logement date'), 1);
    expect(hit?.passage.id).toBe('doc#3');
    expect(hit?.coverage).toBe(0.5);
  });

  it('When a passage is split into sentences, then each sentence stands alone', () => {
    expect(splitSentences('Première phrase. Deuxième phrase ! 9 millions sont mobilisés.')).toEqual([
      'Première phrase.',
      'Deuxième phrase !',
      '9 millions sont mobilisés.',
    ]);
  });
});
