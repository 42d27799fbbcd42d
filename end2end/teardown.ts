import * as fs from "node:fs";

// Deletes the suite's SQLite database, so runs leave nothing in the temp folder.
export default function teardown() {
  const database = process.env.LATCHKEY_E2E_DATABASE;
  if (!database) return;
  for (const suffix of ["", "-wal", "-shm"]) {
    fs.rmSync(database + suffix, { force: true });
  }
}
