-- wrk: the same GET with a Cookie header from the environment. With DELAY_MS,
-- each connection pauses that long between requests (a paced load).
local cookie = os.getenv("COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local pause = tonumber(os.getenv("DELAY_MS") or "")
if pause then
  function delay()
    return pause
  end
end
