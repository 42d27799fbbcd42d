import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";

// The suite starts the server that `make test` built (or E2E_SERVER, e.g. the
// release binary), on its own port and a fresh SQLite file, and waits for
// /healthz before the first test.
const port = Number(process.env.E2E_PORT ?? 3300);
// A host name, not 127.0.0.1: browsers refuse passkeys for an IP address.
// The server still listens on 127.0.0.1, where localhost leads.
const baseURL = `http://localhost:${port}`;
// Chosen once by the runner and inherited by its workers and the teardown,
// which deletes it (with its -wal and -shm) when the suite ends.
process.env.LATCHKEY_E2E_DATABASE ??= path.join(
  os.tmpdir(),
  `latchkey-e2e-${process.pid}-${Date.now()}.db`,
);
const database = process.env.LATCHKEY_E2E_DATABASE;

/** What both servers share: the one the suite built, as `make run` serves it. */
function server(at: number, databaseFile: string, extra: Record<string, string> = {}) {
  const origin = `http://localhost:${at}`;
  return {
    command: process.env.E2E_SERVER ?? "../target/debug/server",
    url: `http://127.0.0.1:${at}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore" as const,
    stderr: "pipe" as const,
    env: {
      DATABASE_URL: `sqlite://${databaseFile}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${at}`,
      LATCHKEY_PUBLIC_ORIGIN: origin,
      LEPTOS_SITE_ROOT: "../target/site",
      RUST_LOG: "warn",
      // As `make run`: the development mailbox shows the mail the tests open.
      LEPTOS_ENV: "DEV",
      // Every test browser signs in from 127.0.0.1.
      LATCHKEY_LOGINS_PER_IP_PER_MINUTE: "1000",
      LATCHKEY_REGISTRATIONS_PER_IP_PER_HOUR: "1000",
      LATCHKEY_STRENGTH_CHECKS_PER_IP_PER_MINUTE: "1000",
      LATCHKEY_MAILED_LINKS_PER_IP_PER_HOUR: "1000",
      ...extra,
    },
  };
}

export default defineConfig({
  testDir: "./tests",
  globalTeardown: "./teardown.ts",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two cores run the server, the browser and the test runner.
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? "line" : "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: [
    server(port, database),
    // A site that asks every account for a second factor
    // (second-factor-rule.spec.ts), on the next port and its own database.
    server(port + 1, `${database}-strict`, { LATCHKEY_REQUIRE_SECOND_FACTOR: "everyone" }),
  ],
});
