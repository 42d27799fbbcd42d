import { createHmac } from "node:crypto";
import { test as base, expect, type Browser, type BrowserContext, type Page, type APIRequestContext } from "@playwright/test";

/**
 * Playwright's `test`, failing any test whose page logs an error or throws: a
 * hydration mismatch panics the wasm but leaves the server-rendered page looking
 * fine, so only the console tells.
 */
export const test = base.extend<{ browserErrors: string[] }>({
  browserErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        // A 4xx answer to a server function is an expected outcome, not a fault.
        if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
      });
      await use(errors);
      expect(errors, "the browser reported errors").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export const PASSWORD = "correct horse battery staple";

/** A username no other test uses. */
export function freshName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** Waits until the wasm app has hydrated the page. */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

/** Registers through the UI and waits for the profile page. */
export async function registerThroughUi(page: Page, name: string, password = PASSWORD): Promise<void> {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Email").fill(`${name}@example.test`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(`/users/${name}`);
}

/** Sets up an authenticator app on the security page (the browser is in
 * sudo mode, as registering leaves it) and answers its secret. */
export async function setUpAuthenticator(page: Page): Promise<string> {
  await page.goto("/settings/security");
  await hydrated(page);
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.locator("code.secret").textContent()) ?? "";
  await page.getByLabel("Code", { exact: true }).fill(totp(secret));
  await page.getByRole("button", { name: "Turn it on" }).click();
  await expect(page.getByText("Every sign-in asks for a code")).toBeVisible();
  return secret;
}

/** Logs in through the login form (optionally ticking "Remember me") and waits for the home page. */
export async function logInThroughUi(page: Page, name: string, options: { remember?: boolean } = {}): Promise<void> {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  if (options.remember) await page.getByLabel("Remember me on this device").check();
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/");
}

/**
 * A new browser window that kept only `name`'s remember-me cookie: signed in by
 * it, never by the password (so sensitive actions ask for the password).
 */
export async function rememberedOnlyPage(browser: Browser, name: string): Promise<{ context: BrowserContext; tab: Page }> {
  const first = await browser.newContext();
  await logInThroughUi(await first.newPage(), name, { remember: true });
  const remember = (await first.cookies()).filter((c) => c.name === "latchkey_remember");
  await first.close();
  const context = await browser.newContext();
  await context.addCookies(remember);
  return { context, tab: await context.newPage() };
}

/**
 * Creates an account over the API, outside any browser context. It sends the
 * site's own Origin, as a browser does: the server refuses state-changing
 * requests without one.
 */
export async function registerOverApi(request: APIRequestContext, name: string): Promise<void> {
  const origin = test.info().project.use.baseURL ?? "";
  const response = await request.post("/api/register", {
    form: { username: name, email: `${name}@example.test`, password: PASSWORD },
    headers: { Origin: origin },
  });
  expect(response.status()).toBe(200);
}

/** Logs out with the nav's button and waits until the nav offers "Log in". */
export async function logOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();
}

/** Saves a screenshot for the README. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/** RFC 4648 base32, as the security page shows the secret. */
function base32(text: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/\s/g, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The code an authenticator app shows `stepsAhead` steps from now (RFC 6238, SHA-1, 6 digits). */
export function totp(secret: string, stepsAhead = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + stepsAhead));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const at = mac[mac.length - 1] & 15;
  const n = ((mac[at] & 0x7f) << 24) | (mac[at + 1] << 16) | (mac[at + 2] << 8) | mac[at + 3];
  return String(n % 1_000_000).padStart(6, "0");
}
