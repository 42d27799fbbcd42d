#!/usr/bin/env python3
"""Latchkey's load benchmark: `make bench` (never part of `make test`).

Builds the release server and the bare axum ceiling, starts, in one run and on
this machine: Latchkey on a fresh SQLite database, `bench-bare` (the same
bytes with no session or database), and, when Python can install it, the
Flask + Flask-Login peer from ../shared/anchors/flask_login under gunicorn.
Loads each with wrk from a second process and prints one table of
requests/s, p50 and p99, with ratios to bare axum and to Flask measured in
the same run.

Workloads:
  1. current_user with a valid session cookie (session look-up + user load)
  2. a login-required SSR page showing the user's name
  3. a login flood at full concurrency with paced page loads beside it (4
     connections, 20 ms apart): the p99 of the page loads, and logins/s
     against the hash limit (cores / one hash's time on an idle server)
  4. current_user over 1,000 users and sessions versus 1,000,000 (seeded by
     bench-seed), each request with a session picked at random: the ratio
  5. bytes each landing page makes the browser load before it is live (CSS,
     JS, the main wasm and the page's lazy chunks, read from the page's HTML and
     fetched from the server as it serves them): raw, gzip and brotli
  6. /healthz latency (paced, 4 connections) alone, then while CONNS
     connections flood /api/password_strength with zxcvbn's worst case (120
     characters of l33t symbols): the p99 ratio
  7. with workload 4's databases: the admin console's user search (a keyset
     page of 50 by username prefix), 1 connection, at 1,000 users versus
     1,000,000: the ratio
  8. /healthz latency (paced, 4 connections) alone, then while CONNS
     connections flood /api/request_password_reset (the per-address limit
     off, as for an attacker with many addresses): the p99 ratio

Environment: DURATION [10s], CONNS [32], THREADS [2], PEER [path to the
Flask anchor], SKIP_BUILD [1 = use the binaries already built], SIZES
[1000,1000000: workload 4's two database sizes], ONLY [1,...,8: the
workloads to run, for working on one], BASELINE [the path of another
release server binary, e.g. built from an earlier commit: workloads 1 and 2
also run against it, on its own fresh database, workload 3 floods each build
with sign-ins in turn, and the run prints after/before].
"""

import gzip
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
DURATION = os.environ.get("DURATION", "10s")
CONNS = os.environ.get("CONNS", "32")
THREADS = os.environ.get("THREADS", "2")
PEER = os.environ.get("PEER", os.path.join(ROOT, "..", "shared", "anchors", "flask_login"))
USER, PASSWORD = "bench", "correct horse battery staple"
ONLY = set(os.environ.get("ONLY", "1,2,3,4,5,6,7,8").split(","))  # which workloads run
SIZES = [int(n) for n in os.environ.get("SIZES", "1000,1000000").split(",")]
BASELINE = os.environ.get("BASELINE")  # another server binary for workloads 1, 2 and 3
SAMPLE = 1000  # the sessions workload 4's requests pick from


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def run(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)


def build():
    if os.environ.get("SKIP_BUILD") == "1":
        return
    run(["make", "release"], cwd=ROOT)
    run(["cargo", "build", "--release", "--locked", "-p", "bench-bare", "-p", "bench-seed"], cwd=ROOT)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url, data=None, cookie=None, origin=None):
    """(status, headers, body) of one request, never following redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, data=data.encode() if data is not None else None)
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    if cookie:
        req.add_header("Cookie", cookie)
    if origin:
        req.add_header("Origin", origin)
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def cookies(headers):
    pairs = [h.split(";", 1)[0] for h in headers.get_all("Set-Cookie") or []]
    return "; ".join(p for p in pairs if not p.endswith("="))


def wrk(url, script=None, env=None, duration=DURATION, conns=CONNS):
    cmd = ["wrk", "-t", str(min(int(THREADS), int(conns))), "-c", conns, "-d", duration, "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", os.path.join(BENCH, script)]
    done = subprocess.run(cmd + [url], capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})))
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}: {done.stdout}{done.stderr}")
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": to_ms(lat.get("50")), "p99": to_ms(lat.get("99")),
            "non2xx": int(errors.group(1)) if errors else 0}


def to_ms(value):
    if not value:
        return float("nan")
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


class Servers:
    def __init__(self):
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix="latchkey-bench-")

    def start(self, cmd, env=None, cwd=None):
        log = open(os.path.join(self.tmp, f"server-{len(self.procs)}.log"), "w")
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def stop_one(self, proc):
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        self.procs.remove(proc)

    def show_logs(self):
        """The end of each server's log, for a run that failed."""
        for name in sorted(os.listdir(self.tmp)):
            if name.endswith(".log"):
                with open(os.path.join(self.tmp, name), errors="replace") as log:
                    print(f"--- {name}\n{log.read()[-3000:]}", file=sys.stderr)

    def stop(self):
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)


