// What the vault contract's tests share (tests/deploy/vault_*_test.mjs, gas_report.mjs): a real
// anvil on a free port, JSON-RPC, transactions from anvil's unlocked accounts, refusals checked by
// their revert data; and docs/proofs.md + docs/node.md written out independently of the contract
// (ABI encoding from the Solidity spec, the 14-field commitment, signatures with @noble/curves,
// the withdrawal tree), which the tests first pin to tests/vectors/*.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { Interface } from 'ethers';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/// A tests/vectors file; integers of 16 digits or more are read as strings so they stay exact.
export const vectors = (n) => JSON.parse(readFileSync(join(root, 'tests', 'vectors', n), 'utf8')
  .replace(/(?<=[[:,]\s*)(\d{16,})(?=\s*[,\]}])/g, '"$1"'));

// ---------------------------------------------------------------------------------------------
// Bytes, hashes, ABI

export const hex = (b) => '0x' + Buffer.from(b).toString('hex');
export const unhex = (s) => Buffer.from(s.replace(/^0x/, ''), 'hex');
export const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts.map(Buffer.from))).digest();
export const keccak = (s) => Buffer.from(keccak_256(Buffer.from(s)));
export const word = (n) => {
  let v = BigInt(n);
  if (v < 0n || v >= 1n << 256n) throw new Error(`${n} does not fit in 256 bits`);
  const w = Buffer.alloc(32);
  for (let i = 31; i >= 0; --i) { w[i] = Number(v & 0xffn); v >>= 8n; }
  return w;
};
const pad32 = (b) => Buffer.concat([Buffer.alloc(32 - b.length), b]);
const padRight = (b) => Buffer.concat([b, Buffer.alloc((32 - (b.length % 32)) % 32)]);
/// The EVM default account: an address left-padded to 32 bytes.
export const account = (addr) => hex(pad32(unhex(addr)));
export const ZERO_ADDRESS = '0x' + '00'.repeat(20);
export const ZERO32 = hex(Buffer.alloc(32));

// Types: 'uint64', 'bytes32', 'address', 'bytes', 'string', 'T[]' (T a word type), an array of
// types (a tuple), or {of: T} (an array of T, which may be a tuple).
const isDynamic = (t) => Array.isArray(t) ? t.some(isDynamic)
  : t.of !== undefined || t === 'bytes' || t === 'string' || t.endsWith('[]');
const headSize = (t) => Array.isArray(t) && !isDynamic(t) ? 32 * t.length : 32;
function encodeStatic(t, v) {
  if (t === 'address' || t === 'bytes32') return pad32(unhex(v));
  if (t === 'bool') return word(v ? 1 : 0);
  return word(v);  // uintN
}
/// Solidity's abi.encode of `values` as arguments of `types`.
export function encode(types, values) {
  const heads = []; const tails = [];
  let offset = types.reduce((n, t) => n + headSize(t), 0);
  types.forEach((t, i) => {
    const v = values[i];
    if (!isDynamic(t)) {
      heads.push(Array.isArray(t) ? encode(t, v) : encodeStatic(t, v));
      return;
    }
    let tail;
    if (Array.isArray(t)) tail = encode(t, v);
    else if (t.of !== undefined) tail = Buffer.concat([word(v.length), encode(v.map(() => t.of), v)]);
    else if (t === 'bytes' || t === 'string') {
      const b = t === 'string' ? Buffer.from(v, 'utf8') : unhex(v);
      tail = Buffer.concat([word(b.length), padRight(b)]);
    } else {
      const base = t.slice(0, -2);
      tail = Buffer.concat([word(v.length), encode(v.map(() => base), v)]);
    }
    heads.push(word(offset));
    tails.push(tail);
    offset += tail.length;
  });
  return Buffer.concat([...heads, ...tails]);
}
export const selector = (sig) => keccak(sig).subarray(0, 4);
/// Calldata of `artifact`'s function `name` (selector from its ABI) with `values` as `types`.
export function callData(artifact, name, types, values) {
  artifact.iface ??= new Interface(artifact.abi);
  const f = artifact.iface.getFunction(name);
  if (!f) throw new Error(`no function ${name}`);
  return hex(Buffer.concat([unhex(f.selector), encode(types, values)]));
}

// ---------------------------------------------------------------------------------------------
// docs/node.md "Commitment" and docs/proofs.md, written out independently of the contract

