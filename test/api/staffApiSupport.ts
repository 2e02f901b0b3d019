// Helpers of the staff API tests: submitted dossiers of a département, staff keys, and HTTP calls.
import type { DossierRepository } from '../../dossiers/dossierRepository';
import type { Dossier, DossierPatch } from '../../dossiers/dossierSchema';
import type { StaffAccountRepository } from '../../api/staff/staffRepository';
import { buildDossier } from '../dossiers/buildDossier';

let owners = 0;

/** A complete CTAI filled in and submitted by its applicant, in the given département. */
export async function submittedDossier(repository: DossierRepository, options: { departement?: string; name?: string; content?: DossierPatch } = {}): Promise<Dossier> {
  owners += 1;
  const draft = await repository.createDraft({ channel: 'webchat', userId: `applicant-${owners}` });
  const { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions } = buildDossier();
  const patch: DossierPatch = {
    scheme,
    collectivity: { ...collectivity, departement: options.departement ?? '69', ...(options.name ? { name: options.name } : {}) },
    contact,
    approach,
    diagnostic,
    housingCommitted,
    fields,
    commitments,
    actions,
    ...options.content,
  };
  const filled = valueOf(await repository.update(draft.reference, draft.version, patch));
  return valueOf(await repository.transition(filled.reference, filled.version, { to: 'submitted', by: { role: 'applicant', id: `applicant-${owners}` } }));
}

export function valueOf<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`Expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

export async function staffKey(accounts: StaffAccountRepository, role: 'instructeur' | 'admin', departements: string[] = [], name = 'Agent de test'): Promise<string> {
  const created = await accounts.create({ name, role, departements });
  if (!created.ok) throw new Error(`Could not create the staff account: ${JSON.stringify(created)}`);
  return created.key;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** One call to the API with a key; a JSON body is sent as is when it is a string (to send malformed JSON). */
export async function call(
  baseUrl: string,
  path: string,
  options: { key?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (an export): the text is enough.
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** The `error.code` of an error answer. */
export function errorCode(response: ApiResponse): unknown {
  return (response.body.error as { code?: unknown } | undefined)?.code;
}
