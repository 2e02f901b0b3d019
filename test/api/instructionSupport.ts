// Helpers of the back-office tests: agents with a password, a small HTTP client that keeps cookies, a loopback
// SMTP server, Chromium and axe.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import type { StaffAccountRepository } from '../../api/staff/staffRepository';
import type { StaffAccount } from '../../api/staff/staffSchema';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let agents = 0;

export interface TestAgent {
  account: StaffAccount;
  email: string;
  password: string;
}

/** An active staff account with an e-mail and a password, as `npm run staff -- create` then `password` leave it. */
export async function createAgent(
  accounts: StaffAccountRepository,
  options: { role?: 'instructeur' | 'admin'; departements?: string[]; name?: string } = {},
): Promise<TestAgent> {
  agents += 1;
  const email = `agent${agents}.${Date.now().toString(36)}@prefecture.gouv.fr`;
  const role = options.role ?? 'instructeur';
  const created = await accounts.create({ name: options.name ?? `Agent ${agents}`, role, departements: role === 'admin' ? [] : (options.departements ?? ['69']), email });
  if (!created.ok) throw new Error(`Could not create the account: ${JSON.stringify(created)}`);
  const password = `mot de passe ${agents} assez long`;
  const set = await accounts.setPassword(created.account.id, password);
  if (!set.ok) throw new Error(`Could not set the password: ${set.code}`);
  return { account: set.account, email, password };
}

export interface PageResponse {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
}

/** A browser-like HTTP client without a browser: keeps the cookies it is given and does not follow redirects. */
export class CookieClient {
  readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async get(path: string): Promise<PageResponse> {
    return this.request('GET', path);
  }

  async post(path: string, form: Record<string, string | string[]>): Promise<PageResponse> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
    return this.request('POST', path, body.toString());
  }

  /** Signs in through the form, as a person would: reads the form's token, then posts it. */
  async signIn(email: string, password: string): Promise<PageResponse> {
    const page = await this.get('/instruction/connexion');
    return this.post('/instruction/connexion', { _csrf: hiddenValue(page.text, '_csrf'), email, password, retour: '/instruction/' });
  }

  private async request(method: string, path: string, body?: string): Promise<PageResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get('location'), headers: response.headers, text: await response.text() };
  }
}

/** The value of the first hidden input with this name in a page. */
export function hiddenValue(page: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(page);
  if (!match?.[1]) throw new Error(`No hidden input ${name} in the page`);
  return match[1];
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** Runs axe-core in the page (through the DevTools protocol, so the page's CSP stays as it is) and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(options: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: unknown[] }> }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.length }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Signs in with the keyboard: tab to the fields, type, press Enter. */
export async function signInWithKeyboard(page: Page, baseUrl: string, agent: TestAgent): Promise<void> {
  await page.goto(`${baseUrl}/instruction/`);
  await page.getByLabel('Adresse électronique').focus();
  await page.keyboard.type(agent.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(agent.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/instruction\/(\?.*)?$/);
}


export interface ReceivedMail {
  to: string[];
  data: string;
}

export interface LoopbackSmtp {
  port: number;
  /** Every message received, in order; `mails.length = 0` forgets them. */
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (no TLS, no authentication) that keeps what the product sends; on a free port, or on `port` (to start it again where it was). */
export async function startLoopbackSmtp(port = 0): Promise<LoopbackSmtp> {
  const mails: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((address) => address.address), data: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  const address = smtp.server.address() as AddressInfo;
  return { port: address.port, mails, close: () => new Promise<void>((resolve) => smtp.close(() => resolve())) };
}
