import { test, expect, PASSWORD, freshName, registerOverApi, screenshot, totp } from "./helpers";

test.use({ javaScriptEnabled: false });

test("log in, edit the profile and log out with JavaScript disabled", async ({ page, request }) => {
  const name = freshName("nojs");
  await registerOverApi(request, name);

  await page.goto("/login?next=/settings/profile");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill("not the password!");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid username or password" })).toBeVisible();
  // The name typed is kept, the password is not; a second failure does not
  // grow the address.
  await expect(page.getByLabel("Username")).toHaveValue(name);
  await expect(page.getByLabel("Password")).toHaveValue("");
  const first = page.url();
  await page.getByLabel("Password").fill("still not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid username or password" })).toBeVisible();
  expect(page.url().length).toBe(first.length);
  // Controls that need JavaScript are not offered without it.
  await expect(page.getByRole("button", { name: "Show password" })).toHaveCount(0);

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/settings/profile");
  await expect(page.getByRole("status")).toContainText("Welcome back");

  await page.getByLabel("Display name").fill("No Script");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page).toHaveURL(`/users/${name}`);
  await expect(page.getByRole("heading", { name: "No Script" })).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("You have been logged out.");
});

test("register with JavaScript disabled, errors included", async ({ page }) => {
  const name = freshName("nojsreg");
  await page.goto("/register");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Email").fill(`${name}@example.test`);
  await page.getByLabel("Password").fill("too short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(page.getByLabel("Username")).toHaveValue(name);

  // Every field's error comes back in one answer.
  await page.getByLabel("Username").fill("x");
  await page.getByLabel("Email").fill(`${name}@example.test`);
  await page.getByLabel("Password").fill("too short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(page.locator("#username-error")).not.toBeEmpty();

  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Email").fill(`${name}@example.test`);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(`/users/${name}`);
  await expect(page.getByRole("status")).toContainText(`Welcome, ${name}`);
  await screenshot(page, "register-no-javascript");
});

test("an authenticator app and a recovery code work with JavaScript disabled", async ({ page, request }) => {
  const name = freshName("nojs2fa");
  await registerOverApi(request, name);
  await page.goto("/login?next=/settings/security");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/settings/security");
  // Passkeys are made by the browser's JavaScript: the page says so, and
  // offers no button that would do nothing.
  await expect(page.getByText("Passkeys need JavaScript")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add a passkey" })).toHaveCount(0);

  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page).toHaveURL(/\/settings\/security\??$/);
  const secret = (await page.locator("code.secret").textContent()) ?? "";
  await page.getByLabel("Code", { exact: true }).fill("000000");
  await page.getByRole("button", { name: "Turn it on" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "That code is not right" })).toBeVisible();
  await page.getByLabel("Code", { exact: true }).fill(totp(secret));
  await page.getByRole("button", { name: "Turn it on" }).click();
  const codes = page.getByRole("list", { name: "Recovery codes" }).locator("code");
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.last().textContent()) ?? "";

  await page.getByRole("button", { name: "Log out" }).click();
  await page.goto("/login");
  await expect(page.getByText("Passkeys need JavaScript")).toBeVisible();
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/login/factor");
  await page.getByLabel("Code", { exact: true }).fill(recovery);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("Welcome back");
});
