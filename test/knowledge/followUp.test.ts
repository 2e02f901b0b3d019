// A short follow-up (« Pourquoi ? ») is looked up with the question it follows; anything else alone.
import { journeyQuestion, questionInWish, questionWithContext } from '../../knowledge/understanding/followUp';

const PREVIOUS = 'La Communauté de communes du Grand Figeac souhaiterait signer un CTAI.';

describe('questionWithContext', () => {
  test.each(['Pourquoi ? Nous regroupons pourtant 92 communes.', 'pourquoi ?', 'Et pour un PTAI ?', 'c’est-à-dire ?'])('When « %s » follows an answer, then it is read with the previous question', (message) => {
    expect(questionWithContext(message, PREVIOUS)).toBe(`${PREVIOUS} ${message}`);
  });

  test.each(['c’est quoi un BPI ?', 'Qui signe le contrat côté État ?', 'Pourquoi le diagnostic territorial est-il conseillé pour un PTAI alors qu’il n’est pas requis et que nous avons peu de moyens ?'])(
    'When « %s » is a question of its own, then it is read alone',
    (message) => {
      expect(questionWithContext(message, PREVIOUS)).toBe(message);
    },
  );

  test('When there is no previous question, then the message is read alone', () => {
    expect(questionWithContext('Pourquoi ?', undefined)).toBe('Pourquoi ?');
  });
});

describe('journeyQuestion and questionInWish', () => {
  test('When a question has no subject of its own after an answer part, then the whole message is asked, for the scheme implied', () => {
    const asked = journeyQuestion({ core: 'c est obligatoire ?', answerPart: 'des actions ciblées, on n a pas de diagnostic' }, { approach: 'targeted' });
    expect(asked).toEqual({ question: 'Pour un PTAI : des actions ciblées, on n a pas de diagnostic, c est obligatoire ?', subjectInAnswer: true });
  });

  test('When the answer part answers the question on screen and the question has no subject, then it takes the subject of the question on screen', () => {
    const asked = journeyQuestion({ core: 'c obligatoire ?', answerPart: 'on n’en a pas' }, { approach: 'targeted', pending: 'scheme.diagnostic', answersPending: true });
    expect(asked).toEqual({ question: 'Pour un PTAI : le diagnostic territorial, c obligatoire ?', subjectInAnswer: false });
  });

  test('When a question has its own subject, then the answer part stays an answer and a named scheme is not overridden', () => {
    expect(journeyQuestion({ core: 'c’est quoi un BPI ?', answerPart: '76' }, { scheme: 'CTAI' })).toEqual({ question: 'c’est quoi un BPI ?', subjectInAnswer: false });
    expect(journeyQuestion({ core: 'et pour un PTAI ?' }, { scheme: 'CTAI' }).question).toBe('et pour un PTAI ?');
  });

  test.each(['c est quoi un bpi', 'c koi un BPI', 'qu est ce qu un bpi', 'ça veut dire quoi BPI'])('When « %s » asks a definition mid-journey, however typed, then it is read alone', (core) => {
    expect(journeyQuestion({ core }, { scheme: 'CTAI' }).question).toBe(core);
  });

  test('When a wish to apply holds a question, then the question is what is left, read for the scheme named; a plain wish asks nothing', () => {
    expect(questionInWish('Bonjour, on voudrait déposer une candidature pour un PTAI, une commune de 3000 habitants c est possible ?')).toBe('Pour un PTAI : une commune de 3000 habitants c est possible ?');
    expect(questionInWish('je voudrais préparer une candidature')).toBeUndefined();
  });
});
