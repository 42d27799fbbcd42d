import { test, expect, PASSWORD, freshName, hydrated, logInThroughUi, registerOverApi, registerThroughUi, screenshot } from "./helpers";

test("register, see your name in the nav, reload and stay logged in, then log out", async ({ page }) => {
  const name = freshName("reg");
  await page.goto("/");
  await hydrated(page);
  await screenshot(page, "home-anonymous");
  await page.getByRole("link", { name: "Register" }).first().click();
  await expect(page).toHaveURL("/register");
  await hydrated(page);

  // Inline errors first: a bad name and a short password.
  await page.getByLabel("Username").fill("no spaces allowed");
  await page.getByLabel("Email").fill(`${name}@example.test`);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Usernames may use letters, digits")).toBeVisible();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(page.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "register-errors");

  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(`/users/${name}`);
  await expect(page.getByRole("status")).toContainText(`Welcome, ${name}`);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name })).toBeVisible();

  await page.reload();
  await hydrated(page);
  await expect(nav.getByRole("link", { name })).toBeVisible();
  await expect(page.getByRole("status")).toHaveCount(0);

  await nav.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("You have been logged out.");
  await expect(nav.getByRole("link", { name: "Log in" })).toBeVisible();
  await expect(nav.getByRole("link", { name })).toHaveCount(0);
});

test("a login-required page sends you to log in and back again", async ({ page, request }) => {
  const name = freshName("next");
  await registerOverApi(request, name);

  await page.goto("/settings/profile");
  await expect(page).toHaveURL("/login?next=/settings/profile&why=needed");
  await expect(page.getByRole("status")).toContainText("Please log in to see that page.");
  await hydrated(page);
  await screenshot(page, "login");

  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill("wrong password entirely");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid username or password" })).toBeVisible();

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/settings/profile");
  await expect(page.getByRole("heading", { name: "Edit your profile" })).toBeVisible();
});

test("edit your profile and see it on the public page", async ({ page, browser }) => {
  const name = freshName("edit");
  await registerThroughUi(page, name);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL("/settings/profile");
  await hydrated(page);

  await page.getByLabel("Display name").fill("Ada Lovelace");
  await page.getByLabel("Bio").fill("First programmer.\nCounts with cards.");
  await page.getByLabel("Location").fill("London");
  await screenshot(page, "edit-profile");
  await page.getByRole("button", { name: "Save profile" }).click();

  await expect(page).toHaveURL(`/users/${name}`);
  await expect(page.getByRole("status")).toContainText("Your profile has been saved.");
  await expect(page.getByRole("heading", { name: "Ada Lovelace" })).toBeVisible();
  // The nav follows the edit at once, without a reload.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ada Lovelace" })).toBeVisible();
  await screenshot(page, "profile");

  // A stranger sees the same public page.
  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  await other.goto(`/users/${name}`);
  await expect(other.getByRole("heading", { name: "Ada Lovelace" })).toBeVisible();
  await expect(other.getByText("Counts with cards.")).toBeVisible();
  await expect(other.getByRole("link", { name: "Edit profile" })).toHaveCount(0);
  await stranger.close();

  await page.goto("/");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Hello, Ada Lovelace" })).toBeVisible();
  await screenshot(page, "home-signed-in");
});

test("on first page load no separate request for the current user is made", async ({ page }) => {
  const name = freshName("once");
  await registerThroughUi(page, name);
  const calls: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/current_user")) calls.push(r.url());
  });
  await page.goto("/");
  await hydrated(page);
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { name: `Hello, ${name}` })).toBeVisible();
  expect(calls).toEqual([]);

  // The listener does see the request when one is due: logging out refetches.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("link", { name: "Log in" }).first()).toBeVisible();
  expect(calls.length).toBeGreaterThan(0);
});

test("a phone-width screen and dark mode both work", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, colorScheme: "dark" });
  const page = await context.newPage();
  await page.goto("/register");
  await hydrated(page);
  const box = await page.getByRole("button", { name: "Create account" }).boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 375).toBeTruthy();
  await screenshot(page, "register-phone-dark");
  await context.close();
});