/// The commitment's fourteen fields, in order, with their JSON names and Solidity types.
export const COMMITMENT_FIELDS = [
  ['network_id', 'bytes32'], ['epoch', 'uint64'], ['previous', 'bytes32'], ['end_time', 'uint64'],
  ['cut_heights', 'uint64[]'], ['cut_hashes', 'bytes32[]'], ['cut_timestamps', 'uint64[]'],
  ['event_counts', 'uint64[]'], ['event_accumulators', 'bytes32[]'], ['liabilities_roots', 'bytes32[]'],
  ['liabilities_totals', 'uint128[]'], ['custody', 'uint128[]'], ['pending', 'uint128[]'],
  ['withdrawal_roots', 'bytes32[]'],
];
/// The commitment's canonical encoding: abi.encode of its fourteen fields as arguments.
export const commitmentBytes = (c) => encode(COMMITMENT_FIELDS.map(([, t]) => t), COMMITMENT_FIELDS.map(([k]) => {
  if (c[k] === undefined) throw new Error(`commitment without ${k}`);
  return c[k];
}));
/// abi.encode of a commitment JSON object's fields in the object's own order, each a word
/// (a 0x-hex string of 32 bytes: bytes32; a number or decimal string: uintN) or an array of
/// them: how tests/vectors/* commitments are encoded, whatever their fields.
export function encodeInOrder(c) {
  const typeOf = (v) => typeof v === 'string' && v.startsWith('0x') ? 'bytes32' : 'uint256';
  const entries = Object.entries(c);
  return encode(entries.map(([, v]) => Array.isArray(v) ? `${v.length ? typeOf(v[0]) : 'uint256'}[]` : typeOf(v)),
                entries.map(([, v]) => v));
}
export const commitmentHash = (c) => sha256(commitmentBytes(c));
export const signingDigest = (networkId, hash) => sha256(unhex(networkId), hash);
export const N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
export function sign(secretHex, digest) {  // r || s || v, v = 27 + recovery id
  const s = secp256k1.sign(digest, unhex(secretHex), { prehash: false, format: 'recovered' });
  return hex(Buffer.concat([s.subarray(1), Buffer.from([27 + s[0]])]));
}
/// The same signature with s' = n - s, v' = 27 <-> 28: ecrecover still accepts it.
export function highS(sig) {
  const b = unhex(sig);
  const s = BigInt(hex(b.subarray(32, 64)));
  return hex(Buffer.concat([b.subarray(0, 32), word(N - s), Buffer.from([55 - b[64]])]));
}
export const evmAddress = (secretHex) =>
  hex(keccak(secp256k1.getPublicKey(unhex(secretHex), false).subarray(1)).subarray(12));
/// What ecrecover makes of r || s || v over `digest`: the address of the key it recovers.
export function recoverAddress(sig, digest) {
  const b = unhex(sig);
  const pub = secp256k1.recoverPublicKey(Buffer.concat([Buffer.from([b[64] - 27]), b.subarray(0, 64)]), digest,
                                         { prehash: false });
  return hex(keccak(secp256k1.Point.fromBytes(pub).toBytes(false).subarray(1)).subarray(12));
}
/// Validator keys k = 1..n (secret, address), as tests/vectors/certificate_vectors.json's.
export const testKeys = (n) => Array.from({ length: n }, (_, i) => {
  const secret_key = hex(word(i + 1));
  return { secret_key, address: evmAddress(secret_key) };
});
/// Signatures of `keys` over commitment `c` for network `net`, in ascending signer address order.
export const certify = (c, keys, net = c.network_id) => {
  const digest = signingDigest(net, commitmentHash(c));
  return [...keys].sort((a, b) => Buffer.compare(unhex(a.address), unhex(b.address)))
    .map((k) => sign(k.secret_key, digest));
};

