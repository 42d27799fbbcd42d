import type { Page } from "@playwright/test";
import { test, expect, freshName, hydrated, logOut, PASSWORD, registerThroughUi, screenshot, totp } from "./helpers";

async function giveThePassword(page: Page, name: string) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/login/factor");
}

test("set up an authenticator app, then sign in with its code and with a recovery code", async ({ page }) => {
  const name = freshName("totp");
  await registerThroughUi(page, name);
  await page.goto("/settings/security");
  await hydrated(page);
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code of the secret below" })).toBeVisible();
  const secret = (await page.locator("code.secret").textContent()) ?? "";
  expect(secret.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);
  await screenshot(page, "authenticator-set-up");
  await page.getByLabel("Code", { exact: true }).fill(totp(secret));
  await page.getByRole("button", { name: "Turn it on" }).click();
  const codes = page.getByRole("list", { name: "Recovery codes" }).locator("code");
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().textContent()) ?? "";
  await expect(page.getByText("Every sign-in asks for a code")).toBeVisible();
  await screenshot(page, "recovery-codes");

  // The password alone is not enough now.
  await logOut(page);
  await giveThePassword(page, name);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Code", { exact: true }).fill("000000");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("That code is not right");
  await screenshot(page, "second-factor");
  // The code of the next step: the one enrolment used is spent.
  await page.getByLabel("Code", { exact: true }).fill(totp(secret, 1));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("Welcome back");

  // A recovery code works in place of the app, once.
  await logOut(page);
  await giveThePassword(page, name);
  await hydrated(page);
  await page.getByLabel("Code", { exact: true }).fill(recovery);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/");
  await page.goto("/settings/devices");
  await expect(page.getByText("with password and recovery code")).toBeVisible();
});
