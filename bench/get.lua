-- wrk: the same GET with a Cookie header from the environment.
local cookie = os.getenv("COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
