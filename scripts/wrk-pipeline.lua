-- HTTP/1.1 pipelining for wrk: every connection sends DEPTH copies of its request back to
-- back, in one write, and sends the next batch once all DEPTH responses are in.
--
--   wrk -t1 -c50 -d10s -s scripts/wrk-pipeline.lua http://127.0.0.1:8080/plaintext -- 16
--
-- The request is the one wrk would send without a script (method, the URL's path, the -H
-- headers). wrk counts every response as a request, and it learns how many responses to
-- wait for by parsing the batch that request() returns, so the rates it prints are
-- requests per second, not batches. The depth defaults to 16.

local batch

function init(args)
  local depth = tonumber(args[1] or "16")
  if depth == nil or depth < 1 then
    error("wrk-pipeline.lua: the depth must be a positive number, not '" .. tostring(args[1]) .. "'")
  end
  batch = string.rep(wrk.format(), depth)
end

function request()
  return batch
end
