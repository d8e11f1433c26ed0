-- wrk: POST /api/v1/queue/tickets, cycling through the center's services.
-- Environment: XASO_TOKEN (bearer), XASO_CENTER, XASO_SERVICES (comma-separated codes).
local token = os.getenv("XASO_TOKEN")
local center = os.getenv("XASO_CENTER")
local services = {}
for code in string.gmatch(os.getenv("XASO_SERVICES"), "[^,]+") do services[#services + 1] = code end
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"center":"%s","service":"%s","priority":null,"cccd_qr":null}', center,
    services[(n % #services) + 1])
  return wrk.format("POST", "/api/v1/queue/tickets",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