test("unknown pages and users say so with a way home", async ({ page }) => {
  const response = await page.goto("/users/nobody-by-this-name");
  expect(response?.status()).toBe(404);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "User not found" })).toBeVisible();
  const missing = await page.goto("/no/such/page");
  expect(missing?.status()).toBe(404);
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Go to the home page" })).toBeVisible();
  await screenshot(page, "not-found");
});

test("two browsers as two devices: both listed, one signs the other out", async ({ page, browser }) => {
  const name = freshName("dev");
  await registerThroughUi(page, name);

  const laptopContext = await browser.newContext();
  const laptop = await laptopContext.newPage();
  await logInThroughUi(laptop, name);

  await page.goto("/settings/devices");
  await hydrated(page);
  const list = page.getByRole("list", { name: "Devices" });
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await expect(list.getByText("This device")).toHaveCount(1);
  // When each sign-in ends if unused, read as how soon.
  await expect(list.getByRole("listitem").first()).toContainText(/if unused, ends in (29|30) minutes/);
  await screenshot(page, "devices");

  await list.getByRole("button", { name: /^Sign out / }).click();
  await expect(page.getByRole("status")).toContainText("That device has been signed out.");
  await expect(list.getByRole("listitem")).toHaveCount(1);

  // The laptop is anonymous at its next request, and this browser is not.
  await laptop.goto("/settings/profile");
  await expect(laptop).toHaveURL("/login?next=/settings/profile&why=elsewhere");
  await expect(laptop.getByRole("status")).toContainText("This device was signed out from another device.");
  await page.reload();
  await expect(page.getByRole("heading", { name: "Where you're signed in" })).toBeVisible();
  await laptopContext.close();

  // The account's activity tells the story, newest first.
  await page.getByRole("link", { name: "Activity" }).click();
  await expect(page).toHaveURL("/settings/activity");
  const events = page.getByRole("list", { name: "Activity" }).getByRole("listitem");
  await expect(events.first()).toContainText("A device was signed out");
  await expect(events.last()).toContainText("Account created");
  await expect(events).toHaveCount(4);
  await screenshot(page, "activity");
});

test("remember me survives closing the browser, with only its own cookie kept", async ({ page, browser }) => {
  const name = freshName("rem");
  await registerThroughUi(page, name);
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/");

  const first = await browser.newContext();
  const before = await first.newPage();
  await logInThroughUi(before, name, { remember: true });
  const remember = (await first.cookies()).filter((c) => c.name === "latchkey_remember");
  expect(remember).toHaveLength(1);
  expect(remember[0].httpOnly).toBe(true);
  expect(remember[0].expires).toBeGreaterThan(Date.now() / 1000 + 29 * 24 * 3600);
  await first.close();

  // A new browser session: the session cookie is gone, the remember cookie stays.
  const second = await browser.newContext();
  await second.addCookies(remember);
  const after = await second.newPage();
  await after.goto("/settings/profile");
  await expect(after).toHaveURL("/settings/profile");
  await expect(after.getByRole("heading", { name: "Edit your profile" })).toBeVisible();
  const rotated = (await second.cookies()).find((c) => c.name === "latchkey_remember");
  expect(rotated?.value).not.toBe(remember[0].value);
  await after.goto("/settings/devices");
  await expect(after.getByText("Remembered").first()).toBeVisible();
  await second.close();
});

test("changing the password signs the other browser out", async ({ page, browser }) => {
  const name = freshName("pw");
  await registerThroughUi(page, name);
  const other = await browser.newContext();
  const laptop = await other.newPage();
  await logInThroughUi(laptop, name);

  await page.goto("/settings/password");
  await hydrated(page);
  await page.getByLabel("Current password").fill("not my password at all");
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await screenshot(page, "password");

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL("/settings/devices");
  await expect(page.getByRole("status")).toContainText("your other device has been signed out");
  await expect(page.getByRole("list", { name: "Devices" }).getByRole("listitem")).toHaveCount(1);

  await laptop.goto("/settings/profile");
  await expect(laptop).toHaveURL("/login?next=/settings/profile&why=elsewhere");
  await other.close();
});

test("the 404 page keeps a signed-in visitor signed in", async ({ page }) => {
  const name = freshName("lost");
  await registerThroughUi(page, name);
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await hydrated(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("button", { name: "Log out" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Log in" })).toHaveCount(0);
});
