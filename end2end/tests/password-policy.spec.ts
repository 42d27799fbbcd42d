import { test, expect, freshName, hydrated, PASSWORD, screenshot } from "./helpers";

test("the strength meter scores while typing and a guessable password is refused", async ({ page }) => {
  await page.goto("/register");
  await hydrated(page);
  const name = freshName("meter");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Email").fill(`${name}@example.test`);
  await page.getByLabel("Password").fill("password1234");
  const meter = page.locator(".strength");
  await expect(meter).toContainText(/Strength: (Very weak|Weak|Fair)/);
  await expect(meter.locator(".strength-advice")).not.toBeEmpty();
  await screenshot(page, "register-weak-password");

  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("This password is too easy to guess.")).toBeVisible();
  await expect(page).toHaveURL("/register");

  await page.getByLabel("Password").fill(PASSWORD);
  await expect(meter).toContainText(/Strength: (Strong|Very strong)/);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/users\//);
});

test("a password field can be shown while typing and hidden again", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  const field = page.getByLabel("Password", { exact: true });
  await field.fill("typed secret");
  await expect(field).toHaveAttribute("type", "password");
  // One name that says what it does; whether it is on is its pressed state.
  const reveal = page.getByRole("button", { name: "Show password" });
  await expect(reveal).toHaveAttribute("aria-pressed", "false");
  await reveal.click();
  await expect(field).toHaveAttribute("type", "text");
  await expect(reveal).toHaveAttribute("aria-pressed", "true");
  await reveal.click();
  await expect(field).toHaveAttribute("type", "password");
  await expect(reveal).toHaveAttribute("aria-pressed", "false");
  await expect(field).toHaveValue("typed secret");
});

test("a refused submit focuses the first invalid field, and editing a field clears its error", async ({ page }) => {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Username").fill("no");
  await page.getByLabel("Email").fill("no@example.test");
  const password = page.getByLabel("Password", { exact: true });
  await password.fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  const username = page.getByLabel("Username");
  await expect(username).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(username).toBeFocused();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();

  // A strong password typed now: its old error goes at once, the other stays.
  await password.fill(PASSWORD);
  await expect(page.locator(".strength")).toContainText(/Strength: (Strong|Very strong)/);
  await expect(page.getByText("Use at least 12 characters.")).toHaveCount(0);
  await expect(password).not.toHaveAttribute("aria-invalid", "true");
  await expect(username).toHaveAttribute("aria-invalid", "true");
});
