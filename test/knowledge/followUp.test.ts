// A short follow-up (« Pourquoi ? ») is looked up with the question it follows; anything else alone.
import { questionWithContext } from '../../knowledge/understanding/followUp';

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
