// GET /api/openapi.json: the staff API's document, generated from the zod schemas, is valid OpenAPI 3.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../support/testApp';

const run = promisify(execFile);
// The validator is an ES module only: it runs in its own Node process, through its own command line.
const VALIDATOR = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');

let app: TestApp;
let directory: string;

beforeAll(async () => {
  app = await startTestApp();
  directory = mkdtempSync(path.join(os.tmpdir(), 'ti-openapi-'));
});

afterAll(async () => {
  await app.close();
  rmSync(directory, { recursive: true, force: true });
});

async function validate(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const file = path.join(directory, `openapi-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(document));
  try {
    const { stdout } = await run(process.execPath, [VALIDATOR, file]);
    return JSON.parse(stdout) as { valid: boolean };
  } catch (error) {
    return JSON.parse((error as { stdout: string }).stdout) as { valid: boolean; errors: unknown };
  }
}

describe('GET /api/openapi.json', () => {
  test('When the document is fetched, then it validates as OpenAPI 3 and documents every staff route', async () => {
    const response = await fetch(`${app.url}/api/openapi.json`);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };

    const result = await validate(document);

    expect(response.status).toBe(200);
    expect(result).toEqual({ valid: true });
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/dossiers',
      '/api/dossiers/export.csv',
      '/api/dossiers/export.xlsx',
      '/api/dossiers/{reference}',
      '/api/dossiers/{reference}.pdf',
      '/api/dossiers/{reference}/follow',
      '/api/dossiers/{reference}/labels',
      '/api/dossiers/{reference}/messages',
      '/api/dossiers/{reference}/notes',
      '/api/dossiers/{reference}/transitions',
    ]);
    expect(document.components.schemas).toEqual(expect.objectContaining({ Dossier: expect.any(Object), DossierDetail: expect.any(Object), TransitionRequest: expect.any(Object) }));
    // The budget's other funders are documented from the dossier's zod schema: a name and an amount each.
    const budget = (document.components.schemas.Dossier as { properties: Record<string, { properties: Record<string, { items?: { required?: string[] } }> }> }).properties.budget;
    expect(budget?.properties.otherFunders?.items?.required).toEqual(['name', 'amountEuros']);
    expect(budget?.properties).toHaveProperty('otherFundersEuros');
  });

  test('When the document describes the list, then its query parameters come from the same zod schema as the validation', async () => {
    const document = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as {
      paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string }> } }>;
    };

    const names = document.paths['/api/dossiers']?.get?.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`);

    expect(names?.sort()).toEqual(['query:cursor', 'query:departement', 'query:followed', 'query:label', 'query:limit', 'query:page', 'query:q', 'query:scheme', 'query:sort', 'query:status']);
  });

  test('When the document describes the CSV export, then it documents detail=actions (one row per action)', async () => {
    const document = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as {
      paths: Record<string, { get?: { description?: string; parameters?: Array<{ name: string; in: string; schema?: { enum?: string[] } }> } }>;
    };

    const detail = document.paths['/api/dossiers/export.csv']?.get?.parameters?.find((parameter) => parameter.name === 'detail');

    expect(detail).toMatchObject({ in: 'query', schema: { enum: ['actions'] } });
    expect(document.paths['/api/dossiers/export.xlsx']?.get?.description).toContain('« Actions »');
  });

  test('When a broken document is checked, then the validator says so', async () => {
    const result = await validate({ openapi: '3.1.0', info: { title: 'x' }, paths: { '/a': { get: { responses: 'none' } } } });

    expect(result.valid).toBe(false);
  });
});