def start_latchkey(servers, db=None, register=True, binary=None):
    """(process, base URL, the registered user's cookie) of a release server
    (`binary`, by default this tree's) on the SQLite file `db` (a fresh one
    by default)."""
    port = free_port()
    env = dict(os.environ,
               DATABASE_URL=f"sqlite://{db or os.path.join(servers.tmp, 'latchkey.db')}",
               LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
               LEPTOS_SITE_ROOT=os.path.join(ROOT, "target", "site"),
               LEPTOS_ENV="PROD",
               RUST_LOG="warn",
               LATCHKEY_LOGINS_PER_IP_PER_MINUTE="100000000",
               LATCHKEY_REGISTRATIONS_PER_IP_PER_HOUR="100000000",
               LATCHKEY_STRENGTH_CHECKS_PER_IP_PER_MINUTE="100000000",
               LATCHKEY_MAILED_LINKS_PER_IP_PER_HOUR="100000000")
    proc = servers.start([binary or os.path.join(ROOT, "target", "release", "server")], env=env)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/healthz")
    if not register:
        return proc, base, None
    status, headers, _ = request(base + "/api/register", f"username={USER}&email={USER}%40example.test&password={PASSWORD}", origin=base)
    assert status == 200, f"register: {status}"
    return proc, base, cookies(headers)


def sized_current_user(servers, users):
    """Workload 4 at one size: a fresh database holding `users` users, each
    with one device and one live session (bench-seed copies a real one), then
    current_user with a session picked at random from SAMPLE of them."""
    db = os.path.join(servers.tmp, f"sized-{users}.db")
    proc, _, bench_cookie = start_latchkey(servers, db)
    servers.stop_one(proc)
    sample = os.path.join(servers.tmp, f"sample-{users}.txt")
    run([os.path.join(ROOT, "target", "release", "bench-seed"), db, str(users), str(SAMPLE), sample])
    # Workload 7's admin: made as an operator makes one.
    run([os.path.join(ROOT, "target", "release", "server"), "admin", "grant", USER],
        env=dict(os.environ, DATABASE_URL=f"sqlite://{db}", RUST_LOG="warn"))
    proc, base, _ = start_latchkey(servers, db, register=False)
    first = open(sample).readline().strip()
    status, _, me = request(base + "/api/current_user", "", cookie=first, origin=base)
    assert status == 200 and b"seed" in me, f"a seeded session must be signed in: {status} {me[:200]}"
    env = {"COOKIES": sample, "ORIGIN": base}
    wrk(base + "/api/current_user", "sessions.lua", env, duration="3s")  # warm-up
    # One connection: the latency of a look-up itself, with no queue in front
    # of it; then full load, where the p50 is mostly time spent queued.
    alone = wrk(base + "/api/current_user", "sessions.lua", env, conns="1")
    loaded = wrk(base + "/api/current_user", "sessions.lua", env)
    search = None
    if "7" in ONLY:
        body = "query=seed000&after="
        status, _, page = request(base + "/api/admin_users", body, cookie=bench_cookie, origin=base)
        assert status == 200 and b"seed000" in page, f"admin search: {status} {page[:200]}"
        search = wrk(base + "/api/admin_users", "post.lua",
                     {"BODY": body, "COOKIE": bench_cookie, "ORIGIN": base}, conns="1")
    servers.stop_one(proc)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return alone, loaded, search


