import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect, freshName, hydrated, registerThroughUi } from "./helpers";

/** WCAG 2.2 A and AA, as axe-core checks them. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function scan(page: Page, path: string): Promise<string[]> {
  await page.goto(path);
  await hydrated(page);
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return results.violations.map(
    (v) => `${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}

for (const scheme of ["light", "dark"] as const) {
  test(`every page passes axe signed out and signed in, ${scheme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const name = freshName("axe");
    const found: string[] = [];
    for (const path of ["/", "/login", "/register", "/reset", "/verify?token=0", "/no/such/page"]) {
      found.push(...(await scan(page, path)));
    }
    await registerThroughUi(page, name);
    for (const path of [
      "/",
      `/users/${name}`,
      "/settings/profile",
      "/settings/username",
      "/settings/password",
      "/settings/devices",
      "/settings/activity",
      "/settings/delete",
      "/settings/confirm",
      "/no/such/page",
    ]) {
      found.push(...(await scan(page, path)));
    }
    expect(found).toEqual([]);
  });
}
