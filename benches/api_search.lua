-- wrk script for the daemon's search API: rotates the typical searches of benches/index.rs.
--
--   wrk -t2 -c200 -d30s --latency -s benches/api_search.lua http://127.0.0.1:8080
--
-- Every request is a page of 10 hits with snippets and evidence, as the web page and
-- monitors ask for them.
local queries = {
  "q=machete",
  "q=machete&flagged=true&sort=newest",
  "q=government",
  "q=police%20OR%20army",
  "q=%22prime%20minister%22",
  "q=title:election",
  "q=attack%20-police",
  "q=gouvernement&lang=fr",
  "q=exterminer&lang=fr&level=warning",
  "q=serikali&lang=sw",
  "q=Regierung&lang=de",
  "q=&flagged=true&sort=score",
  "q=machete&since=30d",
  "q=category:incitement",
  "q=refugees&country=KE",
}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/search?" .. queries[(n % #queries) + 1])
end