def start_flask(servers):
    if not os.path.isdir(PEER):
        return None, None
    venv = os.path.join(BENCH, ".venv")
    try:
        if not os.path.exists(os.path.join(venv, "bin", "gunicorn")):
            run([sys.executable, "-m", "venv", venv])
            run([os.path.join(venv, "bin", "pip"), "install", "-q", "-r", os.path.join(PEER, "requirements.txt")])
    except subprocess.CalledProcessError:
        print("Flask peer unavailable: could not install its requirements", file=sys.stderr)
        return None, None
    port = free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{servers.tmp}/flask.db")
    # --preload: the app (and its create_all on a fresh database) loads once,
    # before the workers fork; otherwise both workers race to create the
    # tables, one fails to boot, and gunicorn shuts down mid-run.
    servers.start([os.path.join(venv, "bin", "gunicorn"), "--preload", "-w", "2", "-b", f"127.0.0.1:{port}", "app:app"],
                  env=env, cwd=PEER)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/")
    request(base + "/register", f"username={USER}&email={USER}%40example.test&password={PASSWORD}")
    status, headers, _ = request(base + "/login", f"username={USER}&email={USER}%40example.test&password={PASSWORD}")
    assert status in (200, 302), f"flask login: {status}"
    return base, cookies(headers)


def start_bare(servers, page, me_json):
    port = free_port()
    page_file = os.path.join(servers.tmp, "page.html")
    json_file = os.path.join(servers.tmp, "me.json")
    open(page_file, "wb").write(page)
    open(json_file, "wb").write(me_json)
    servers.start([os.path.join(ROOT, "target", "release", "bench-bare"), str(port), page_file, json_file])
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/")
    return base


def hash_seconds(base):
    """One argon2 verification's time: the median of sequential wrong-password
    log-ins on an idle server (each is one hash and little else)."""
    times = []
    for i in range(28):
        started = time.perf_counter()
        request(base + "/api/login", f"username=nobody{i}&password=wrong-password-{i}", origin=base)
        times.append(time.perf_counter() - started)
    return statistics.median(times[3:])  # the first few warm the allocator and caches


