// The plain JSON-RPC calls the anvil test scripts (evm_chain.mjs, publish_chain.mjs) make
// without ethers' provider (which caches and batches): one POST per call.
//   rpc(method, params) -> the result; a JSON-RPC error is thrown naming the method.
//   receipt(hash) -> the transaction's receipt once mined (polled every 25 ms, up to 10 s);
//                    throws naming the hash if it is not mined by then.
export function jsonRpc(url) {
  async function rpc(method, params = []) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const j = await res.json();
    if (j.error) throw new Error(`${method}: ${JSON.stringify(j.error)}`);
    return j.result;
  }
  async function receipt(hash) {
    for (let i = 0; i < 400; ++i) {
      const r = await rpc('eth_getTransactionReceipt', [hash]);
      if (r) return r;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error(`transaction ${hash} was not mined`);
  }
  return { rpc, receipt };
}
