// Deploys tests/adapters/PublishTestVault.sol (compiled with the pinned solc) on a running
// anvil from its first unlocked account, for the EVM publisher's tests
// (tests/adapters/evm_publish_test.cpp). Prints one JSON object: vault (address), accounts
// (anvil's unlocked accounts), refuse (calldata prefix of refuse(uint64,bool)'s selector).
// Usage: node tests/adapters/publish_chain.mjs RPC_URL
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const solc = createRequire(import.meta.url)('solc');
const url = process.argv[2];
if (!url) { console.error('usage: publish_chain.mjs RPC_URL'); process.exit(2); }

async function rpc(method, params = []) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const j = await res.json();
  if (j.error) throw new Error(`${method}: ${JSON.stringify(j.error)}`);
  return j.result;
}

const out = JSON.parse(solc.compile(JSON.stringify({
  language: 'Solidity',
  sources: { 'PublishTestVault.sol': { content: readFileSync(join(here, 'PublishTestVault.sol'), 'utf8') } },
  settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun',
              outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.methodIdentifiers'] } } },
})));
const errors = (out.errors || []).filter((e) => e.severity === 'error');
if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
const art = out.contracts['PublishTestVault.sol'].PublishTestVault;

const accounts = await rpc('eth_accounts');
const hash = await rpc('eth_sendTransaction', [{ from: accounts[0], data: '0x' + art.evm.bytecode.object, gas: '0x200000' }]);
let receipt = null;
for (let i = 0; i < 200 && !receipt; ++i) {
  receipt = await rpc('eth_getTransactionReceipt', [hash]);
  if (!receipt) await new Promise((r) => setTimeout(r, 25));
}
if (!receipt || receipt.status !== '0x1') throw new Error('deployment failed');
console.log(JSON.stringify({ vault: receipt.contractAddress.toLowerCase(),
  accounts: accounts.map((a) => a.toLowerCase()), refuse: '0x' + art.evm.methodIdentifiers['refuse(uint64,bool)'] }));
