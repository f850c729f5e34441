import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Just-in-time approval end to end: the real `airlock serve` (local state machine, console mail,
 * approval pages, dev sign-in), the official openai client as the requester, `airlock wait` as a
 * CI job would run it, and approvers in headless Chromium.
 */
describe('just-in-time approval through the local runtime, approvers in a real browser', () => {
  let gateway: GatewayProcess;
  let browser: Browser;
  let alice: OpenAI;
  let aliceToken: string;
  let baseUrl: string;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([
      startGatewayProcess(),
      chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true }),
    ]);
    baseUrl = gateway.apiBaseUrl.replace(/\/v1$/, '');
    aliceToken = await gateway.token('alice', ['llm-users']);
    alice = new OpenAI({ baseURL: gateway.apiBaseUrl, apiKey: aliceToken, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  const dangerousPrompt = () => ({
    model: 'echo',
    messages: [{ role: 'user' as const, content: `Connect to prod and run DROP DATABASE customers; ticket ${randomUUID()}` }],
  });

  /** Sends the prompt with the openai client and returns the held request (the SDK raises the 403). */
  async function holdPrompt(body: ReturnType<typeof dangerousPrompt>): Promise<{ id: string; statusUrl: string; link: string }> {
    const error = await alice.chat.completions.create(body).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const apiError = error as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(apiError.code).toBe('approval_pending');
    const details = apiError.error as { request_id: string; status_url: string };
    return { id: details.request_id, statusUrl: details.status_url, link: await mailedLink(details.request_id) };
  }

  async function mailedLink(id: string): Promise<string> {
    const pattern = new RegExp(`(http://\\S+/approvals/${id}\\?exp=\\d+&sig=[A-Za-z0-9_-]+)`);
    for (let i = 0; i < 100; i++) {
      const m = pattern.exec(gateway.output());
      if (m) return m[1]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no approval mail for ${id} in the console output`);
  }

  async function requestStatus(id: string): Promise<string> {
    const res = await fetch(`${baseUrl}/v1/airlock/requests/${id}`, { headers: { authorization: `Bearer ${aliceToken}` } });
    return ((await res.json()) as { status: string }).status;
  }

  /** A fresh browser profile that opens the link and signs in through the dev issuer's page. */
  async function signedIn(link: string, sub: string, groups: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.fill('#sub', sub);
    await page.fill('#groups', groups);
    await Promise.all([page.waitForURL(/\/approvals\//), page.getByRole('button', { name: 'Sign in' }).click()]);
    return { context, page };
  }

  it('holds, shows, refuses the wrong people, takes the approval once, and answers the waiting requester and a re-send', async () => {
    const prompt = dangerousPrompt();
    const { id, statusUrl, link } = await holdPrompt(prompt);
    expect(statusUrl).toBe(`${baseUrl}/v1/airlock/requests/${id}`);

    // A mail scanner (or anyone) opening the link: a sign-in page, no details, no state change.
    const anonymous = await browser.newContext();
    const scanner = await anonymous.newPage();
    const scanned = await scanner.goto(link);
    expect(scanned?.status()).toBe(401);
    expect(await scanner.textContent('body')).not.toContain('DROP DATABASE');
    expect(await requestStatus(id)).toBe('pending');

    // A forwarded link, opened by a signed-in user who is not an approver.
    const bob = await signedIn(link, 'bob', 'llm-users');
    expect(await bob.page.textContent('h1')).toBe('Not an approver');
    expect(await bob.page.textContent('body')).not.toContain('DROP DATABASE');

    // The requester signing in as an approver cannot approve their own request.
    const self = await signedIn(link, 'alice', 'approvers,llm-users');
    expect(await self.page.textContent('h1')).toBe('Not your own request');

    // The approver sees who asks and why; looking changes nothing.
    const carol = await signedIn(link, 'carol', 'approvers');
    expect(await carol.page.textContent('h1')).toBe('A prompt needs your approval');
    const review = await carol.page.textContent('body');
    expect(review).toMatch(/Requested by\s*alice\b/);
    expect(review).toContain('dangerous command: DROP DATABASE in the prompt');
    expect(review).toContain('DROP DATABASE customers');
    expect(await requestStatus(id)).toBe('pending');
    const secondTab = await carol.context.newPage();
    await secondTab.goto(link);

    // The requester's CI job waits; the approver approves.
    const waiting = gateway.cli(['wait', id], { AIRLOCK_URL: baseUrl, AIRLOCK_TOKEN: aliceToken });
    await carol.page.fill('#reason', 'maintenance window');
    await Promise.all([carol.page.waitForLoadState(), carol.page.getByRole('button', { name: 'Approve' }).click()]);
    expect(await carol.page.textContent('h1')).toBe('Approved');

    const waited = await waiting;
    // Code and stderr together, so a failure shows what the CLI said.
    expect({ code: waited.code, stderr: waited.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('Approved by carol') });
    expect(waited.stdout.trim()).toBe(`Echo: ${prompt.messages[0]!.content}`);

    // A second click, from a page opened before the decision.
    await secondTab.getByRole('button', { name: 'Deny' }).click();
    await secondTab.waitForLoadState();
    expect(await secondTab.textContent('h1')).toBe('Already decided');
    expect(await secondTab.textContent('body')).toContain('already approved by carol');

    // The same request, re-sent by the same caller, gets the approved answer without a new approval.
    const resent = await alice.chat.completions.create(prompt);
    expect(resent.choices[0]?.message.content).toBe(`Echo: ${prompt.messages[0]!.content}`);
    expect(await requestStatus(id)).toBe('completed');

    await Promise.all([anonymous.close(), bob.context.close(), self.context.close(), carol.context.close()]);
  }, 60_000);

  it('a denied request stays denied, for the waiting job and for a re-send', async () => {
    const prompt = dangerousPrompt();
    const { id, link } = await holdPrompt(prompt);
    const dave = await signedIn(link, 'dave', 'approvers');

    const waiting = gateway.cli(['wait', id, '--url', baseUrl, '--token', aliceToken]);
    await Promise.all([dave.page.waitForLoadState(), dave.page.getByRole('button', { name: 'Deny' }).click()]);
    const waited = await waiting;

    expect(await dave.page.textContent('h1')).toBe('Denied');
    expect({ code: waited.code, stderr: waited.stderr }).toEqual({ code: 3, stderr: expect.stringContaining('Denied by dave') });
    await expect(alice.chat.completions.create(prompt)).rejects.toMatchObject({ status: 403, code: 'approval_denied' });
    const item = await gateway.session((await sessionIdOf(id))!);
    expect(item).toMatchObject({ status: 'denied', decision: 'review', approval: { decision: 'denied', approver: 'dave' } });
    await dave.context.close();
  }, 60_000);

  async function sessionIdOf(id: string): Promise<string | undefined> {
    const res = await fetch(`${baseUrl}/v1/airlock/requests/${id}`, { headers: { authorization: `Bearer ${aliceToken}` } });
    return ((await res.json()) as { session_id?: string }).session_id;
  }
});
