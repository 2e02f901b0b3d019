import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { BaseRetriever } from '@langchain/core/retrievers';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { createChatModelFromConfig } from '../../knowledge/faq/chatModelFactory';
import { DEFAULT_CORPUS_DIR, loadPassages, type Passage } from '../../knowledge/faq/corpus';
import { composeExtractive } from '../../knowledge/faq/extractiveAnswer';
import { FaqError } from '../../knowledge/faq/faqErrors';
import { createFaqService, FaqAnswerSchema, type FaqService } from '../../knowledge/faq/faqService';
import { LexicalIndex } from '../../knowledge/faq/lexicalIndex';

// Answered by retrieval (« qui signe le contrat ? » is now a rule: « Le préfet : … », see faqRules).
const SIGN_QUESTION = 'avec qui le contrat est-il signe par le prefet ?';

/** A model that fails as a provider would (network error, quota). */
class FailingChatModel extends FakeListChatModel {
  override async _generate(): Promise<ChatResult> {
    throw new Error('provider unavailable');
  }
}

/** A model that never answers, but stops when its request is aborted, as HTTP clients do. */
class HangingChatModel extends FakeListChatModel {
  aborted = false;

  override _generate(_messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    return new Promise((_resolve, reject) => {
      options.signal?.addEventListener('abort', () => {
        this.aborted = true;
        reject(new Error('aborted'));
      });
    });
  }
}

/** Records what it was sent, then answers like FakeListChatModel. */
class RecordingChatModel extends FakeListChatModel {
  prompts: BaseMessage[][] = [];

  override async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    this.prompts.push(messages);
    return super._generate(messages, options);
  }
}

const buildLogger = (): { warn: jest.Mock } => ({ warn: jest.fn() });