const leafHash = (w) => sha256(Buffer.from([0]), unhex(w.id), unhex(w.recipient), unhex(w.token), word(w.amount));
const inner = (l, r) => sha256(Buffer.from([1]), l, r);
/// The withdrawal tree: root and, per leaf in id order, (index, count, siblings).
export function withdrawalTree(leaves) {
  const sorted = [...leaves].sort((a, b) => Buffer.compare(unhex(a.id), unhex(b.id)));
  let depth = 0;
  while ((1 << depth) < sorted.length) ++depth;
  let level = sorted.map(leafHash);
  while (level.length < (1 << depth)) level.push(Buffer.alloc(32));
  const levels = [level];
  while (level.length > 1) {
    const up = [];
    for (let i = 0; i < level.length; i += 2) up.push(inner(level[i], level[i + 1]));
    levels.push(level = up);
  }
  const top = sorted.length === 0 ? Buffer.alloc(32) : level[0];
  const treeRoot = hex(sha256(Buffer.from([2]), word(sorted.length), top));
  const proofs = sorted.map((w, index) => ({
    leaf: w, index, count: sorted.length,
    siblings: levels.slice(0, depth).map((l, d) => hex(l[(index >> d) ^ 1])),
  }));
  return { root: treeRoot, sorted, proofs, proof: (id) => proofs.find((p) => p.leaf.id === id) };
}
export const emptyRoot = withdrawalTree([]).root;
/// A withdrawal leaf whose id is SHA-256 of `name`.
export const leaf = (name, recipient, token, amount) => ({ id: hex(sha256(Buffer.from(name))), recipient, token,
                                                           amount: String(amount) });

/// A commitment of epoch `epoch` for `chains` chains and `assets` assets whose withdrawal roots
/// are `roots` (empty roots for the chains not given); every other field is filler of the right
/// shape, distinct per epoch.
export function commitment(networkId, epoch, roots, { chains = 2, assets = 2 } = {}) {
  const perChain = (f) => Array.from({ length: chains }, (_, i) => f(i));
  const perAsset = (f) => Array.from({ length: assets }, (_, i) => f(i));
  const cells = (f) => Array.from({ length: chains * assets }, (_, i) => f(i));
  return {
    network_id: networkId, epoch, previous: hex(Buffer.alloc(32, 0x11)), end_time: 1764470000 + 60 * (epoch + 1),
    cut_heights: perChain((i) => 100 * (i + 1) + epoch), cut_hashes: perChain((i) => hex(Buffer.alloc(32, 0x40 + i))),
    cut_timestamps: perChain(() => 1764470000 + 60 * epoch + 30), event_counts: perChain((i) => 3 * epoch + i),
    event_accumulators: perChain((i) => hex(Buffer.alloc(32, 0x60 + i))),
    liabilities_roots: perAsset((i) => hex(Buffer.alloc(32, 0x22 + i))),
    liabilities_totals: perAsset((i) => String(1000000n * BigInt(i + 1))),
    custody: cells((i) => String(600000n + BigInt(i))), pending: cells(() => '0'),
    withdrawal_roots: perChain((i) => roots[i] ?? emptyRoot),
  };
}

// ---------------------------------------------------------------------------------------------
// anvil and JSON-RPC

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

export class RpcError extends Error {
  constructor(method, error) { super(`${method}: ${JSON.stringify(error)}`); this.data = error.data; }
}

