// Checks the vectors written by commitment_vectors.mjs (and accumulator_vectors.mjs) against
// real Solidity on a real EVM:
// for each vector, a contract compiled with the pinned solc rebuilds the bytes with abi.encode,
// sha256, abi.encodePacked and ecrecover in its constructor, and returns them; the constructor
// is run with eth_call on a local anvil (no deployment needed). Exits 0 when every byte agrees.
// Run: node tests/vectors/commitment_solidity_check.mjs   (needs scripts/setup's npm tools)
// The Solidity here is the reference for a vault contract: docs/proofs.md.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const solc = require('solc');
// Integers beyond 2^53 (uint64 epochs, times, heights, counts) are read as strings so they stay
// exact.
const load = (n) => JSON.parse(readFileSync(join(here, n), 'utf8')
  .replace(/(?<=[[:,]\s*)(\d{16,})(?=\s*[,\]}])/g, '"$1"'));

const commitments = load('commitment_vectors.json');
const withdrawals = load('withdrawals_vectors.json');
const certificate = load('certificate_vectors.json');
const accumulator = load('accumulator_vectors.json');

const b32 = (h) => `bytes32(hex"${h.slice(2)}")`;
const addr = (h) => `address(bytes20(hex"${h.slice(2)}"))`;
const arr = (type, name, items, lit) =>
  `${type}[] memory ${name} = new ${type}[](${items.length});\n` +
  items.map((x, i) => `    ${name}[${i}] = ${lit(x)};`).join('\n');

// abi.encode of the fourteen arguments of docs/proofs.md "Epoch commitment", with their Solidity
// types, the arrays built element by element.
function encodeCall(c) {
  return `
    ${arr('uint64', 'ch', c.cut_heights, String)}
    ${arr('bytes32', 'cx', c.cut_hashes, b32)}
    ${arr('uint64', 'ct', c.cut_timestamps, String)}
    ${arr('uint64', 'ec', c.event_counts, String)}
    ${arr('bytes32', 'ea', c.event_accumulators, b32)}
    ${arr('bytes32', 'lr', c.liabilities_roots, b32)}
    ${arr('uint128', 'lt', c.liabilities_totals, String)}
    ${arr('uint128', 'cu', c.custody, String)}
    ${arr('uint128', 'pe', c.pending, String)}
    ${arr('bytes32', 'wr', c.withdrawal_roots, b32)}
    bytes memory enc = abi.encode(${b32(c.network_id)}, uint64(${c.epoch}), ${b32(c.previous)},
                                  uint64(${c.end_time}), ch, cx, ct, ec, ea, lr, lt, cu, pe, wr);`;
}

const library = `
  // Withdrawal proof check as a vault contract does it (docs/proofs.md).
  function leafHash(bytes32 id, address recipient, address token, uint256 amount)
      internal pure returns (bytes32) {
    return sha256(abi.encodePacked(bytes1(0x00), id, recipient, token, amount));
  }
  function verify(bytes32 root, bytes32 leaf, uint256 index, uint256 count, bytes32[] memory siblings)
      internal pure returns (bool) {
    if (index >= count) return false;
    uint256 depth = 0;
    while ((uint256(1) << depth) < count) ++depth;
    if (siblings.length != depth) return false;
    bytes32 node = leaf;
    for (uint256 i = 0; i < depth; ++i) {
      node = (index >> i) & 1 == 1
        ? sha256(abi.encodePacked(bytes1(0x01), siblings[i], node))
        : sha256(abi.encodePacked(bytes1(0x01), node, siblings[i]));
    }
    return sha256(abi.encodePacked(bytes1(0x02), count, node)) == root;
  }
  function recoverSigner(bytes32 digest, bytes memory sig) internal pure returns (address) {
    require(sig.length == 65, "length");
    bytes32 r; bytes32 s; uint8 v;
    assembly { r := mload(add(sig, 32)) s := mload(add(sig, 64)) v := byte(0, mload(add(sig, 96))) }
    require(v == 27 || v == 28, "v");
    require(uint256(s) <= 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0, "high s");
    return ecrecover(digest, v, r, s);
  }`;

const contracts = {};
commitments.cases.forEach((k, i) => {
  contracts[`Commitment${i}`] = `${encodeCall(k.commitment)}
    out = abi.encodePacked(sha256(enc), enc);`;
});
{
  const lines = [];
  for (const k of withdrawals.cases) {
    k.sorted_ids.forEach((id, i) => {
      const leaf = k.leaves.find((l) => l.id === id);
      const p = k.proofs[i];
      lines.push(`{ ${arr('bytes32', 's', p.siblings, b32)}
      bytes32 lh = leafHash(${b32(leaf.id)}, ${addr(leaf.recipient)}, ${addr(leaf.token)}, ${leaf.amount});
      out = abi.encodePacked(out, lh, verify(${b32(k.root)}, lh, ${p.index}, ${p.count}, s)); }`);
    });
  }
  lines.push(`out = abi.encodePacked(out, sha256(abi.encodePacked(bytes1(0x02), uint256(0), bytes32(0))));`);
  contracts.Withdrawals = lines.join('\n    ');
}
contracts.Certificate = `${encodeCall(certificate.commitment)}
    bytes32 digest = sha256(abi.encodePacked(${b32(certificate.network_id)}, sha256(enc)));
    out = abi.encodePacked(sha256(enc), digest);
    ${certificate.signatures.map((s) => `out = abi.encodePacked(out, recoverSigner(digest, hex"${s.signature.slice(2)}"));`).join('\n    ')}`;

