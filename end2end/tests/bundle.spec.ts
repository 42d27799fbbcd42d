import { test, expect, hydrated } from "./helpers";
import type { Page } from "@playwright/test";

// Every file the page fetches from /pkg, with how long the browser may keep it.
function builtFiles(page: Page) {
  const files: { path: string; cache: string }[] = [];
  page.on("response", (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith("/pkg/")) {
      files.push({ path, cache: response.headers()["cache-control"] ?? "" });
    }
  });
  return files;
}

test("the home page loads no page's chunk; a lazy page's chunk comes when it is opened; every file is named by its contents and kept a year", async ({ page }) => {
  const files = builtFiles(page);
  await page.goto("/");
  await hydrated(page);
  const first = files.map((f) => f.path);
  expect(first.some((path) => /^\/pkg\/latchkey\.[\w-]{22}\.wasm$/.test(path))).toBe(true);
  expect(first.filter((path) => /chunk_|split_/.test(path))).toEqual([]);

  await page.getByRole("link", { name: "Log in" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeFocused();
  const opened = files.map((f) => f.path).slice(first.length);
  expect(opened.some((path) => /^\/pkg\/split___login_view_\d+\.[\w-]{22}\.wasm$/.test(path))).toBe(true);

  for (const file of files) {
    expect(file.path).toMatch(/\.[\w-]{22}\.(wasm|js|css)$/);
    expect(file.cache, file.path).toBe("public, max-age=31536000, immutable");
  }
});

test("a lazy page opened first arrives with its chunks preloaded and works", async ({ page }) => {
  const files = builtFiles(page);
  await page.goto("/login");
  await hydrated(page);
  expect(files.some((f) => /split___login_view_/.test(f.path))).toBe(true);
  // Hydrated, the form is live: a refused log-in answers in place.
  await page.getByLabel("Username").fill("nobody-here");
  await page.getByLabel("Password", { exact: true }).fill("not the password at all");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});
