import { test, expect, hydrated } from "./helpers";

test("after a client-side navigation focus is on the new page's heading, and its title is announced", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" }).click();
  await expect(page).toHaveURL("/login");
  const heading = page.locator("main h1");
  await expect(heading).toBeFocused();
  await expect(page.locator("[aria-live=polite].visually-hidden")).toHaveText(await page.title());

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Register" }).click();
  await expect(page).toHaveURL("/register");
  await expect(heading).toBeFocused();
  await expect(heading).toContainText(/account/i);
});

test("the skip link moves focus to the main region without navigating", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#content")).toBeFocused();
  await expect(page).toHaveURL("/login");
  // The next Tab goes on from the main region: into the form, not the nav.
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Username")).toBeFocused();
});