def parallel_hashes_per_second(base, streams, each=20):
    """What the machine really gives hashing: `streams` clients (one per core)
    each making sequential wrong-password log-ins on an otherwise idle server.
    Below cores / one hash's time when the cores share memory bandwidth or
    are hyperthreads of one physical core."""
    def stream(k):
        for i in range(each):
            request(base + "/api/login", f"username=par{k}x{i}&password=wrong-password", origin=base)
    threads = [threading.Thread(target=stream, args=(k,)) for k in range(streams)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return streams * each / (time.perf_counter() - started)


def flood_beside_healthz(base, path, body):
    """Paced /healthz (4 connections, 20 ms apart) alone, then while CONNS
    connections flood `path` with `body`."""
    paced = {"COOKIE": "", "DELAY_MS": "20"}
    alone = wrk(base + "/healthz", "get.lua", paced, conns="4")
    flood = subprocess.Popen(
        ["wrk", "-t", "1", "-c", CONNS, "-d", DURATION, "--timeout", "30s",
         "-s", os.path.join(BENCH, "post.lua"), base + path],
        env=dict(os.environ, BODY=body, ORIGIN=base),
        stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    flooded = wrk(base + "/healthz", "get.lua", paced, conns="4")
    flood_out = flood.communicate()[0]
    rate = re.search(r"Requests/sec:\s+([\d.]+)", flood_out)
    return alone, flooded, float(rate.group(1)) if rate else None


def strength_flood(base):
    """Workload 6: /healthz beside a flood of worst-case strength checks
    (which must run off the async workers)."""
    worst = urllib.parse.quote("4@8({[</3!|1|0$5+7%2" * 6, safe="")
    return flood_beside_healthz(base, "/api/password_strength", f"password={worst}")[:2]


def mailed_link_flood(base):
    """Workload 8: /healthz beside a flood of "forgot password" requests for
    the bench user's address, from addresses the per-address limit does not
    stop (it is off here): each runs the mailed-link transaction, which must
    not hold SQLite's write lock from other users."""
    email = urllib.parse.quote(f"{USER}@example.test", safe="")
    return flood_beside_healthz(base, "/api/request_password_reset", f"email={email}")


def first_pages():
    """Every page a visitor can land on first, read from the router in
    app/src/lib.rs: (path as requested, signed in, its lazy route's view in
    __wasm_split_manifest.json, or None for a page in the main wasm). A
    path's parameters get the bench user's values."""
    router = open(os.path.join(ROOT, "app", "src", "lib.rs")).read()
    pages = []
    for path, view in re.findall(r'<Route path=path!\("([^"]+)"\) view=(\{Lazy::<\w+>::new\(\)\}|\w+)', router):
        lazy = re.match(r"\{Lazy::<(\w+)>", view)
        name = re.sub(r"(?<!^)([A-Z])", r"_\1", lazy.group(1)).lower() if lazy else None
        concrete = path.replace(":username", USER).replace(":id", "1")
        pages.append((concrete, path.startswith(("/settings", "/admin")), name))
    assert pages and pages[0][0] == "/", "the router's first route is the home page"
    return pages


def bytes_shipped(base, cookie):
    """For each page of first_pages(), the files it makes the browser load before
    it is live, as this server sends them: (raw, gzip, brotli) bytes per file,
    each fetched with that Accept-Encoding and counted as received. The page's
    HTML names the stylesheet, JS and main wasm; its lazy route's chunks come
    from the build's manifest, because Leptos 0.8 does not always preload them
    in the HTML (then the browser fetches them during hydration instead)."""
    pkg = os.path.join(ROOT, "target", "site", "pkg")
    manifests = [f for f in os.listdir(pkg) if f.startswith("__wasm_split_manifest") and f.endswith(".json")]
    manifest = json.load(open(os.path.join(pkg, manifests[0]))) if manifests else {}
    loader = [f"/pkg/{f}" for f in os.listdir(pkg) if f.startswith("__wasm_split.") and f.endswith(".js")]
    sizes, pages = {}, {}
    shell = None
    for path, signed_in, view in first_pages():
        status, _, html = request(base + path, cookie=cookie if signed_in else None)
        assert status < 500, f"{path}: {status}"
        files = {f.decode() for f in re.findall(rb'(?:href|src)="(/pkg/[^"]+\.(?:css|js|wasm))"', html)}
        # A page that answers with a redirect (the admin's, to a plain user)
        # still loads the shell every page does: the home page's files.
        shell = shell or files
        files = files or set(shell)
        if view:
            key = next(k for k in manifest if k.startswith(f"__{view}_view_"))
            files |= {f"/pkg/{chunk}.wasm" for chunk in manifest[key]} | set(loader)
        pages[path] = sorted(files)
        for f in pages[path]:
            if f not in sizes:
                try:
                    sizes[f] = tuple(len(fetch(base + f, enc)) for enc in ("identity", "gzip", "br"))
                except urllib.error.HTTPError as e:
                    raise SystemExit(f"{path} loads {f}, which the server answers {e.code}")
    return pages, sizes


def fetch(url, encoding):
    req = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(req, timeout=30) as r:
        got = r.headers.get("Content-Encoding", "identity")
        assert got == encoding, f"{url}: asked for {encoding}, got {got}"
        return r.read()


def print_bytes_shipped(pages, sizes):
    """Workload 5's table; returns the landing page's (raw, gzip, brotli) total."""
    print("\nWorkload 5: bytes each page loads before it is live (release build, as served)")
    totals = {}
    for path, files in pages.items():
        total = [sum(sizes[f][i] for f in files) for i in range(3)]
        totals[path] = total
        chunks = sum(1 for f in files if f.endswith(".wasm") and "/latchkey." not in f)
        print(f"  {path:<19} raw {total[0] / 1000:7.1f} KB  gzip {total[1] / 1000:6.1f} KB  "
              f"brotli {total[2] / 1000:6.1f} KB  ({chunks} wasm chunks)")
    print("  files (brotli): " + ", ".join(
        f"{f.rsplit('/', 1)[-1]} {sizes[f][2] / 1000:.1f} KB"
        for f in sorted(sizes, key=lambda f: -sizes[f][2])[:8]) + ", ...")
    return totals["/"], totals


def login_flood(url):
    """Workload 3's flood of right passwords at /api/login, started."""
    return subprocess.Popen(
        ["wrk", "-t", "1", "-c", CONNS, "-d", DURATION, "--latency", "--timeout", "10s",
         "-s", os.path.join(BENCH, "post.lua"), url + "/api/login"],
        env=dict(os.environ, BODY=f"username={USER}&email={USER}%40example.test&password={PASSWORD}", ORIGIN=url),
        stdout=subprocess.PIPE, text=True)


def logins_per_second(flood):
    """Sign-ins per second the flood got: answers that were not a refusal
    (a throttled attempt is answered 429 at once, with no hash)."""
    out = flood.communicate()[0]
    total, seconds = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).group(1, 2)
    seconds = float(seconds) / (1000 if "ms" in out.split("requests in", 1)[1][:12] else 1)
    refused = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return (int(total) - (int(refused.group(1)) if refused else 0)) / seconds


def beside_hash_file(binary, tmp):
    """`binary`, copied beside this build's hash.txt. Leptos reads the hashed
    file names from hash.txt next to the running executable at every page
    it renders; a binary without one renders unhashed names, and faster, so
    a before/after of pages must give both builds the same file."""
    if os.path.exists(os.path.join(os.path.dirname(binary), "hash.txt")):
        return binary
    folder = os.path.join(tmp, "baseline-bin")
    os.makedirs(folder, exist_ok=True)
    copy = os.path.join(folder, "server")
    shutil.copy2(binary, copy)
    shutil.copy2(os.path.join(ROOT, "target", "release", "hash.txt"), folder)
    return copy


def main():
    global BASELINE
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")
    build()
    servers = Servers()
    if BASELINE:
        BASELINE = beside_hash_file(BASELINE, servers.tmp)
    try:
        _, lk, lk_cookie = start_latchkey(servers)
        status, _, page = request(lk + "/settings/profile", cookie=lk_cookie)
        assert status == 200 and USER.encode() in page, "the page must show the user"
        status, _, me = request(lk + "/api/current_user", "", cookie=lk_cookie, origin=lk)
        assert status == 200 and USER.encode() in me, "current_user must know the user"
        bare = start_bare(servers, page, me)
        flask, flask_cookie = start_flask(servers) if ONLY & {"1", "2"} else (None, None)
        cores = os.cpu_count() or 1

        results, logins, sized, searches, sign_ins = {}, None, {}, {}, None
        if "1" in ONLY:
            results[("1 current_user", "latchkey")] = wrk(lk + "/api/current_user", "post.lua",
                                                          {"COOKIE": lk_cookie, "ORIGIN": lk})
            if BASELINE:
                _, before, before_cookie = start_latchkey(
                    servers, os.path.join(servers.tmp, "baseline.db"), binary=BASELINE)
                results[("1 current_user", "baseline")] = wrk(before + "/api/current_user", "post.lua",
                                                              {"COOKIE": before_cookie, "ORIGIN": before})
            results[("1 current_user", "bare axum")] = wrk(bare + "/api/current_user", "post.lua")
            if flask:
                results[("1 current_user", "flask")] = wrk(flask + "/api/me", "get.lua", {"COOKIE": flask_cookie})
        if "2" in ONLY:
            results[("2 login-required page", "latchkey")] = wrk(lk + "/settings/profile", "get.lua", {"COOKIE": lk_cookie})
            # The floor Leptos sets: an anonymous page, no session, no database.
            results[("2 anonymous /login (Leptos)", "latchkey")] = wrk(lk + "/login", "get.lua", {"COOKIE": ""})
            if BASELINE:
                _, before, before_cookie = start_latchkey(
                    servers, os.path.join(servers.tmp, "baseline2.db"), binary=BASELINE)
                results[("2 login-required page", "baseline")] = wrk(before + "/settings/profile", "get.lua",
                                                                     {"COOKIE": before_cookie})
                results[("2 anonymous /login (Leptos)", "baseline")] = wrk(before + "/login", "get.lua", {"COOKIE": ""})
            results[("2 login-required page", "bare axum")] = wrk(bare + "/settings/profile", "get.lua")
            if flask:
                results[("2 login-required page", "flask")] = wrk(flask + "/me", "get.lua", {"COOKIE": flask_cookie})
        if "3" in ONLY:
            hash_s = hash_seconds(lk)
            parallel = parallel_hashes_per_second(lk, cores)
            flood = login_flood(lk)
            time.sleep(1)
            # Paced (4 connections, 20 ms apart: at most 200 pages/s), so the
            # pages measure latency without taking the cores the hashes need.
            pages = wrk(lk + "/settings/profile", "get.lua", {"COOKIE": lk_cookie, "DELAY_MS": "20"}, conns="4")
            logins = logins_per_second(flood)
            results[("3 pages during a login flood", "latchkey")] = pages
            if BASELINE:
                # The same flood, alone, on each build in turn: a sign-in's
                # whole path (throttle, hash, transaction) before and after.
                _, before, _ = start_latchkey(
                    servers, os.path.join(servers.tmp, "baseline3.db"), binary=BASELINE)
                # Each build twice, in turns, so neither always goes first.
                runs = [(logins_per_second(login_flood(lk)), logins_per_second(login_flood(before)))
                        for _ in range(2)]
                sign_ins = tuple(sum(run[i] for run in runs) / len(runs) for i in (0, 1))
        stall = None
        if "6" in ONLY:
            stall = strength_flood(lk)
            results[("6 /healthz alone", "latchkey")], results[("6 /healthz, strength flood", "latchkey")] = stall
        mailed = None
        if "8" in ONLY:
            mailed = mailed_link_flood(lk)
            results[("8 /healthz alone", "latchkey")] = mailed[0]
            results[("8 /healthz, reset flood", "latchkey")] = mailed[1]
        if "4" in ONLY:
            for users in SIZES:
                alone, loaded, search = sized_current_user(servers, users)
                sized[users] = alone, loaded
                results[(f"4 {users:,} users, 1 conn", "latchkey")] = alone
                results[(f"4 {users:,} users, {CONNS} conns", "latchkey")] = loaded
                if search:
                    searches[users] = search
                    results[(f"7 admin search, {users:,} users", "latchkey")] = search

        print_table(results, flask is not None)
        now, then = results.get(("1 current_user", "latchkey")), results.get(("1 current_user", "baseline"))
        if now and then:
            print(f"\nBefore/after ({BASELINE}): current_user req/s x{now['rps'] / then['rps']:.2f}, "
                  f"p50 x{now['p50'] / then['p50']:.2f}, p99 x{now['p99'] / then['p99']:.2f}")
        for page in ("2 login-required page", "2 anonymous /login (Leptos)"):
            now, then = results.get((page, "latchkey")), results.get((page, "baseline"))
            if now and then:
                print(f"Before/after ({BASELINE}): {page[2:]} req/s x{now['rps'] / then['rps']:.2f}, "
                      f"p99 x{now['p99'] / then['p99']:.2f}")
        if sign_ins:
            print(f"Before/after ({BASELINE}): sign-ins/s under the login flood x{sign_ins[0] / sign_ins[1]:.2f} "
                  f"({sign_ins[1]:.1f} -> {sign_ins[0]:.1f})")
        if logins is not None:
            limit = cores / hash_s
            print(f"\nWorkload 3: logins/s {logins:.1f}; hash limit (cores {cores} / one hash "
                  f"{hash_s * 1000:.0f} ms) = {limit:.1f}; ratio {logins / limit:.2f}; "
                  f"page p99 during the flood {pages['p99']:.1f} ms")
            print(f"  the hashes {cores} clients get on the idle server: {parallel:.1f}/s "
                  f"({parallel / limit:.2f} of the limit); the flood reached {logins / parallel:.2f} of that")
        if len(sized) == 2:
            (small, (a1, an)), (large, (b1, bn)) = sorted(sized.items())
            print(f"Workload 4: current_user with {large:,} users vs {small:,}: latency (1 connection) "
                  f"p50 x{b1['p50'] / a1['p50']:.2f}, p99 x{b1['p99'] / a1['p99']:.2f}; "
                  f"at {CONNS} connections p50 x{bn['p50'] / an['p50']:.2f}, req/s x{bn['rps'] / an['rps']:.2f}")
        if len(searches) == 2:
            (small, a), (large, b) = sorted(searches.items())
            print(f"Workload 7: the admin's user search with {large:,} users vs {small:,}: "
                  f"p50 x{b['p50'] / a['p50']:.2f}, p99 x{b['p99'] / a['p99']:.2f}")
        if stall:
            alone, flooded = stall
            print(f"Workload 6: /healthz during a worst-case strength flood vs alone: "
                  f"p50 x{flooded['p50'] / alone['p50']:.2f}, p99 x{flooded['p99'] / alone['p99']:.2f} "
                  f"({alone['p99']:.2f} ms -> {flooded['p99']:.2f} ms)")
        if mailed:
            alone, flooded, rate = mailed
            print(f"Workload 8: /healthz during a flood of reset requests ({rate or 0:.0f}/s) vs alone: "
                  f"p50 x{flooded['p50'] / alone['p50']:.2f}, p99 x{flooded['p99'] / alone['p99']:.2f} "
                  f"({alone['p99']:.2f} ms -> {flooded['p99']:.2f} ms)")
        total = None
        if "5" in ONLY:
            total = print_bytes_shipped(*bytes_shipped(lk, lk_cookie))
        print_targets(results, logins / limit if logins is not None else None, sized, total, searches)
        print(f"\nMachine: {cores} cores; wrk -t {THREADS} -c {CONNS} -d {DURATION} on the same machine.")
    except Exception:
        servers.show_logs()
        raise
    finally:
        servers.stop()


def print_targets(results, login_ratio, sized, total, searches):
    """Each target of the performance issue beside this run's figure. Where one
    is missed, bench/README.md gives the measured reason."""
    def ratio(workload, peer):
        mine, other = results.get((workload, "latchkey")), results.get((workload, peer))
        return mine["rps"] / other["rps"] if mine and other else None

    rows = []
    flask1, bare1 = ratio("1 current_user", "flask"), ratio("1 current_user", "bare axum")
    if flask1 is not None:
        rows.append(("1 current_user >= 20x Flask", f"{flask1:.1f}x", flask1 >= 20))
    if bare1 is not None:
        rows.append(("1 current_user >= 0.5x bare axum", f"{bare1:.2f}x", bare1 >= 0.5))
    flask2, page = ratio("2 login-required page", "flask"), results.get(("2 login-required page", "latchkey"))
    if flask2 is not None:
        rows.append(("2 page >= 10x Flask", f"{flask2:.1f}x", flask2 >= 10))
    if page:
        rows.append(("2 page p99 < 10 ms at 32 connections", f"{page['p99']:.1f} ms", page["p99"] < 10))
    flood = results.get(("3 pages during a login flood", "latchkey"))
    if flood:
        rows.append(("3 page p99 < 20 ms during the flood", f"{flood['p99']:.1f} ms", flood["p99"] < 20))
    if login_ratio is not None:
        rows.append(("3 logins/s >= 0.9 of the hash limit", f"{login_ratio:.2f}", login_ratio >= 0.9))
    if len(sized) == 2:
        (_, (a1, _)), (_, (b1, _)) = sorted(sized.items())
        r = b1["p50"] / a1["p50"]
        rows.append(("4 1M vs 1k latency <= 1.2", f"x{r:.2f}", r <= 1.2))
    if len(searches) == 2:
        (_, a), (_, b) = sorted(searches.items())
        r = b["p50"] / a["p50"]
        rows.append(("7 admin search 1M vs 1k latency <= 1.5", f"x{r:.2f}", r <= 1.5))
    if total:
        home, pages = total
        rows.append(("5 first page (/) <= 180 KB brotli", f"{home[2] / 1000:.1f} KB", home[2] <= 180_000))
        worst = max((p for p in pages if p != "/"), key=lambda p: pages[p][2])
        rows.append((f"5 every other page <= 230 KB brotli (worst {worst})",
                     f"{pages[worst][2] / 1000:.1f} KB", pages[worst][2] <= 230_000))
    print("\nTargets (bench/README.md explains each one missed):")
    for name, value, met in rows:
        print(f"  {name:<40} {value:>10}  {'met' if met else 'NOT MET'}")


def print_table(results, with_flask):
    print(f"\n{'workload':<32} {'server':<10} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'x bare':>7} {'x flask':>8}")
    for (workload, server), r in results.items():
        # Ratios against the peers of the same numbered workload.
        peers = {srv: res for (w, srv), res in results.items() if w.split()[0] == workload.split()[0]}
        bare, flask = peers.get("bare axum"), peers.get("flask")
        x_bare = f"{r['rps'] / bare['rps']:.2f}" if bare else "-"
        x_flask = f"{r['rps'] / flask['rps']:.1f}" if flask and with_flask else "-"
        bad = f"  ({r['non2xx']} non-2xx!)" if r["non2xx"] else ""
        print(f"{workload:<32} {server:<10} {r['rps']:>10.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {x_bare:>7} {x_flask:>8}{bad}")


if __name__ == "__main__":
    main()
