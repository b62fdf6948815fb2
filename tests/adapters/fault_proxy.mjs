// A JSON-RPC proxy in front of a real node (anvil) that misbehaves by rule, for the EVM
// watcher's tests (tests/adapters/evm_fault_proxy_test.cpp): it forwards every call (batches
// call by call) and alters the answers the ways real nodes and providers do.
//
// Usage: node tests/adapters/fault_proxy.mjs UPSTREAM_URL PORT
// Listens on 127.0.0.1:PORT (it answers proxy_stats once it is up). The rules are set
// with a JSON-RPC call the proxy answers itself: proxy_rules [RULES] (replaces them all), and
// proxy_stats [] returns {requests, methods: {name: count}}. RULES, every key optional:
//   status: [{code, retryAfter, body}]  the next requests get this HTTP status instead (a queue)
//   delayMs: [ms]                        the next requests are answered this late (a queue)
//   truncate: n                          the next n answers stop half way (connection closed)
//   garbage: n                           the next n answers are an HTML error page with 200
//   chainId: n                           eth_chainId answers n
//   finalizedError: true                 eth_getBlockByNumber("finalized") is an error
//   swapBlockHash: [{block, hash}]       eth_getBlockByNumber(block) names another hash
//   hideLogs: [{block, logIndex}]        eth_getLogs leaves these logs out
//   alterData: [{block, logIndex, data}] eth_getLogs gives this log another data
//   capLogs: n                           eth_getLogs answers at most n logs, silently
//   maxResults: n                        eth_getLogs over n logs: "query returned more than n results"
//   maxBlockRange: n                     eth_getLogs over n blocks: "block range too large"
//   emptyAbove: {block, answers}         the next `answers` eth_getLogs leave out blocks above
//   topicsBreak: true                    eth_getLogs with a topic filter answers []
import http from 'node:http';

const [upstream, port] = process.argv.slice(2);
if (!upstream || !port) {
  console.error('usage: fault_proxy.mjs UPSTREAM_URL PORT');
  process.exit(2);
}

let rules = {};
const stats = { requests: 0, methods: {} };
const num = (h) => Number(BigInt(h));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function forward(call) {
  const res = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' },
                                      body: JSON.stringify(call) });
  return res.json();
}

function error(call, code, message) {
  return { jsonrpc: '2.0', id: call.id, error: { code, message } };
}

async function getLogs(call) {
  const f = call.params[0];
  const from = num(f.fromBlock), to = num(f.toBlock);
  if (rules.maxBlockRange && to - from + 1 > rules.maxBlockRange) return error(call, -32000, 'block range too large');
  if (rules.topicsBreak && f.topics) return { jsonrpc: '2.0', id: call.id, result: [] };
  const resp = await forward(call);
  if (!Array.isArray(resp.result)) return resp;
  let logs = resp.result;
  const at = (l, r) => num(l.blockNumber) === r.block && num(l.logIndex) === r.logIndex;
  logs = logs.filter((l) => !(rules.hideLogs ?? []).some((r) => at(l, r)));
  if (rules.emptyAbove && rules.emptyAbove.answers > 0) {
    --rules.emptyAbove.answers;
    logs = logs.filter((l) => num(l.blockNumber) <= rules.emptyAbove.block);
  }
  for (const r of rules.alterData ?? []) for (const l of logs) if (at(l, r)) l.data = r.data;
  if (rules.maxResults && logs.length > rules.maxResults)
    return error(call, -32005, `query returned more than ${rules.maxResults} results`);
  if (rules.capLogs) logs = logs.slice(0, rules.capLogs);
  return { ...resp, result: logs };
}

async function answer(call) {
  stats.methods[call.method] = (stats.methods[call.method] ?? 0) + 1;
  if (call.method === 'eth_chainId' && rules.chainId)
    return { jsonrpc: '2.0', id: call.id, result: '0x' + rules.chainId.toString(16) };
  if (call.method === 'eth_getLogs') return getLogs(call);
  if (call.method === 'eth_getBlockByNumber') {
    if (call.params[0] === 'finalized' && rules.finalizedError) return error(call, -39001, 'Unknown block');
    const resp = await forward(call);
    for (const r of rules.swapBlockHash ?? [])
      if (resp.result && num(resp.result.number) === r.block) resp.result.hash = r.hash;
    return resp;
  }
  return forward(call);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400);
      res.end('not JSON');
      return;
    }
    if (body.method === 'proxy_rules') {
      rules = body.params[0] ?? {};
      res.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, result: true }));
      return;
    }
    if (body.method === 'proxy_stats') {
      res.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, result: stats }));
      return;
    }
    ++stats.requests;
    if (rules.status?.length) {
      const s = rules.status.shift();
      res.writeHead(s.code, s.retryAfter !== undefined ? { 'retry-after': String(s.retryAfter) } : {});
      res.end(s.body ?? '');
      return;
    }
    if (rules.delayMs?.length) {
      await sleep(rules.delayMs.shift());
      if (res.destroyed || req.socket.destroyed) return;  // the client gave up: no rule spent on it
    }
    const calls = Array.isArray(body) ? body : [body];
    const answers = [];
    for (const c of calls) answers.push(await answer(c));
    const out = JSON.stringify(Array.isArray(body) ? answers : answers[0]);
    if (rules.truncate > 0) {
      --rules.truncate;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.write(out.slice(0, Math.floor(out.length / 2)));
      res.destroy();
      return;
    }
    if (rules.garbage > 0) {
      --rules.garbage;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(out);
  });
});
server.on('clientError', (err, socket) => socket.destroy());
server.listen(Number(port), '127.0.0.1');
