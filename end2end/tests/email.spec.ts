import { test, expect, freshName, hydrated, registerThroughUi, screenshot } from "./helpers";

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
  await page.getByLabel("New password").fill("another long passphrase to remember");
  await page.getByRole("button", { name: "Set the password" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("Your new password is set");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toBeVisible();
});