// The vault's event accumulator (docs/node.md "The vault contract"): each step folds one record
// with the exact Solidity types of the spec, and appends (uint64 count, bytes32 acc) to out.
{
  const str = (s) => JSON.stringify(s);  // an ASCII asset id as a Solidity string literal
  const lines = ['bytes32 acc; uint64 count;'];
  for (const { event: e } of accumulator.steps) {
    let packed;
    if (e.type === 'deposit') {
      packed = `uint8(1), ${addr(e.token)}, ${b32(e.account)}, uint256(${e.amount})`;
    } else if (e.type === 'withdrawal_request') {
      lines.push(`{ string memory asset = ${str(e.asset)};`);
      packed = `uint8(2), ${b32(e.account)}, uint128(${e.amount}), uint64(${e.dest_chain_id}), ` +
               `${addr(e.recipient)}, uint8(bytes(asset).length), asset`;
    } else {
      packed = `uint8(3), ${b32(e.withdrawal_id)}`;
    }
    lines.push(`acc = keccak256(abi.encodePacked(acc, ${packed})); count += 1;`,
               'out = abi.encodePacked(out, count, acc);');
    if (e.type === 'withdrawal_request') lines.push('}');
  }
  contracts.Accumulator = lines.join('\n    ');
}

let source = '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n';
for (const [name, body] of Object.entries(contracts)) {
  source += `contract ${name} {${library}
  constructor() {
    bytes memory out;
    ${body}
    assembly { return(add(out, 32), mload(out)) }
  }
}\n`;
}
const compiled = JSON.parse(solc.compile(JSON.stringify({
  language: 'Solidity', sources: { 'Check.sol': { content: source } },
  // viaIR (with the optimizer it needs): abi.encode of fourteen arguments is too deep a stack
  // for the legacy code generator.
  settings: { viaIR: true, optimizer: { enabled: false }, outputSelection: { '*': { '*': ['evm.bytecode.object'] } } },
})));
const errors = (compiled.errors || []).filter((e) => e.severity === 'error');
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(2);
}

const port = 20000 + Math.floor(Math.random() * 30000);
const anvil = spawn(join(root, 'node_modules', '.bin', 'anvil'),
                    ['--host', '127.0.0.1', '--port', String(port), '--silent', '--code-size-limit', '1000000'],
                    { stdio: 'ignore' });
const rpc = async (method, params) => {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const j = await res.json();
  if (j.error) throw new Error(`${method}: ${JSON.stringify(j.error)}`);
  return j.result;
};
let failures = 0;
const expectEq = (what, got, want) => {
  if (got !== want) { ++failures; console.error(`MISMATCH ${what}\n  solidity: ${got}\n  vector:   ${want}`); }
};
try {
  let ready = false;
  for (let i = 0; i < 200 && !ready; ++i) {  // wait for the RPC port, at most ~10 s
    try { await rpc('eth_chainId', []); ready = true; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  if (!ready) throw new Error('anvil did not start');
  const run = async (name) => {
    const code = '0x' + compiled.contracts['Check.sol'][name].evm.bytecode.object;
    return (await rpc('eth_call', [{ data: code, gas: '0x' + (1e9).toString(16) }, 'latest'])).slice(2);
  };
  for (let i = 0; i < commitments.cases.length; ++i) {
    const k = commitments.cases[i];
    const out = await run(`Commitment${i}`);
    expectEq(`${k.name} hash`, '0x' + out.slice(0, 64), k.hash);
    expectEq(`${k.name} encoding`, '0x' + out.slice(64), k.encoding);
  }
  {
    let out = await run('Withdrawals');
    for (const k of withdrawals.cases) {
      k.sorted_ids.forEach((id, i) => {
        expectEq(`${k.name} leaf ${i} hash`, '0x' + out.slice(0, 64), k.leaf_hashes[i]);
        expectEq(`${k.name} proof ${i} verifies`, out.slice(64, 66), '01');
        out = out.slice(66);
      });
    }
    expectEq('empty withdrawal root', '0x' + out, withdrawals.cases.find((k) => k.name === 'empty').root);
  }
  {
    const out = await run('Certificate');
    expectEq('certificate commitment hash', '0x' + out.slice(0, 64), certificate.commitment_hash);
    expectEq('certificate signing digest', '0x' + out.slice(64, 128), certificate.signing_digest);
    certificate.keys.forEach((k, i) => {
      expectEq(`ecrecover of ${k.name}'s signature`, '0x' + out.slice(128 + 40 * i, 168 + 40 * i), k.address);
    });
  }
  {
    let out = await run('Accumulator');
    for (const s of accumulator.steps) {
      expectEq(`accumulator step ${s.count} count`, BigInt('0x' + out.slice(0, 16)), BigInt(s.count));
      expectEq(`accumulator step ${s.count} (${s.event.type})`, '0x' + out.slice(16, 80), s.accumulator);
      out = out.slice(80);
    }
    expectEq('accumulator steps', out, '');
  }
} finally {
  anvil.kill();
}
console.log(failures === 0 ? 'solidity agrees with every vector' : `${failures} mismatches`);
process.exit(failures === 0 ? 0 : 1);
