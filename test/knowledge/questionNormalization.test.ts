import { normalizeQuestion } from '../../knowledge/faq/questionNormalization';

describe('Normalising a question before it is read', () => {
  test.each([
    ['bonjour, excusez-moi mais c koi un ctai svp', "c'est quoi un ctai"],
    ["Bonjour, excusez-moi de vous déranger, je voulais savoir ce qu'est un PTAI. Merci d'avance !", "ce qu'est un ptai."],
    ['slt, c ki ki negocie les ctai stp', "c'est qui qui negocie les ctai"],
    ["Bonjour Madame, j'ai une petite question : on peu faire un ctai ?", 'on peut faire un ctai ?'],
    ['Cest obligatoire le diagnostic pour un PTAI ? Merci beaucoup pour votre aide.', "c'est obligatoire le diagnostic pour un ptai ?"],
    // elisions typed with a space instead of the apostrophe
    ['c est quoi un bpi', "c'est quoi un bpi"],
    ['qu est ce qu un PTAI', "qu'est-ce qu'un ptai"],
    ['l etat finance t il un ptai s il n y a pas de diagnostic', "l'etat finance t il un ptai s'il n'y a pas de diagnostic"],
  ])('When « %s » is typed, then it is read as « %s »', (typed, read) => {
    expect(normalizeQuestion(typed)).toBe(read);
  });

  test('When « peu » is the word « few », then it is not read as « peut »', () => {
    expect(normalizeQuestion('Nous avons peu de moyens.')).toBe('nous avons peu de moyens.');
  });

  test('When an acronym is typed letter by letter (« C.T.A.I. », « P-T-A-I »), then it is read as the acronym', () => {
    expect(normalizeQuestion("l'abréviation C.T.A.I. veut dire quoi ?")).toBe("l'abreviation ctai veut dire quoi ?");
    expect(normalizeQuestion('les lettres P-T-A-I ?')).toBe('les lettres ptai ?');
  });
});
