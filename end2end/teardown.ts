import * as fs from "node:fs";

// Deletes the suite's SQLite databases (one per server), so runs leave nothing in the temp folder.
export default function teardown() {
  const database = process.env.LATCHKEY_E2E_DATABASE;
  if (!database) return;
  for (const file of [database, `${database}-strict`]) {
    for (const suffix of ["", "-wal", "-shm"]) {
      fs.rmSync(file + suffix, { force: true });
    }
  }
}
