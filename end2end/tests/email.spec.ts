import { test, expect, freshName, hydrated, registerThroughUi, screenshot } from "./helpers";
import type { Page } from "@playwright/test";

test("a new account confirms its address from the development mailbox, and the reminder goes", async ({ page }) => {
  const name = freshName("mail");
  await registerThroughUi(page, name);
  const reminder = page.getByText("Please confirm your email address");
  await expect(reminder).toBeVisible();
  await screenshot(page, "confirm-email-reminder");

  // "Send it again" answers in place.
  await page.getByRole("button", { name: "Send it again" }).click();
  await expect(page.getByRole("status")).toContainText("We sent the link again.");

  // No SMTP server in this run: the mail waits in the outbox, and the
  // development mailbox shows it with its link.
  await page.goto("/dev/mailbox");
  const mail = page.locator("article", { hasText: `${name}@example.test` }).first();
  await expect(mail).toContainText("Confirm your email address");
  await mail.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/verify\?token=[0-9a-f]{64}$/);
  await hydrated(page);
  await screenshot(page, "confirm-email");
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("Your email address is confirmed.");
  await expect(reminder).toHaveCount(0);

  // The link worked once.
  await page.goBack();
  await hydrated(page);
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.getByRole("alert")).toContainText("That link does not work");
});

test("a forgotten password is set anew from the mailed link, and the browser is signed in", async ({ page }) => {
  const name = freshName("forgot");
  const address = `${name}@example.test`;
  await registerThroughUi(page, name);
  await page.goto("/dev/mailbox");
  await page.locator("article", { hasText: address }).first().getByRole("link").first().click();
  await hydrated(page);
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.getByRole("status")).toContainText("Your email address is confirmed.");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();

  await page.goto("/login");
  await hydrated(page);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL("/reset");
  await page.getByLabel("Email").fill(address);
  await screenshot(page, "forgot-password");
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page).toHaveURL("/login");
  await expect(page.getByRole("status")).toContainText("If that address belongs to an account");

  await page.goto("/dev/mailbox");
  const mail = page.locator("article", { hasText: "Set a new password" }).filter({ hasText: address }).first();
  await mail.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/reset\/confirm\?token=[0-9a-f]{64}$/);
  await hydrated(page);
  // The page says what the account trusts besides its password: nothing here.
  await expect(page.getByText("Your account has no second factor")).toBeVisible();
  await page.getByLabel("New password").fill("another long passphrase to remember");
  await page.getByRole("button", { name: "Set the password" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("Your new password is set");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toBeVisible();
});

/** Opens the newest mail to `address` about `subject` in the development mailbox, and follows its first link. */
async function followMail(page: Page, address: string, subject: string) {
  await page.goto("/dev/mailbox");
  const mail = page.locator("article", { hasText: subject }).filter({ hasText: address }).first();
  await expect(mail).toBeVisible();
  await mail.getByRole("link").first().click();
  await hydrated(page);
}

async function registerConfirmed(page: Page, prefix: string): Promise<string> {
  const name = freshName(prefix);
  const address = `${name}@example.test`;
  await registerThroughUi(page, name);
  await followMail(page, address, "Confirm your email address");
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.getByRole("status")).toContainText("Your email address is confirmed.");
  return address;
}

test("a mailed link signs in without the password, once", async ({ page }) => {
  const address = await registerConfirmed(page, "magic");
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();

  await page.goto("/login");
  await hydrated(page);
  await page.getByRole("link", { name: "Email me a sign-in link" }).click();
  await expect(page).toHaveURL("/login/email");
  await page.getByLabel("Email").fill(address);
  await screenshot(page, "sign-in-by-email");
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page.getByRole("status")).toContainText("a sign-in link is on its way");

  await followMail(page, address, "Your sign-in link");
  await expect(page).toHaveURL(/\/login\/email\/confirm\?token=[0-9a-f]{64}$/);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("Welcome back");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toBeVisible();

  await page.goBack();
  await hydrated(page);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("That link does not work");
});

test("changing the address mails the new one a link and the old one a way back", async ({ page }) => {
  const old = await registerConfirmed(page, "mover");
  const fresh = `${freshName("moved")}@example.test`;
  await page.goto("/settings/email");
  await hydrated(page);
  await expect(page.getByText(`Mail goes to ${old} (confirmed).`)).toBeVisible();
  await page.getByLabel("Email").fill(fresh);
  await screenshot(page, "change-email");
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("status")).toContainText(`We sent a link to ${fresh}`);

  await followMail(page, fresh, "Confirm your new email address");
  await page.getByRole("button", { name: "Use this address" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText(`Your email address is now ${fresh}.`);

  await page.goto("/dev/mailbox");
  const notice = page.locator("article", { hasText: "Your email address was changed" }).filter({ hasText: old }).first();
  await expect(notice).toContainText(fresh);
  await notice.screenshot({ path: "screenshots/mail-address-changed.png" });
  await notice.getByRole("link").first().click();
  await hydrated(page);
  await page.getByRole("button", { name: "Undo the change" }).click();
  await expect(page).toHaveURL("/reset");
  await expect(page.getByRole("status")).toContainText(`${old} is your address again`);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();
});
