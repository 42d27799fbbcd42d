import { test, expect, freshName, hydrated, PASSWORD, screenshot } from "./helpers";

test("the strength meter scores while typing and a guessable password is refused", async ({ page }) => {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("Username").fill(freshName("meter"));
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
  const field = page.getByLabel("Password");
  await field.fill("typed secret");
  await expect(field).toHaveAttribute("type", "password");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(field).toHaveAttribute("type", "text");
  await expect(page.getByRole("button", { name: "Hide" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Hide" }).click();
  await expect(field).toHaveAttribute("type", "password");
  await expect(field).toHaveValue("typed secret");
});