describe('FAQ service without a language model', () => {
  let service: FaqService;

  beforeAll(async () => {
    service = await createFaqService();
  });

  it('When a question is in the base, then the answer quotes it with a citation and its source', async () => {
    const result = await service.answer(SIGN_QUESTION);

    expect(FaqAnswerSchema.parse(result)).toEqual(result);
    expect(result.answered).toBe(true);
    expect(result.answer).toMatch(/préfet/);
    expect(result.answer).toMatch(/\[1\]/);
    expect(result.sources[0]).toEqual({ id: expect.stringMatching(/^ctai#\d+$/), title: expect.stringContaining('CTAI'), excerpt: expect.any(String) });
  });

  it('When an answer cites passages, then every marker has a source and every source is cited', async () => {
    const result = await service.answer('Quelles formes peut prendre l’engagement de la collectivité ?');

    const markers = [...result.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(new Set(markers)).toEqual(new Set(result.sources.map((_s, i) => i + 1)));
  });

  it('When an extractive answer is given, then it is at most three sentences', async () => {
    const result = await service.answer('C’est quoi la démarche Territoires d’intégration ?');

    expect(result.answer.match(/\[\d+\][.!?]/g)?.length ?? 0).toBeLessThanOrEqual(3);
  });

  it('When the base does not hold the answer, then it says it does not know and points to the prefecture', async () => {
    const result = await service.answer('quelle est la date limite de dépôt ?');

    expect(result).toEqual({ answered: false, answer: expect.stringMatching(/^Je ne sais pas/), sources: [] });
    expect(result.answer).toContain('préfecture de votre département');
  });

  it('When a question names a year the base does not cover, then it does not answer about another year', async () => {
    const result = await service.answer('Combien de CTAI ont été signés en 2023 ?');

    expect(result.answered).toBe(false);
  });

  it('When the message is a greeting, then it is not answered and the user is invited to ask', async () => {
    const result = await service.answer('Bonjour');

    expect(result.answered).toBe(false);
    expect(result.answer).toMatch(/^Bonjour !/);
    expect(result.sources).toEqual([]);
  });

  it('When the message is empty, then it is not answered', async () => {
    const result = await service.answer('   ');

    expect(result.answered).toBe(false);
  });

  it('When the retriever is used through LangChain, then it returns documents with their passage id', async () => {
    const documents = await service.retriever.invoke('faut-il un diagnostic pour un PTAI ?');

    expect(service.retriever).toBeInstanceOf(BaseRetriever);
    expect(documents[0]?.metadata.id).toMatch(/^ptai#\d+$/);
    expect(documents[0]?.pageContent).toContain('diagnostic');
  });

  it('When the base is indexed several times, then the passage count grows and answers stay the same', async () => {
    const copied = await createFaqService({ copies: 3 });

    expect(copied.passageCount).toBe(service.passageCount * 3);
    expect((await copied.answer(SIGN_QUESTION)).answer).toBe((await service.answer(SIGN_QUESTION)).answer);
  });
});

describe('Extractive answer composition', () => {
  const buildPassage = (id: string, section: string, text: string): Passage => ({ id, title: 'Le CTAI', section, text, source: 'seed', date: '2026-11-26' });
  const index = new LexicalIndex([
    buildPassage('ctai#1', 'Signature', 'Le CTAI est signé par le préfet. La météo est clémente.'),
    buildPassage('ctai#2', 'Logement', 'Le CTAI comporte des actions pour le logement.'),
  ]);
  const compose = (question: string) => {
    const query = index.resolve(question);
    return composeExtractive(index.search(query, 4), query, (term) => index.termWeight(term));
  };

  it('When a question spans two passages, then one sentence of each is quoted with its own citation', () => {
    const { answer, sources } = compose('qui signe le CTAI et quid du logement ?');

    const marker = (id: string): number => sources.findIndex((source) => source.id === id) + 1;
    expect(sources.map((source) => source.id).sort()).toEqual(['ctai#1', 'ctai#2']);
    expect(answer).toContain(`Le CTAI est signé par le préfet [${marker('ctai#1')}].`);
    expect(answer).toContain(`Le CTAI comporte des actions pour le logement [${marker('ctai#2')}].`);
    expect(answer).not.toContain('météo');
  });

  it('When one sentence answers the question, then the other sentences are left out', () => {
    expect(compose('qui signe ?').answer).toBe('Le CTAI est signé par le préfet [1].');
  });
});

describe('FAQ corpus folder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'faq-corpus-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('When a document is dropped in the folder, then its content is answered', async () => {
    await cp(DEFAULT_CORPUS_DIR, dir, { recursive: true });
    await writeFile(
      path.join(dir, 'horaires.md'),
      '---\ntitle: Horaires du guichet\nsource: test\ndate: 2026-11-26\n---\n## Horaires du guichet\n\nLe guichet des subventions ouvre le mardi matin.\n',
    );
    const service = await createFaqService({ corpusDir: dir });

    const result = await service.answer('quand ouvre le guichet ?');

    expect(result.answered).toBe(true);
    expect(result.answer).toContain('mardi');
    expect(result.sources[0]?.id).toBe('horaires#1');
  });

  it('When a document has no front matter, then loading fails with a clear error', async () => {
    await writeFile(path.join(dir, 'brouillon.md'), '# Sans en-tête\n\nTexte.\n');

    await expect(createFaqService({ corpusDir: dir })).rejects.toMatchObject({ code: 'FAQ_CORPUS_INVALID', message: expect.stringContaining('brouillon.md') });
  });

  it('When the shipped corpus is loaded, then every passage has a stable id, a title, a source and a date', async () => {
    const passages = await loadPassages(DEFAULT_CORPUS_DIR);

    expect(new Set(passages.map((p) => p.id)).size).toBe(passages.length);
    for (const passage of passages) {
      expect(passage).toMatchObject({ id: expect.stringMatching(/^[a-z0-9-]+#\d+$/), title: expect.any(String), source: expect.any(String), date: expect.any(String) });
    }
  });
});

describe('FAQ service with a language model', () => {
  let extractive: FaqService;

  beforeAll(async () => {
    extractive = await createFaqService();
  });

  it('When the model answers from the passages and cites them, then its answer is used with renumbered sources', async () => {
    const retrieved = await extractive.retriever.invoke(SIGN_QUESTION);
    const model = new FakeListChatModel({ responses: ['Le CTAI est signé par le préfet [2].'] });
    const service = await createFaqService({ chatModel: model });

    const result = await service.answer(SIGN_QUESTION);

    expect(result).toEqual({
      answered: true,
      answer: 'Le CTAI est signé par le préfet [1].',
      sources: [{ id: retrieved[1]?.metadata.id, title: retrieved[1]?.metadata.title, excerpt: expect.any(String) }],
    });
  });

  it('When the model is asked, then it sees the numbered passages, the question and the rule to use nothing else', async () => {
    const model = new RecordingChatModel({ responses: ['Le préfet [1].'] });
    const service = await createFaqService({ chatModel: model });

    await service.answer(SIGN_QUESTION);

    const [system, human] = model.prompts[0] ?? [];
    expect(system?.text).toContain('UNIQUEMENT');
    expect(human?.text).toMatch(/\[1\] .*\n/);
    expect(human?.text).toContain(`Question : ${SIGN_QUESTION}`);
  });

  it('When the model cites a passage that was not retrieved, then the extractive answer is used', async () => {
    const logger = buildLogger();
    const service = await createFaqService({ chatModel: new FakeListChatModel({ responses: ['Le préfet signe [7].'] }), logger });

    const result = await service.answer(SIGN_QUESTION);

    expect(result).toEqual(await extractive.answer(SIGN_QUESTION));
    expect(logger.warn).toHaveBeenCalledWith({ reason: 'unknown_citation' }, expect.any(String));
  });

  it('When the model cites nothing, then the extractive answer is used', async () => {
    const service = await createFaqService({ chatModel: new FakeListChatModel({ responses: ['Le préfet signe le contrat.'] }) });

    expect(await service.answer(SIGN_QUESTION)).toEqual(await extractive.answer(SIGN_QUESTION));
  });

  it('When the model fails, then the extractive answer is used and the failure is logged', async () => {
    const logger = buildLogger();
    const service = await createFaqService({ chatModel: new FailingChatModel({ responses: [] }), logger });

    const result = await service.answer(SIGN_QUESTION);

    expect(result).toEqual(await extractive.answer(SIGN_QUESTION));
    expect(logger.warn).toHaveBeenCalledWith({ err: expect.any(Error) }, expect.any(String));
  });

  it('When the model does not answer in time, then the extractive answer is given within the time-out and the request is aborted', async () => {
    const model = new HangingChatModel({ responses: [] });
    const service = await createFaqService({ chatModel: model, generationTimeoutMs: 50 });

    const started = Date.now();
    const result = await service.answer(SIGN_QUESTION);

    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toEqual(await extractive.answer(SIGN_QUESTION));
    expect(model.aborted).toBe(true);
  });

  it('When the base does not hold the answer, then the model is not asked at all', async () => {
    const model = new RecordingChatModel({ responses: ['La date limite est le 31 mars [1].'] });
    const service = await createFaqService({ chatModel: model });

    const result = await service.answer('quelle est la date limite de dépôt ?');

    expect(result.answered).toBe(false);
    expect(model.prompts).toEqual([]);
  });
});

describe('Chat model configuration', () => {
  it('When the provider package is not installed, then a clear error names the package to install', async () => {
    const attempt = createChatModelFromConfig({ provider: 'ollama', model: 'mistral-small' }, () => false);

    await expect(attempt).rejects.toBeInstanceOf(FaqError);
    await expect(attempt).rejects.toMatchObject({ code: 'FAQ_LLM_PACKAGE_MISSING', message: expect.stringContaining('npm install @langchain/ollama') });
  });

  it('When the configuration is invalid, then it is refused before anything is loaded', async () => {
    await expect(createChatModelFromConfig({ provider: 'mistralai', model: '' }, () => true)).rejects.toMatchObject({ code: 'FAQ_LLM_CONFIG_INVALID' });
  });
});
