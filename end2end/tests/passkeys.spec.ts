import type { Page } from "@playwright/test";
import { test, expect, freshName, hydrated, logOut, PASSWORD, registerThroughUi, screenshot } from "./helpers";

/**
 * Chromium's virtual authenticator (DevTools WebAuthn domain): a platform
 * authenticator that keeps discoverable credentials, verifies the user and
 * answers at once, as a laptop's fingerprint reader would.
 */
async function virtualAuthenticator(page: Page): Promise<(answers: boolean) => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  // Whether it answers by itself: off, it waits as a person who has not
  // touched the sensor yet.
  return async (answers: boolean) => {
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: answers });
  };
}

async function addPasskey(page: Page, name: string) {
  await page.goto("/settings/security");
  await hydrated(page);
  // Live, the page no longer says passkeys need JavaScript.
  await expect(page.getByText("Passkeys need JavaScript")).toHaveCount(0);
  await page.getByLabel("Name for a new passkey").fill(name);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Passkey “${name}” added` })).toBeVisible();
  await expect(page.getByRole("list", { name: "Your passkeys" })).toContainText(name);
}

test("add a passkey, then sign in with it alone and as the step after the password", async ({ page }) => {
  const touch = await virtualAuthenticator(page);
  const name = freshName("passkey");
  await registerThroughUi(page, name);
  await addPasskey(page, "This laptop");
  // The first second factor comes with the recovery codes.
  await expect(page.getByRole("list", { name: "Recovery codes" }).locator("code")).toHaveCount(10);
  await screenshot(page, "passkeys");

  // Passwordless: the username field offers the passkey (autofill), and
  // choosing it signs in; this authenticator chooses at once.
  await logOut(page);
  await page.goto("/login");
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("Welcome back");

  // Or the button: with the autofill left waiting, it stops that request
  // and asks for a passkey itself.
  await logOut(page);
  await touch(false);
  await page.goto("/login");
  await hydrated(page);
  await expect(page.getByLabel("Username")).toHaveAttribute("autocomplete", "username webauthn");
  await screenshot(page, "login-with-passkey");
  await touch(true);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("status")).toContainText("Welcome back");

  // The password now asks for the passkey as its second step.
  await logOut(page);
  await touch(false);
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/login/factor");
  await hydrated(page);
  await touch(true);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).toHaveURL("/");
  await page.goto("/settings/devices");
  await expect(page.getByText("with password and passkey")).toBeVisible();
});

test("rename a passkey, go passwordless, and the last passkey cannot be removed", async ({ page }) => {
  await virtualAuthenticator(page);
  await registerThroughUi(page, freshName("passkey-only"));
  await addPasskey(page, "Old name");
  const list = page.getByRole("list", { name: "Your passkeys" });
  await list.getByLabel("New name for Old name").fill("Work laptop");
  await list.getByRole("button", { name: "Rename" }).click();
  // The flash of the addition and the recovery codes are statuses too
  // until the page has moved on: wait for the rename's own.
  await expect(page.getByRole("status").filter({ hasText: "Passkey renamed “Work laptop”" })).toBeVisible();
  await expect(list).toContainText("Work laptop");

  await page.getByRole("button", { name: "Remove my password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password is removed");
  await expect(page.getByText("Your passkeys alone sign you in")).toBeVisible();
  await list.getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("alert")).toContainText("last way to sign in");
  await expect(list).toContainText("Work laptop");
  await screenshot(page, "passkeys-only");

  // Sudo mode, once it runs out, is a passkey alone.
  await page.goto("/settings/confirm?next=/settings/security");
  await hydrated(page);
  await expect(page.getByLabel("Password", { exact: true })).toHaveCount(0);
  await page.getByRole("button", { name: "Confirm with a passkey" }).click();
  await expect(page).toHaveURL("/settings/security");
});
