import { test, expect, freshName, hydrated, registerThroughUi, screenshot, totp } from "./helpers";

// The suite's second server asks every account for a second factor
// (LATCHKEY_REQUIRE_SECOND_FACTOR=everyone).
test.use({ baseURL: `http://localhost:${Number(process.env.E2E_PORT ?? 3300) + 1}` });

test("a site that asks everyone for a second factor opens only once one is set up", async ({ page }) => {
  const name = freshName("strict");
  await registerThroughUi(page, name);

  // Any guarded page leads to the security page, which says why.
  await page.goto("/settings/devices");
  await expect(page).toHaveURL("/settings/security");
  await hydrated(page);
  await expect(page.getByText("This site asks every account for a second factor")).toBeVisible();
  // Following a link in the page goes nowhere else either.
  await page.getByRole("link", { name: "Devices" }).click();
  await expect(page).toHaveURL("/settings/security");
  await screenshot(page, "second-factor-required");

  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.locator("code.secret").textContent()) ?? "";
  await page.getByLabel("Code", { exact: true }).fill(totp(secret));
  await page.getByRole("button", { name: "Turn it on" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" }).locator("code")).toHaveCount(10);
  await expect(page.getByText("Your second factor is set up")).toBeVisible();

  // Now the rest of the site opens, in this page without a reload.
  await page.getByRole("link", { name: "Devices" }).click();
  await expect(page).toHaveURL("/settings/devices");
  await expect(page.getByRole("heading", { level: 1, name: "Where you're signed in" })).toBeVisible();
});
