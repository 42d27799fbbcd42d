-- wrk: the same POST over and over. BODY, COOKIE and ORIGIN come from the
-- environment; the request is static, so wrk builds it once.
wrk.method = "POST"
wrk.body = os.getenv("BODY") or ""
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local cookie = os.getenv("COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local origin = os.getenv("ORIGIN")
if origin and origin ~= "" then wrk.headers["Origin"] = origin end
