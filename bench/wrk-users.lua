-- One wrk thread per connection, each bound to one user (bench-user-N) for the whole run.
-- BENCH_TOKENS names a file with one token a line; BENCH_SCENARIO is "replace-all" or "list".

local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
   tokens[#tokens + 1] = line
end
local next_user = 0

function setup(thread)
   next_user = next_user + 1
   thread:set("user", next_user)
   thread:set("token", tokens[next_user])
end

local function id(prefix, n)
   return string.format("00000000-0000-4000-%s-%012d", prefix, n)
end

-- The user's set: 10 goals with fixed ids and 3 milestones each. The counter in the titles makes
-- every request change every goal, so each replace really writes 10 rows.
local function goal_set(counter)
   local goals = {}
   for g = 1, 10 do
      local milestones = {}
      for m = 1, 3 do
         milestones[m] = string.format('{"id":"%s","title":"Step %d of goal %d","completed":false}',
            id("8001", user * 1000 + g * 10 + m), m, g)
      end
      goals[g] = string.format('{"id":"%s","title":"Goal %d, take %d","description":"Benchmark goal",'
         .. '"category":"bench","targetDate":"2027-06-01","status":"active","milestones":[%s]}',
         id("8000", user * 100 + g), g, counter, table.concat(milestones, ","))
   end
   return "[" .. table.concat(goals, ",") .. "]"
end

local counter = 0
local scenario = os.getenv("BENCH_SCENARIO")

function request()
   local headers = { ["Authorization"] = "Bearer " .. token }
   if scenario == "list" then
      return wrk.format("GET", "/api/v1/goals", headers)
   end
   counter = counter + 1
   headers["Content-Type"] = "application/json"
   return wrk.format("PUT", "/api/v1/goals", headers, goal_set(counter))
end
