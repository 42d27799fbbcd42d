import { test, expect, freshName, hydrated, registerThroughUi, screenshot } from "./helpers";

test("a long display name and location wrap at phone width: no sideways scrolling", async ({ page }) => {
  const name = freshName("long");
  await registerThroughUi(page, name);
  await page.goto("/settings/profile");
  await hydrated(page);
  await page.getByLabel("Display name").fill("W".repeat(50));
  await page.getByLabel("Location").fill("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(`/users/${name}`);

  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of [`/users/${name}`, "/settings/profile", "/settings/devices", "/settings/activity"]) {
    await page.goto(path);
    await hydrated(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} is wider than the phone`).toBeLessThanOrEqual(0);
  }
  await page.goto(`/users/${name}`);
  await hydrated(page);
  await screenshot(page, "profile-phone-long-name");
});

test("every settings tab is one width, and the header one height", async ({ page }) => {
  const name = freshName("tabs");
  const header = async () => (await page.locator("header, .topbar").first().boundingBox())?.height;
  await page.goto("/");
  await hydrated(page);
  const anonymous = await header();
  await registerThroughUi(page, name);
  const widths = new Set<number>();
  for (const path of ["/settings/profile", "/settings/username", "/settings/password", "/settings/devices", "/settings/activity", "/settings/delete"]) {
    await page.goto(path);
    await hydrated(page);
    const box = await page.locator("section.card").first().boundingBox();
    widths.add(Math.round(box?.width ?? 0));
    expect(await header(), `${path}: the header's height`).toBe(anonymous);
  }
  expect([...widths]).toHaveLength(1);
});

test("the email field is as wide as the other fields of its form", async ({ page }) => {
  await page.goto("/register");
  const widths = await Promise.all(
    ["Username", "Email", "Password"].map(async (label) =>
      Math.round((await page.getByLabel(label, { exact: true }).boundingBox())?.width ?? 0),
    ),
  );
  expect(widths[0]).toBeGreaterThan(200);
  expect(new Set(widths).size).toBe(1);
});