/// A local anvil started on a free port (stopped by stop(), and when the process exits), with
/// JSON-RPC helpers. `args`: extra anvil arguments.
export class Chain {
  static async start(args = []) {
    const chain = new Chain();
    chain.url = `http://127.0.0.1:${await freePort()}`;
    chain.anvil = spawn(join(root, 'node_modules', '.bin', 'anvil'),
                        ['--host', '127.0.0.1', '--port', chain.url.split(':')[2], '--silent', ...args],
                        { stdio: 'ignore' });
    process.on('exit', () => chain.stop());
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { chain.stop(); process.exit(130); });
    for (let i = 0; ; ++i) {  // wait for the RPC port, at most ~15 s
      try { await chain.rpc('eth_chainId'); break; } catch (e) {
        if (i === 300 || chain.anvil.exitCode !== null) throw new Error(`anvil did not start: ${e.message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    chain.accounts = await chain.rpc('eth_accounts');
    chain.chainId = BigInt(await chain.rpc('eth_chainId'));
    return chain;
  }

  stop() { if (this.anvil && this.anvil.exitCode === null) this.anvil.kill(); }

  async rpc(method, params = []) {
    const res = await fetch(this.url, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const j = await res.json();
    if (j.error) throw new RpcError(method, j.error);
    return j.result;
  }

  /// The receipt of a sent transaction, once mined (anvil mines each one at once; allow ~10 s).
  async receiptOf(hash) {
    for (let i = 0; i < 200; ++i) {
      const receipt = await this.rpc('eth_getTransactionReceipt', [hash]);
      if (receipt) return receipt;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`transaction ${hash} was not mined`);
  }

  /// Sends a transaction and asserts it succeeded. `to` null: a deployment.
  async send(from, to, data, value = 0n) {
    const tx = { from, data, value: '0x' + BigInt(value).toString(16), ...(to === null ? {} : { to }) };
    const hash = await this.rpc('eth_sendTransaction', [tx]);
    const receipt = await this.receiptOf(hash);
    assert.equal(receipt.status, '0x1', `transaction ${hash} failed`);
    return receipt;
  }

  /// Deploys `artifact` ({abi, bytecode}) with ABI-encoded constructor arguments `args` (a Buffer).
  async deploy(artifact, args = Buffer.alloc(0), from = this.accounts[0]) {
    const receipt = await this.send(from, null, artifact.bytecode + args.toString('hex'));
    assert.ok(receipt.contractAddress, 'deployment failed');
    return receipt.contractAddress;
  }

  call(to, data, { from = this.accounts[0], block = 'latest' } = {}) {
    return this.rpc('eth_call', [{ from, to, data }, block]);
  }

  async balance(addr) { return BigInt(await this.rpc('eth_getBalance', [addr, 'latest'])); }

  /// The logs of `address` with topic0 keccak256(`event`) from block `fromBlock` on.
  logs(address, event, fromBlock) {
    return this.rpc('eth_getLogs', [{ address, fromBlock, toBlock: 'latest', topics: [hex(keccak(event))] }]);
  }

  /// Asserts that calling `data` reverts with the custom error `signature` and exactly the
  /// arguments `values` (eth_call's revert data), and that the same call sent as a transaction
  /// fails with the same revert data too: either anvil refuses it when estimating its gas (the
  /// revert data in the error's data), or it mines it with status 0 (anvil 1.7 does: its revert
  /// data is then the callTracer's output). `to` null: a deployment, `data` the bytecode and
  /// constructor arguments.
  async expectRevert(to, data, signature, types, values, { from = this.accounts[0], value = 0n } = {}) {
    const want = hex(Buffer.concat([selector(signature), encode(types, values)]));
    const tx = { from, ...(to === null ? {} : { to }), data, value: '0x' + BigInt(value).toString(16) };
    let err;
    try { await this.rpc('eth_call', [tx, 'latest']); } catch (e) { err = e; }
    assert.ok(err instanceof RpcError, `eth_call should revert with ${signature}`);
    assert.equal(err.data, want, `revert data of ${signature}`);
    let hash;
    try { hash = await this.rpc('eth_sendTransaction', [tx]); } catch (e) {
      assert.ok(e instanceof RpcError, e.message);
      assert.equal(e.data, want, `eth_sendTransaction's revert data of ${signature} (${e.message})`);
      return;
    }
    const receipt = await this.receiptOf(hash);
    assert.equal(receipt.status, '0x0', `a transaction expected to fail with ${signature} succeeded`);
    const trace = await this.rpc('debug_traceTransaction', [hash, { tracer: 'callTracer' }]);
    assert.equal(trace.output, want, `mined transaction's revert data of ${signature}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The vault's calls

export const WITHDRAWAL = ['bytes32', 'address', 'address', 'uint256'];
export const TOKEN = ['address', 'uint8', 'uint8'];
export const CONSTRUCTOR = ['bytes32', 'address[]', 'uint64[]', 'uint64', 'uint32', 'uint32', 'uint32', 'uint64',
                            { of: TOKEN }];
/// The vault's constructor arguments, ABI-encoded: `tokens` are [address, decimals, assetDecimals].
export const constructorArgs = ({ networkId, validators, weights, quorum, chainIndex = 0, chainCount = 2,
                                  assetCount = 2, chainId, tokens = [] }) =>
  encode(CONSTRUCTOR, [networkId, validators, weights, quorum, chainIndex, chainCount, assetCount, chainId, tokens]);
export const commitData = (vault, c, sigs) =>
  callData(vault, 'commitEpoch', ['bytes', 'bytes[]'], [hex(commitmentBytes(c)), sigs]);
export const claimData = (vault, epoch, p) => callData(vault, 'claim',
  ['uint64', WITHDRAWAL, 'uint256', 'uint256', 'bytes32[]'],
  [epoch, [p.leaf.id, p.leaf.recipient, p.leaf.token, p.leaf.amount], p.index, p.count, p.siblings]);
export const claimToData = (vault, epoch, p, payTo) => callData(vault, 'claimTo',
  ['uint64', WITHDRAWAL, 'uint256', 'uint256', 'bytes32[]', 'address'],
  [epoch, [p.leaf.id, p.leaf.recipient, p.leaf.token, p.leaf.amount], p.index, p.count, p.siblings, payTo]);
