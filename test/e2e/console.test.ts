import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Screenshots for a person to look at (CI keeps them as artifacts); never committed (.gitignore). */
const SHOTS = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'test-artifacts/console');

/**
 * The console end to end: the real `airlock serve`, requests sent with the official openai client,
 * approvers, auditors and others in headless Chromium signing in through the dev sign-in page.
 */
describe('the console, driven in a real browser as each role', () => {
  let gateway: GatewayProcess;
  let browser: Browser;
  let alice: OpenAI;
  let baseUrl: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([
      startGatewayProcess(),
      chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true }),
      mkdir(SHOTS, { recursive: true }),
    ]).then(([g, b]) => [g, b] as const);
    baseUrl = gateway.apiBaseUrl.replace(/\/v1$/, '');
    alice = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: await gateway.token('alice', ['llm-users']), maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await gateway?.stop();
  });

  /** A ~9,500-character conversation whose triggering sentence sits far past the first 4,000 characters. */
  function longConversation(marker: string) {
    const filler = (topic: string, n: number) => Array.from({ length: n }, (_, i) => `${topic} note ${i}: the staging cluster looks healthy and the dashboards are green.`).join(' ');
    return {
      model: 'echo',
      messages: [
        { role: 'system' as const, content: 'You are an infrastructure assistant.' },
        { role: 'user' as const, content: filler('Morning', 40) },
        { role: 'assistant' as const, content: filler('Reply', 30) },
        { role: 'user' as const, content: `${filler('Later', 20)} Then run terraform destroy -auto-approve in the prod workspace to save costs. Ticket ${marker}.` },
      ],
    };
  }

  async function hold(body: ReturnType<typeof longConversation>): Promise<string> {
    const error = await alice.chat.completions.create(body).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    return ((error as InstanceType<typeof OpenAI.PermissionDeniedError>).error as { request_id: string }).request_id;
  }

  async function requestStatus(id: string): Promise<string> {
    const res = await fetch(`${baseUrl}/v1/airlock/requests/${id}`, { headers: { authorization: `Bearer ${alice.apiKey}` } });
    return ((await res.json()) as { status: string }).status;
  }

  /** The request's status once the workflow has moved it past `approved` (the approved call runs after the decision). */
  async function statusOnceSettled(id: string): Promise<string> {
    let status = await requestStatus(id);
    for (let i = 0; i < 200 && (status === 'pending' || status === 'approved'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await requestStatus(id);
    }
    return status;
  }

  /** A fresh browser profile that opens the console and signs in through the dev issuer's page. */
  async function consoleAs(sub: string, groups: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const first = await page.goto(`${baseUrl}/console`);
    expect(first?.status()).toBe(401);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.fill('#sub', sub);
    await page.fill('#groups', groups);
    await Promise.all([page.waitForURL(/\/console$/), page.getByRole('button', { name: 'Sign in' }).click()]);
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('an approver finds the held request in the inbox, sees the trigger deep in a long conversation, and decides it', async () => {
    const marker = randomUUID();
    const body = longConversation(marker);
    expect(JSON.stringify(body.messages).indexOf('terraform destroy')).toBeGreaterThan(4000);
    const id = await hold(body);

    const carol = await consoleAs('carol', 'approvers');
    expect(await carol.textContent('h1')).toBe('Approvals inbox');
    const row = carol.locator('tr', { hasText: 'alice' }).first();
    await expect(row.textContent()).resolves.toContain('dangerous command: terraform destroy');
    await carol.locator('[data-deadline]').first().filter({ hasText: /s left$/ }).waitFor();
    await shot(carol, 'approver-inbox');

    await Promise.all([carol.waitForURL(/\/approvals\//), row.getByRole('link', { name: 'Review' }).click()]);
    expect(await carol.textContent('h1')).toBe('A prompt needs your approval');
    expect(await carol.locator('mark').allTextContents()).toContain('terraform destroy -auto-approve');
    expect(await carol.locator('.excerpt').first().textContent()).toContain('in the prod workspace to save costs');
    expect(await carol.locator('details').first().textContent()).toContain('Reply note 0');
    expect(await carol.locator('pre').nth(1).textContent()).toContain(`Ticket ${marker}.`);
    await shot(carol, 'decision-page-long-conversation');

    // The collapsed rest links to the whole masked request, behind the same signed link and sign-in.
    await Promise.all([carol.waitForURL(/\/transcript\?/), carol.getByRole('link', { name: 'full masked transcript' }).click()]);
    expect(await carol.textContent('h1')).toBe('Full masked transcript');
    expect(await carol.textContent('pre')).toContain('Morning note 0');
    await shot(carol, 'decision-page-full-transcript');
    await Promise.all([carol.waitForURL(/\/approvals\/[^/]+\?exp=/), carol.getByRole('link', { name: 'Back to the decision' }).click()]);

    await carol.fill('#reason', 'cost cleanup agreed');
    await Promise.all([carol.waitForLoadState(), carol.getByRole('button', { name: 'Approve' }).click()]);
    expect(await carol.textContent('h1')).toBe('Approved');
    expect(await statusOnceSettled(id)).toBe('completed');

    await carol.goto(`${baseUrl}/console`);
    expect(await carol.locator('section', { hasText: 'Waiting for your decision' }).textContent()).not.toContain(marker);
    expect(await carol.locator('section', { hasText: 'Recent decisions' }).textContent()).toContain('cost cleanup agreed');
    await shot(carol, 'approver-inbox-after-decision');
  }, 90_000);

  it('shows a held request to no one but the approvers who may decide it', async () => {
    const marker = randomUUID();
    await hold(longConversation(marker));

    const bob = await consoleAs('bob', 'llm-users');
    expect(await bob.textContent('h1')).toBe('Nothing to show');
    expect(await bob.textContent('body')).not.toContain('terraform');
    await shot(bob, 'non-approver');
    const forbidden = await bob.goto(`${baseUrl}/console/sessions`);
    expect(forbidden?.status()).toBe(403);

    // The requester, even in the approvers group, does not get their own request to decide.
    const self = await consoleAs('alice', 'approvers,llm-users');
    expect(await self.textContent('body')).not.toContain('dangerous command: terraform destroy');

    const dave = await consoleAs('dave', 'approvers');
    expect(await dave.textContent('body')).toContain('dangerous command: terraform destroy');
  }, 60_000);

  it('an auditor searches, opens a session, sees its integrity and replays it in the page', async () => {
    const question = `Summarise the incident ${randomUUID()}`;
    const { response } = await alice.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: question }] }).withResponse();
    const sessionId = response.headers.get('x-airlock-session-id')!;
    await gateway.settledSession(sessionId);

    const erin = await consoleAs('erin', 'auditors');
    await Promise.all([erin.waitForURL(/\/console\/sessions/), erin.getByRole('link', { name: 'Sessions' }).click()]);
    await erin.fill('#f-principal', 'alice');
    await erin.selectOption('#f-decision', 'allow');
    await Promise.all([erin.waitForURL(/principal=alice/), erin.getByRole('button', { name: 'Search' }).click()]);
    await shot(erin, 'auditor-search');
    await Promise.all([erin.waitForURL(new RegExp(`/console/sessions/${sessionId}$`)), erin.locator(`a[href$="/console/sessions/${sessionId}"]`).click()]);

    expect(await erin.textContent('#integrity')).toBe('verified');
    expect(await erin.locator('time').first().getAttribute('title')).toMatch(/ UTC$/);
    expect(await erin.textContent('body')).toContain(question);
    await erin.getByRole('button', { name: 'Replay' }).click();
    await erin.locator('#replay-status', { hasText: 'Replay finished' }).waitFor({ timeout: 20_000 });
    expect(await erin.textContent('#replay-output')).toBe(`Echo: ${question}`);
    await shot(erin, 'auditor-session-replayed');
  }, 60_000);

  it('signs out and switches user by clearing the sign-in', async () => {
    const frank = await consoleAs('frank', 'approvers');
    await Promise.all([frank.waitForURL(/\/console$/), frank.getByRole('button', { name: 'Sign out' }).click()]);
    expect(await frank.textContent('h1')).toBe('Sign in to the console');
    await shot(frank, 'signed-out');
    const again = await frank.goto(`${baseUrl}/console`);
    expect(again?.status()).toBe(401);

    const grace = await consoleAs('grace', 'auditors');
    await Promise.all([grace.waitForURL(/\/dev\/login/), grace.getByRole('button', { name: 'Switch user' }).click()]);
    await grace.fill('#sub', 'heidi');
    await grace.fill('#groups', 'approvers');
    await Promise.all([grace.waitForURL(/\/console$/), grace.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await grace.textContent('nav')).toContain('Signed in as heidi');
    await shot(grace, 'switched-user');
  }, 60_000);
});
