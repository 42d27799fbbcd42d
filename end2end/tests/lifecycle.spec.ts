import { test, expect, freshName, hydrated, logInThroughUi, registerThroughUi, rememberedOnlyPage, screenshot, PASSWORD } from "./helpers";

test("a remembered browser confirms the password before sensitive actions, then carries on", async ({ page, browser }) => {
  const name = freshName("sudo");
  await registerThroughUi(page, name); // a second device, signed in with the password

  // A browser signed in only by its remember cookie has not given the password.
  const { context, tab } = await rememberedOnlyPage(browser, name);

  // Asked before the click: no sign-out button until the password is given.
  await tab.goto("/settings/devices");
  await hydrated(tab);
  await expect(tab.getByText("Signing a device out needs your password.")).toBeVisible();
  await expect(tab.getByRole("button", { name: /Sign out/ })).toHaveCount(0);
  await tab.getByRole("link", { name: "Confirm your password" }).click();
  await expect(tab).toHaveURL("/settings/confirm?next=/settings/devices");
  await hydrated(tab);
  await tab.getByLabel("Password").fill("not my password at all");
  await tab.getByRole("button", { name: "Confirm" }).click();
  await expect(tab.getByText("That is not your password.")).toBeVisible();
  await expect(tab.getByRole("link", { name: "Cancel" })).toHaveAttribute("href", "/settings/profile");
  await screenshot(tab, "confirm-password");
  await tab.getByLabel("Password").fill(PASSWORD);
  await tab.getByRole("button", { name: "Confirm" }).click();

  // Back where it was; now the action goes through.
  await expect(tab).toHaveURL("/settings/devices");
  await tab.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(tab.getByRole("status")).toContainText("1 other device has been signed out.");

  // Within the ten minutes, the username page opens without asking again.
  await tab.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Username" }).click();
  await expect(tab).toHaveURL("/settings/username");
  const renamed = `${name}-new`;
  await tab.getByLabel("New username").fill(renamed);
  await tab.getByRole("button", { name: "Change username" }).click();
  await expect(tab).toHaveURL(`/users/${renamed}`);
  await expect(tab.getByRole("status")).toContainText(`Your username is now ${renamed}.`);
  await expect(tab.getByRole("navigation", { name: "Main" })).toContainText(renamed);
  await context.close();
});

test("a fresh visit to the username page asks for the password first and comes back", async ({ page, browser }) => {
  const name = freshName("ask");
  await registerThroughUi(page, name);
  const { context, tab } = await rememberedOnlyPage(browser, name);

  await tab.goto("/settings/username");
  await expect(tab).toHaveURL("/settings/confirm?next=/settings/username");
  await hydrated(tab);
  await tab.getByLabel("Password").fill(PASSWORD);
  await tab.getByRole("button", { name: "Confirm" }).click();
  await expect(tab).toHaveURL("/settings/username");
  await expect(tab.getByRole("heading", { name: "Change your username" })).toBeVisible();
  await context.close();
});

test("deleting the account needs the username typed and the password, and ends anonymous on the home page", async ({ page }) => {
  const name = freshName("bye");
  await registerThroughUi(page, name);
  await page.goto("/settings/delete");
  await hydrated(page);
  await page.getByLabel("Your username").fill("someone-else");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText("Type your username")).toBeVisible();
  await expect(page.getByLabel("Your username")).toBeFocused();

  await page.getByLabel("Your username").fill(name);
  await page.getByLabel("Password").fill("not my password at all");
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText("That is not your password.")).toBeVisible();
  await screenshot(page, "delete-account");

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("has been deleted");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();
  await page.goto(`/users/${name}`);
  await expect(page.getByRole("heading", { name: "User not found" })).toBeVisible();
});

test("activity starts with the account's creation and reads times as how long ago", async ({ page }) => {
  const name = freshName("when");
  await registerThroughUi(page, name);
  await page.goto("/settings/activity");
  await hydrated(page);
  const entries = page.getByRole("list", { name: "Activity" }).getByRole("listitem");
  await expect(entries.last()).toContainText("Account created");
  const time = entries.first().locator("time");
  await expect(time).toHaveText("just now");
  await expect(time).toHaveAttribute("title", /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  await expect(time).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
});

test("a form sent after the session ended keeps what was typed through the sign-in", async ({ page, browser }) => {
  const name = freshName("draft");
  await registerThroughUi(page, name);
  await page.goto("/settings/profile");
  await hydrated(page);
  await page.getByLabel("Display name").fill("Typed Before The End");
  await page.getByLabel("Bio").fill("A bio that took a while to write.");

  // Meanwhile this device is signed out from another one.
  const other = await browser.newContext();
  const tab = await other.newPage();
  await logInThroughUi(tab, name);
  await tab.goto("/settings/devices");
  await hydrated(tab);
  await tab.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(tab.getByRole("status")).toContainText("signed out");
  await other.close();

  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page).toHaveURL("/login?next=/settings/profile&why=ended");
  await expect(page.getByRole("status")).toContainText("Your session has ended");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/settings/profile");
  await expect(page.getByLabel("Display name")).toHaveValue("Typed Before The End");
  await expect(page.getByLabel("Bio")).toHaveValue("A bio that took a while to write.");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page).toHaveURL(`/users/${name}`);
  await expect(page.getByRole("heading", { name: "Typed Before The End" })).toBeVisible();
});
