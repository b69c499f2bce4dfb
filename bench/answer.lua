-- wrk script for bench/run: every request POSTs an answer with its own
-- answer id and its own participant cookie, as distinct phones would.
local counter = 0
function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
end

local n = 0
local nonce
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
	if not nonce then
		nonce = string.format("%04x%04x", tid or 0, os.time() % 0x10000)
	end
	n = n + 1
	local body = string.format('{"id":"wrk-%s-%010d","slide":%s,"value":%d}',
		nonce, n, os.getenv("SLIDE") or "0", n % 3)
	wrk.headers["Cookie"] = string.format("inspraak_p=%s%024x", nonce, n)
	return wrk.format(nil, nil, nil, body)
end
