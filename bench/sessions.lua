-- wrk: POST with a session cookie picked at random, per request, from the file
-- COOKIES names (one `name=value` per line, written by bench-seed), so the
-- look-ups spread over the table instead of hitting one row. ORIGIN as in post.lua.
local cookies = {}
for line in io.lines(os.getenv("COOKIES")) do
  cookies[#cookies + 1] = line
end
local origin = os.getenv("ORIGIN")

-- Each wrk thread draws its own sequence.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  math.randomseed(os.time() * 100 + (id or 0))
end

function request()
  return wrk.format("POST", nil, {
    ["Cookie"] = cookies[math.random(#cookies)],
    ["Origin"] = origin,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "")
end
