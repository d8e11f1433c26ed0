-- wrk: POST /api/v1/queue/counters/{id}/call-next, cycling through the counters.
-- Environment: XASO_TOKEN (bearer), XASO_COUNTERS (comma-separated counter ids).
local token = os.getenv("XASO_TOKEN")
local counters = {}
for id in string.gmatch(os.getenv("XASO_COUNTERS"), "[^,]+") do counters[#counters + 1] = id end
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/api/v1/queue/counters/" .. counters[(n % #counters) + 1] .. "/call-next",
    { ["Authorization"] = "Bearer " .. token })
end
