import { execFileSync } from "node:child_process";
import { test, expect, freshName, hydrated, logOut, PASSWORD, registerOverApi, registerThroughUi, screenshot, setUpAuthenticator } from "./helpers";

/** `server admin ARGS`, as the operator runs it on the suite's database. */
function adminCommand(...args: string[]): string {
  return execFileSync(process.env.E2E_SERVER ?? "../target/debug/server", ["admin", ...args], {
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: `sqlite://${process.env.LATCHKEY_E2E_DATABASE}`, RUST_LOG: "warn" },
  }).toString();
}

test("an admin finds a user, signs them out and locks them; the user is told why", async ({ page, browser, request }) => {
  const target = freshName("target");
  await registerOverApi(request, target);
  const admin = freshName("admin");
  await registerThroughUi(page, admin);
  // The console asks admins for a second factor.
  await setUpAuthenticator(page);
  expect(adminCommand("grant", admin)).toContain("is now an administrator");

  // The user is signed in elsewhere.
  const other = await browser.newContext();
  const theirs = await other.newPage();
  await theirs.goto("/login");
  await hydrated(theirs);
  await theirs.getByLabel("Username").fill(target);
  await theirs.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await theirs.getByRole("button", { name: "Log in" }).click();
  await expect(theirs).toHaveURL("/");

  await page.goto("/admin");
  await hydrated(page);
  await page.getByLabel("Username, or email address with @, starts with").fill(target.slice(0, 8));
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: target }).click();
  await expect(page.getByRole("heading", { level: 1, name: target })).toBeVisible();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page.getByRole("status")).toContainText("Every device is signed out");
  await page.getByLabel("Reason to lock").fill("Reported for spam");
  await page.getByRole("button", { name: "Lock" }).click();
  await expect(page.getByText("Locked: Reported for spam")).toBeVisible();
  await screenshot(page, "admin-user");

  await theirs.goto("/login");
  await hydrated(theirs);
  await theirs.getByLabel("Username").fill(target);
  await theirs.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await theirs.getByRole("button", { name: "Log in" }).click();
  await expect(theirs.getByRole("alert")).toContainText("Reported for spam");

  await page.goto("/admin/audit");
  await expect(page.getByRole("table")).toContainText("Reported for spam");
  await screenshot(page, "admin-audit");
  await other.close();
});
