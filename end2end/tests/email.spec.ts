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
