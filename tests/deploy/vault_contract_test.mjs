// The vault contract (deploy/contracts/RelayVault.sol) on a real chain: compiles it with the
// pinned solc, starts a local anvil on a free port, deploys it (and tests/deploy/TestToken.sol,
// and the misbehaving ERC-20s of tests/deploy/EdgeTokens.sol) with eth_sendTransaction from
// anvil's unlocked first account, and exercises its constructor's refusals, deposits, withdrawal
// requests, certificates and claims, reading events with eth_getLogs and refusals from the revert
// data's custom error. Spec: docs/contract.md, docs/proofs.md.
// Run: node tests/deploy/vault_contract_test.mjs   (needs scripts/setup's npm tools; CTest runs it
// under the label "contract").
//
// Signatures come from @noble/curves, pinned through package-lock.json as
// tests/vectors/commitment_vectors.mjs uses it; the script first checks that its own encoder,
// signer and withdrawal tree reproduce tests/vectors/*.json byte for byte.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const solc = require('solc');
const vectors = (n) => JSON.parse(readFileSync(join(root, 'tests', 'vectors', n), 'utf8')
  .replace(/(?<=[[:,]\s*)(\d{16,})(?=\s*[,\]}])/g, '"$1"'));  // big integers stay exact
const certVectors = vectors('certificate_vectors.json');
const withdrawalVectors = vectors('withdrawals_vectors.json');

// ---------------------------------------------------------------------------------------------
// Bytes, hashes, ABI

const hex = (b) => '0x' + Buffer.from(b).toString('hex');
const unhex = (s) => Buffer.from(s.replace(/^0x/, ''), 'hex');
const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts.map(Buffer.from))).digest();
const keccak = (s) => Buffer.from(keccak_256(Buffer.from(s)));
const word = (n) => {
  let v = BigInt(n);
  if (v < 0n || v >= 1n << 256n) throw new Error(`${n} does not fit in 256 bits`);
  const w = Buffer.alloc(32);
  for (let i = 31; i >= 0; --i) { w[i] = Number(v & 0xffn); v >>= 8n; }
  return w;
};
const pad32 = (b) => Buffer.concat([Buffer.alloc(32 - b.length), b]);
const padRight = (b) => Buffer.concat([b, Buffer.alloc((32 - (b.length % 32)) % 32)]);
const account = (addr) => hex(pad32(unhex(addr)));  // the EVM default account: address left-padded

// Types: 'uint64', 'bytes32', 'address', 'bytes', 'string', 'T[]', or an array of types (tuple).
const isDynamic = (t) => Array.isArray(t) ? t.some(isDynamic) : t === 'bytes' || t === 'string' || t.endsWith('[]');
const headSize = (t) => Array.isArray(t) && !isDynamic(t) ? 32 * t.length : 32;
function encodeStatic(t, v) {
  if (t === 'address' || t === 'bytes32') return pad32(unhex(v));
  if (t === 'bool') return word(v ? 1 : 0);
  return word(v);  // uintN
}
function encode(types, values) {
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
const selector = (sig) => keccak(sig).subarray(0, 4);
const COMMITMENT = ['bytes32', 'uint64', 'bytes32', 'uint64[]', 'bytes32[]', 'uint128[]', 'uint128[]', 'bytes32[]'];
const WITHDRAWAL = ['bytes32', 'address', 'address', 'uint256'];
const CONSTRUCTOR = ['bytes32', 'address[]', 'uint64[]', 'uint64', 'uint32', 'uint32', 'uint32', 'uint64'];
const commitmentValues = (c) => [c.network_id, c.epoch, c.previous, c.finalized_heights, c.liabilities_roots,
  c.liabilities_totals, c.custody, c.withdrawal_roots];

// ---------------------------------------------------------------------------------------------
// docs/proofs.md, written out independently of the contract

const commitmentHash = (c) => sha256(encode(COMMITMENT, commitmentValues(c)));
const signingDigest = (networkId, c) => sha256(unhex(networkId), commitmentHash(c));
const N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
function sign(secretHex, digest) {  // r || s || v, v = 27 + recovery id
  const s = secp256k1.sign(digest, unhex(secretHex), { prehash: false, format: 'recovered' });
  return hex(Buffer.concat([s.subarray(1), Buffer.from([27 + s[0]])]));
}
function highS(sig) {  // the same signature with s' = n - s, v' = 27 <-> 28: ecrecover still accepts it
  const b = unhex(sig);
  const s = BigInt(hex(b.subarray(32, 64)));
  return hex(Buffer.concat([b.subarray(0, 32), word(N - s), Buffer.from([55 - b[64]])]));
}
const evmAddress = (secretHex) =>
  hex(keccak(secp256k1.getPublicKey(unhex(secretHex), false).subarray(1)).subarray(12));
/// What ecrecover makes of r || s || v over `digest`: the address of the key it recovers.
function recoverAddress(sig, digest) {
  const b = unhex(sig);
  const pub = secp256k1.recoverPublicKey(Buffer.concat([Buffer.from([b[64] - 27]), b.subarray(0, 64)]), digest,
                                         { prehash: false });
  return hex(keccak(secp256k1.Point.fromBytes(pub).toBytes(false).subarray(1)).subarray(12));
}

const leafHash = (w) => sha256(Buffer.from([0]), unhex(w.id), unhex(w.recipient), unhex(w.token), word(w.amount));
const inner = (l, r) => sha256(Buffer.from([1]), l, r);
/// The withdrawal tree: root and, per leaf in id order, (index, count, siblings).
function withdrawalTree(leaves) {
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
  return { root: treeRoot, sorted, proofs };
}

// ---------------------------------------------------------------------------------------------
// Compile, start anvil, JSON-RPC

function compile() {
  const sources = {
    'RelayVault.sol': { content: readFileSync(join(root, 'deploy', 'contracts', 'RelayVault.sol'), 'utf8') },
    'TestToken.sol': { content: readFileSync(join(here, 'TestToken.sol'), 'utf8') },
    'EdgeTokens.sol': { content: readFileSync(join(here, 'EdgeTokens.sol'), 'utf8') },
  };
  const out = JSON.parse(solc.compile(JSON.stringify({
    language: 'Solidity', sources,
    // evmVersion pinned (docs/contract.md): solc's default target moves with its releases.
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun',
                outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.methodIdentifiers'] } } },
  })));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const edge = out.contracts['EdgeTokens.sol'];
  return { vault: out.contracts['RelayVault.sol'].RelayVault, token: out.contracts['TestToken.sol'].TestToken,
           falseToken: edge.FalseToken, noReturnToken: edge.NoReturnToken, feeToken: edge.FeeToken,
           reentrantToken: edge.ReentrantToken };
}

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

let anvil;
let url;
class RpcError extends Error {
  constructor(method, error) { super(`${method}: ${JSON.stringify(error)}`); this.data = error.data; }
}
async function rpc(method, params = []) {
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const j = await res.json();
  if (j.error) throw new RpcError(method, j.error);
  return j.result;
}

let accounts;
let chainId;  // anvil's, as the vault is told at deployment
let artifacts;
let vault;  // address
let token;  // address

async function deploy(artifact, args = Buffer.alloc(0)) {
  const receipt = await receiptOf(await rpc('eth_sendTransaction', [{
    from: accounts[0], data: '0x' + artifact.evm.bytecode.object + args.toString('hex'),
  }]));
  assert.equal(receipt.status, '0x1', 'deployment reverted');
  assert.ok(receipt.contractAddress, 'deployment failed');
  return receipt.contractAddress;
}

const callData = (artifact, name, types, values) => {
  const sig = Object.keys(artifact.evm.methodIdentifiers).find((s) => s.startsWith(name + '('));
  if (!sig) throw new Error(`no function ${name}`);
  return hex(Buffer.concat([unhex(artifact.evm.methodIdentifiers[sig]), encode(types, values)]));
};
/// The receipt of a sent transaction, once mined (anvil mines each one at once; allow ~10 s).
async function receiptOf(hash) {
  for (let i = 0; i < 200; ++i) {
    const receipt = await rpc('eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`transaction ${hash} was not mined`);
}
async function send(from, to, data, value = 0n) {
  const hash = await rpc('eth_sendTransaction', [{ from, to, data, value: '0x' + value.toString(16) }]);
  const receipt = await receiptOf(hash);
  assert.equal(receipt.status, '0x1', `transaction ${hash} failed`);
  return receipt;
}
const call = (to, data, from = accounts[0]) => rpc('eth_call', [{ from, to, data }, 'latest']);
const V = (name, types, values) => callData(artifacts.vault, name, types, values);
const T = (name, types, values) => callData(artifacts.token, name, types, values);
const balance = async (addr) => BigInt(await rpc('eth_getBalance', [addr, 'latest']));
const tokenBalance = async (addr) => BigInt(await call(token, T('balanceOf', ['address'], [addr])));

/// Asserts that calling `data` reverts with the custom error `signature` and exactly the
/// arguments `values` (eth_call's revert data), and that the same call sent as a transaction
/// fails with the same revert data too: either anvil refuses it when estimating its gas (the
/// revert data in the error's data), or it mines it with status 0 (anvil 1.7 does: its revert
/// data is then the callTracer's output). `to` null: a deployment, `data` the bytecode and
/// constructor arguments.
async function expectRevert(to, data, signature, types, values, { from = accounts[0], value = 0n } = {}) {
  const want = hex(Buffer.concat([selector(signature), encode(types, values)]));
  const tx = { from, ...(to === null ? {} : { to }), data, value: '0x' + value.toString(16) };
  let err;
  try { await rpc('eth_call', [tx, 'latest']); } catch (e) { err = e; }
  assert.ok(err instanceof RpcError, `eth_call should revert with ${signature}`);
  assert.equal(err.data, want, `revert data of ${signature}`);
  let hash;
  try { hash = await rpc('eth_sendTransaction', [tx]); } catch (e) {
    assert.ok(e instanceof RpcError, e.message);
    assert.equal(e.data, want, `eth_sendTransaction's revert data of ${signature} (${e.message})`);
    return;
  }
  const receipt = await receiptOf(hash);
  assert.equal(receipt.status, '0x0', `a transaction expected to fail with ${signature} succeeded`);
  const trace = await rpc('debug_traceTransaction', [hash, { tracer: 'callTracer' }]);
  assert.equal(trace.output, want, `mined transaction's revert data of ${signature}`);
}

async function logs(event, fromBlock) {
  return rpc('eth_getLogs', [{ address: vault, fromBlock, toBlock: 'latest', topics: [hex(keccak(event))] }]);
}

// ---------------------------------------------------------------------------------------------
// The network: certificate_vectors.json's genesis (keys k = 1..4, weight 1 each, quorum 3),
// chains alpha (this anvil, index 0) and beta, assets ETH and USDC.

const networkId = certVectors.network_id;
const keys = certVectors.keys;  // v1..v4
const QUORUM = 3;
const CHAIN_INDEX = 0;
const outsider = '0x' + '00'.repeat(31) + '05';  // a key that is not a validator
const sorted = (sigs) => [...sigs].sort((a, b) => Buffer.compare(unhex(a.address), unhex(b.address)));
/// Signatures of `signers` (key indexes) over c, in ascending signer address order.
const certify = (c, signers, net = networkId) => sorted(signers.map((i) => ({
  address: keys[i].address, signature: sign(keys[i].secret_key, signingDigest(net, c)),
}))).map((s) => s.signature);

const emptyRoot = withdrawalTree([]).root;
function commitment(epoch, previous, alphaRoot) {
  return {
    network_id: networkId, epoch, previous,
    finalized_heights: [100 + epoch, 200 + epoch],
    liabilities_roots: [hex(Buffer.alloc(32, 0x22)), hex(Buffer.alloc(32, 0x33))],
    liabilities_totals: ['6000000000000000000', '250000000'],
    custody: ['6000000000000000000', '250000000', '0', '0'],
    withdrawal_roots: [alphaRoot, emptyRoot],
  };
}
const commitData = (c, sigs) => V('commitEpoch', [COMMITMENT, 'bytes[]'], [commitmentValues(c), sigs]);
const claimData = (epoch, p) => V('claim', ['uint64', WITHDRAWAL, 'uint256', 'uint256', 'bytes32[]'],
  [epoch, [p.leaf.id, p.leaf.recipient, p.leaf.token, p.leaf.amount], p.index, p.count, p.siblings]);

before(async () => {
  artifacts = compile();
  url = `http://127.0.0.1:${await freePort()}`;
  anvil = spawn(join(root, 'node_modules', '.bin', 'anvil'),
                ['--host', '127.0.0.1', '--port', url.split(':')[2], '--silent'], { stdio: 'ignore' });
  process.on('exit', () => anvil.kill());
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { anvil.kill(); process.exit(130); });
  for (let i = 0; ; ++i) {  // wait for the RPC port, at most ~15 s
    try { await rpc('eth_chainId'); break; } catch (e) {
      if (i === 300 || anvil.exitCode !== null) throw new Error(`anvil did not start: ${e.message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  accounts = await rpc('eth_accounts');
  chainId = BigInt(await rpc('eth_chainId'));
  token = await deploy(artifacts.token);
  vault = await deploy(artifacts.vault, encode(CONSTRUCTOR,
    [networkId, keys.map((k) => k.address), keys.map(() => 1), QUORUM, CHAIN_INDEX, 2, 2, chainId]));
  assert.ok(vault && token, 'deployment failed');
});

after(() => { if (anvil) anvil.kill(); });

// ---------------------------------------------------------------------------------------------

test('this script reproduces the shared vectors (encoding, signatures, withdrawal trees)', () => {
  assert.equal(hex(commitmentHash(certVectors.commitment)), certVectors.commitment_hash);
  assert.equal(hex(signingDigest(networkId, certVectors.commitment)), certVectors.signing_digest);
  keys.forEach((k, i) => {
    assert.equal(evmAddress(k.secret_key), k.address);
    assert.equal(sign(k.secret_key, unhex(certVectors.signing_digest)), certVectors.signatures[i].signature);
    assert.equal(recoverAddress(certVectors.signatures[i].signature, unhex(certVectors.signing_digest)), k.address);
  });
  for (const k of withdrawalVectors.cases) {
    const t = withdrawalTree(k.leaves);
    assert.equal(t.root, k.root, k.name);
    t.proofs.forEach((p, i) => assert.deepEqual(p.siblings, k.proofs[i].siblings, `${k.name} proof ${i}`));
  }
});

test('the vault checks the vector certificate and the vector proofs like the C++ verifier', async () => {
  const c = certVectors.certificate;
  const out = await call(vault, V('checkCertificate', [COMMITMENT, 'bytes[]'],
    [commitmentValues(c.commitment), c.signatures]));
  assert.equal(out, hex(Buffer.concat([unhex(certVectors.commitment_hash), word(3)])));
  for (const k of withdrawalVectors.cases) {
    for (const [i, id] of k.sorted_ids.entries()) {
      const leaf = k.leaves.find((l) => l.id === id);
      const p = k.proofs[i];
      const ok = await call(vault, V('verifyWithdrawal', ['bytes32', WITHDRAWAL, 'uint256', 'uint256', 'bytes32[]'],
        [k.root, [leaf.id, leaf.recipient, leaf.token, leaf.amount], p.index, p.count, p.siblings]));
      assert.equal(BigInt(ok), 1n, `${k.name} proof ${i}`);
    }
  }
});

test('the constructor refuses a bad validator set, quorum or chain index with named errors', async () => {
  // Each deployment attempt fails one check (eth_call with no `to`, then eth_sendTransaction):
  // the rest of its arguments are a valid network's.
  const deployData = (validators, weights, quorum, chainIndex = 0, chainCount = 2, assetCount = 2,
                      evmChainId = chainId) =>
    '0x' + artifacts.vault.evm.bytecode.object +
    encode(CONSTRUCTOR, [networkId, validators, weights, quorum, chainIndex, chainCount, assetCount,
                         evmChainId]).toString('hex');
  const refused = (data, signature, types, values) => expectRevert(null, data, signature, types, values);
  const [a0, a1, a2] = keys.map((k) => k.address);
  const zero = '0x' + '00'.repeat(20);
  const mismatch = ['ValidatorListMismatch(uint256,uint256)', ['uint256', 'uint256']];
  await refused(deployData([a0, a1], [1, 1, 1], 1), ...mismatch, [2, 3]);
  await refused(deployData([a0, a1, a2], [1, 1], 1), ...mismatch, [3, 2]);
  await refused(deployData([a0, zero, a2], [1, 1, 1], 1), 'InvalidValidator(uint256,address)',
                ['uint256', 'address'], [1, zero]);
  await refused(deployData([a0, a1, a2], [1, 1, 0], 1), 'ZeroWeight(uint256,address)', ['uint256', 'address'], [2, a2]);
  await refused(deployData([a0, a1, a0], [1, 1, 1], 1), 'DuplicateValidator(uint256,address)',
                ['uint256', 'address'], [2, a0]);
  const quorumErr = ['InvalidQuorum(uint64,uint256)', ['uint64', 'uint256']];
  await refused(deployData([a0, a1, a2], [1, 2, 3], 0), ...quorumErr, [0, 6]);
  await refused(deployData([a0, a1, a2], [1, 2, 3], 7), ...quorumErr, [7, 6]);
  await refused(deployData([], [], 1), ...quorumErr, [1, 0]);  // no validators: no quorum is reachable
  const chainErr = ['InvalidChainIndex(uint32,uint32)', ['uint32', 'uint32']];
  await refused(deployData([a0, a1, a2], [1, 2, 3], 6, 2, 2), ...chainErr, [2, 2]);
  await refused(deployData([a0, a1, a2], [1, 2, 3], 6, 0, 0), ...chainErr, [0, 0]);
  // A vault deployed for another chain (the genesis chain_id of its chainIndex) is refused.
  await refused(deployData([a0, a1, a2], [1, 2, 3], 6, 0, 2, 2, chainId + 1n),
                'WrongChainId(uint256,uint64)', ['uint256', 'uint64'], [chainId, chainId + 1n]);
  // The bounds themselves are accepted: quorum = total weight, the last chain index, and weights
  // whose total overflows uint64 (it is summed in uint256).
  const accepted = async (data) => {  // eth_call of a deployment returns the runtime code
    const code = await rpc('eth_call', [{ from: accounts[0], data }, 'latest']);
    assert.ok(code.length > 1000, 'the deployment succeeds');
  };
  await accepted(deployData([a0, a1, a2], [1, 2, 3], 6, 1, 2));
  const max = (1n << 64n) - 1n;
  await accepted(deployData([a0, a1], [max, max], max));
  await refused(deployData([a0, a1], [max, 1], 0), ...quorumErr, [0, max + 1n]);
});

test('deposits of the native coin and of an ERC-20 emit Deposited(token, account, depositor, amount)', async () => {
  const user = accounts[1];
  const from = await rpc('eth_blockNumber');
  const r1 = await send(user, vault, V('deposit', ['bytes32'], [account(user)]), 6n * 10n ** 18n);
  await send(user, token, T('mint', ['address', 'uint256'], [user, 1000_000000n]));
  await send(user, token, T('approve', ['address', 'uint256'], [vault, 250_000000n]));
  const beneficiary = hex(Buffer.alloc(32, 0xab));  // any 32-byte relay account
  const r2 = await send(user, vault, V('depositToken', ['address', 'uint256', 'bytes32'],
    [token, 250_000000n, beneficiary]));
  const got = await logs('Deposited(address,bytes32,address,uint256)', from);
  assert.equal(got.length, 2);
  const expect = [[r1, '0x' + '00'.repeat(20), account(user), 6n * 10n ** 18n],
                  [r2, token, beneficiary, 250_000000n]];
  got.forEach((log, i) => {
    const [receipt, tok, acc, amount] = expect[i];
    assert.equal(log.transactionHash, receipt.transactionHash);
    assert.equal(log.blockNumber, receipt.blockNumber);
    assert.equal(log.topics[1], account(tok), 'token');
    assert.equal(log.topics[2], acc, 'account');
    assert.equal(log.topics[3], account(user), 'depositor');
    assert.equal(BigInt(log.data), amount, 'amount');
  });
  assert.equal(await balance(vault), 6n * 10n ** 18n);
  assert.equal(await tokenBalance(vault), 250_000000n);
  await expectRevert(vault, V('deposit', ['bytes32'], [account(user)]), 'ZeroAmount()', [], []);
  await expectRevert(vault, V('depositToken', ['address', 'uint256', 'bytes32'], [token, 0, beneficiary]),
                     'ZeroAmount()', [], []);
  await expectRevert(vault, V('depositToken', ['address', 'uint256', 'bytes32'],
    ['0x' + '00'.repeat(20), 1, beneficiary]), 'NativeTokenNotAllowed()', [], []);
  // Above the allowance: the token's transferFrom fails, and the vault names it.
  await expectRevert(vault, V('depositToken', ['address', 'uint256', 'bytes32'], [token, 1, beneficiary]),
                     'TransferFailed(address,address,uint256)', ['address', 'address', 'uint256'], [token, vault, 1],
                     { from: user });
});

test('requestWithdrawal emits WithdrawalRequested for the caller\'s account', async () => {
  const user = accounts[1];
  const recipient = accounts[2];
  const from = await rpc('eth_blockNumber');
  await send(user, vault, V('requestWithdrawal', ['string', 'uint128', 'uint64', 'address'],
    ['USDC', 100_000000n, 31338, recipient]));
  const [log, ...rest] = await logs('WithdrawalRequested(bytes32,string,uint128,uint64,address)', from);
  assert.equal(rest.length, 0);
  assert.equal(log.topics[1], account(user), 'account');
  assert.equal(BigInt(log.topics[2]), 31338n, 'destChainId');
  assert.equal(log.data, hex(encode(['string', 'uint128', 'address'], ['USDC', 100_000000n, recipient])));
  const req = (amount, to) => V('requestWithdrawal', ['string', 'uint128', 'uint64', 'address'], ['USDC', amount, 31338, to]);
  await expectRevert(vault, req(0, recipient), 'ZeroAmount()', [], []);
  await expectRevert(vault, req(1, '0x' + '00'.repeat(20)), 'ZeroRecipient()', [], []);
  // Only a genesis-style asset id (vault/genesis.cpp): any other string would be an event the
  // relay cannot read.
  const named = (asset) => V('requestWithdrawal', ['string', 'uint128', 'uint64', 'address'], [asset, 1, 31338, recipient]);
  for (const bad of ['', 'US DC', 'x'.repeat(33), '\u00e9', 'USDC\n', 'a/b'])
    await expectRevert(vault, named(bad), 'InvalidAsset()', [], []);
  await send(user, vault, named('aZ09_.-' + 'x'.repeat(25)));  // 32 characters, every kind
});

// Withdrawals certified to this chain in epoch 0; paid from the deposits above.
const recipients = ['0x' + '5a'.repeat(20), '0x' + '5b'.repeat(20), '0x' + '5c'.repeat(20)];
const native = '0x' + '00'.repeat(20);
let tree;  // built once the token's address is known
let epoch0;

test('commitEpoch refuses bad certificates with named errors', async () => {
  tree = withdrawalTree([
    { id: hex(sha256(Buffer.from('w1'))), recipient: recipients[0], token: native, amount: '1500000000000000000' },
    { id: hex(sha256(Buffer.from('w2'))), recipient: recipients[1], token, amount: '40000000' },
    { id: hex(sha256(Buffer.from('w3'))), recipient: recipients[2], token: native, amount: '1' },
  ]);
  epoch0 = commitment(0, hex(Buffer.alloc(32)), tree.root);
  const c = epoch0;
  const three = certify(c, [0, 1, 2]);
  const idx = ['uint256'];
  const addrErr = ['uint256', 'address'];

  await expectRevert(vault, commitData(c, three.slice(0, 2)), 'InsufficientWeight(uint256,uint64)',
                     ['uint256', 'uint64'], [2, QUORUM]);
  await expectRevert(vault, commitData(c, []), 'InsufficientWeight(uint256,uint64)', ['uint256', 'uint64'], [0, QUORUM]);
  // Unknown signer: a key outside the set, placed so the list stays ascending.
  const stranger = { address: evmAddress(outsider), signature: sign(outsider, signingDigest(networkId, c)) };
  const withStranger = sorted([...[0, 1, 2].map((i) => ({ address: keys[i].address, signature: certify(c, [i])[0] })),
                               stranger]);
  const strangerAt = withStranger.indexOf(stranger);
  await expectRevert(vault, commitData(c, withStranger.map((s) => s.signature)), 'UnknownSigner(uint256,address)',
                     addrErr, [strangerAt, stranger.address]);
  // Signatures made for another network recover to unrelated keys (domain separation).
  const otherNet = hex(sha256(Buffer.from('another genesis')));
  const foreign = certify(c, [0, 1, 2], otherNet);
  const digest = signingDigest(networkId, c);
  await expectRevert(vault, commitData(c, foreign), 'UnknownSigner(uint256,address)', addrErr,
                     [0, recoverAddress(foreign[0], digest)]);
  // A commitment naming another network.
  await expectRevert(vault, commitData({ ...c, network_id: otherNet }, certify({ ...c, network_id: otherNet }, [0, 1, 2], otherNet)),
                     'WrongNetwork(bytes32)', ['bytes32'], [otherNet]);
  // High s: the malleated twin of a valid signature.
  await expectRevert(vault, commitData(c, [three[0], highS(three[1]), three[2]]), 'HighS(uint256)', idx, [1]);
  await expectRevert(vault, commitData(c, [three[0], three[0], three[1], three[2]]), 'DuplicateSigner(uint256,address)',
                     addrErr, [1, sorted([0, 1, 2].map((i) => keys[i]))[0].address]);
  await expectRevert(vault, commitData(c, [three[1], three[0], three[2]]), 'SignersNotAscending(uint256,address)',
                     addrErr, [1, sorted([0, 1, 2].map((i) => keys[i]))[0].address]);
  await expectRevert(vault, commitData(c, [three[0].slice(0, -2), three[1], three[2]]), 'SignatureLength(uint256,uint256)',
                     ['uint256', 'uint256'], [0, 64]);
  await expectRevert(vault, commitData(c, [three[0].slice(0, -2) + '1d', three[1], three[2]]),
                     'BadRecoveryId(uint256,uint8)', ['uint256', 'uint8'], [0, 29]);
  await expectRevert(vault, commitData(c, ['0x' + '00'.repeat(64) + '1b', three[1], three[2]]),
                     'MalformedSignature(uint256)', idx, [0]);
  // A signature over another commitment recovers to some unrelated key.
  const otherC = { ...c, finalized_heights: [1, 2] };
  const misplaced = certify(otherC, [0])[0];
  await expectRevert(vault, commitData(c, [misplaced, ...certify(c, [1, 2, 3])]), 'UnknownSigner(uint256,address)',
                     addrErr, [0, recoverAddress(misplaced, digest)]);
  // Array lengths other than the genesis' (2 chains, 2 assets).
  const short = { ...c, withdrawal_roots: [tree.root] };
  await expectRevert(vault, commitData(short, certify(short, [0, 1, 2])), 'MalformedCommitment()', [], []);
  // Before any commit, `previous` must be 32 zero bytes.
  const notFirst = commitment(0, hex(Buffer.alloc(32, 0x11)), tree.root);
  await expectRevert(vault, commitData(notFirst, certify(notFirst, [0, 1, 2])), 'WrongPrevious(bytes32,bytes32)',
                     ['bytes32', 'bytes32'], [notFirst.previous, hex(Buffer.alloc(32))]);
  assert.equal(BigInt(await call(vault, V('hasCommitted', [], []))), 0n);
});

test('commitEpoch refuses out-of-range r and s, and signatures ecrecover cannot recover, as MalformedSignature', async () => {
  const c = epoch0;  // not committed yet
  const digest = signingDigest(networkId, c);
  const [first, good, last] = certify(c, [0, 1, 2]);
  const b = unhex(good);
  const r = BigInt(hex(b.subarray(0, 32)));
  const s = BigInt(hex(b.subarray(32, 64)));
  const HALF_N = N >> 1n;
  const MAX = (1n << 256n) - 1n;
  const sig = (rr, ss, v = b[64]) => hex(Buffer.concat([word(rr), word(ss), Buffer.from([v])]));
  // Always at index 1, after a valid signature: the error names the position.
  const at1 = (bad) => commitData(c, [first, bad, last]);
  const malformed = (bad) => expectRevert(vault, at1(bad), 'MalformedSignature(uint256)', ['uint256'], [1]);
  const high = (bad) => expectRevert(vault, at1(bad), 'HighS(uint256)', ['uint256'], [1]);
  const unknown = (bad) => expectRevert(vault, at1(bad), 'UnknownSigner(uint256,address)', ['uint256', 'address'],
                                        [1, recoverAddress(bad, digest)]);
  await malformed(sig(r, 0n));      // s = 0: in range and low, refused by the zero check
  await malformed(sig(0n, s));      // r = 0
  await malformed(sig(N, s));       // r = n
  await malformed(sig(MAX, s));     // r = 2^256 - 1
  // s >= n is out of range: MalformedSignature, not HighS, although it is above n/2 (the range
  // check comes first); n/2 < s < n is HighS.
  await malformed(sig(r, N));
  await malformed(sig(r, MAX));
  await high(sig(r, N - 1n));
  await high(sig(r, HALF_N + 1n));
  // s = n/2 is low: accepted by the s checks, it recovers some unrelated key.
  await unknown(sig(r, HALF_N));
  // r that is no curve point's x (x^3 + 7 is not a square mod p): ecrecover returns address(0).
  // r = 1 would not do: it is a point's x, so ecrecover yields an (unknown) address.
  const P = (1n << 256n) - (1n << 32n) - 977n;
  const pow = (x, e) => { let out = 1n; for (x %= P; e > 0n; e >>= 1n, x = x * x % P) if (e & 1n) out = out * x % P; return out; };
  const onCurve = (x) => pow(x ** 3n + 7n, (P - 1n) / 2n) === 1n;
  assert.ok(onCurve(1n) && !onCurve(5n));
  await malformed(sig(5n, s));
  await malformed(sig(5n, s, 55 - b[64]));  // either recovery id
  await unknown(sig(1n, s));
  assert.equal(BigInt(await call(vault, V('hasCommitted', [], []))), 0n);
});

test('commitEpoch stores a valid certificate, then refuses stale epochs and a wrong previous', async () => {
  const c = epoch0;
  const from = await rpc('eth_blockNumber');
  await send(accounts[3], vault, commitData(c, certify(c, [0, 1, 3])));  // any 3 of 4
  const hash0 = hex(commitmentHash(c));
  const [log] = await logs('EpochCommitted(uint64,bytes32,bytes32,uint256)', from);
  assert.equal(BigInt(log.topics[1]), 0n);
  assert.equal(log.data, hex(encode(['bytes32', 'bytes32', 'uint256'], [hash0, tree.root, 3])));
  assert.equal(await call(vault, V('lastCommitment', [], [])), hash0);
  assert.equal(await call(vault, V('withdrawalRoot', ['uint64'], [0])), tree.root);

  await expectRevert(vault, commitData(c, certify(c, [0, 1, 2, 3])), 'StaleEpoch(uint64,uint64)',
                     ['uint64', 'uint64'], [0, 0]);
  const wrongPrev = commitment(1, hex(Buffer.alloc(32, 0x11)), emptyRoot);
  await expectRevert(vault, commitData(wrongPrev, certify(wrongPrev, [0, 1, 2])), 'WrongPrevious(bytes32,bytes32)',
                     ['bytes32', 'bytes32'], [wrongPrev.previous, hash0]);
  const c1 = commitment(1, hash0, emptyRoot);  // nothing to this chain in epoch 1
  await send(accounts[3], vault, commitData(c1, certify(c1, [1, 2, 3, 0])));
  assert.equal(BigInt(await call(vault, V('lastEpoch', [], []))), 1n);
  await expectRevert(vault, commitData(epoch0, certify(epoch0, [0, 1, 2])), 'StaleEpoch(uint64,uint64)',
                     ['uint64', 'uint64'], [0, 1]);
});

test('claim pays a proven withdrawal once, and refuses bad proofs', async () => {
  const [pEth, pToken, pOne] = recipients.map((r) => tree.proofs.find((p) => p.leaf.recipient === r));
  const from = await rpc('eth_blockNumber');

  // Bad proofs first, while every id is unclaimed.
  const bad = (p) => expectRevert(vault, claimData(0, p), 'BadProof()', [], []);
  await bad({ ...pEth, leaf: { ...pEth.leaf, amount: '1500000000000000001' } });
  await bad({ ...pEth, leaf: { ...pEth.leaf, recipient: accounts[4] } });
  await bad({ ...pEth, siblings: [hex(Buffer.alloc(32, 7)), ...pEth.siblings.slice(1)] });
  await bad({ ...pEth, siblings: pEth.siblings.slice(0, 1) });                   // too short
  await bad({ ...pEth, siblings: [...pEth.siblings, hex(Buffer.alloc(32))] });  // too long
  await bad({ ...pEth, index: pEth.index ^ 1 });
  await bad({ ...pEth, count: 4 });
  await bad({ ...pEth, index: 3, count: 3 });                                    // padding position
  await expectRevert(vault, claimData(1, pEth), 'BadProof()', [], []);          // epoch 1's root is empty
  await expectRevert(vault, claimData(5, pEth), 'UnknownEpoch(uint64)', ['uint64'], [5]);

  // Anyone may submit a claim; the leaf's recipient is paid.
  await send(accounts[5], vault, claimData(0, pEth));
  assert.equal(await balance(recipients[0]), 1_500000000000000000n);
  await send(accounts[5], vault, claimData(0, pToken));
  assert.equal(await tokenBalance(recipients[1]), 40_000000n);
  await send(accounts[6], vault, claimData(0, pOne));
  assert.equal(await balance(recipients[2]), 1n);
  assert.equal(await balance(vault), 6n * 10n ** 18n - 1_500000000000000001n);
  assert.equal(await tokenBalance(vault), 210_000000n);

  const got = await logs('WithdrawalClaimed(bytes32,address,address,uint256)', from);
  assert.deepEqual(got.map((l) => l.topics[1]), [pEth.leaf.id, pToken.leaf.id, pOne.leaf.id]);
  assert.equal(got[1].topics[2], account(recipients[1]));
  assert.equal(got[1].topics[3], account(token));
  assert.equal(BigInt(got[1].data), 40_000000n);
  assert.equal(BigInt(await call(vault, V('claimed', ['bytes32'], [pEth.leaf.id]))), 1n);

  for (const p of [pEth, pToken]) {
    await expectRevert(vault, claimData(0, p), 'AlreadyClaimed(bytes32)', ['bytes32'], [p.leaf.id]);
  }
  assert.equal(await balance(recipients[0]), 1_500000000000000000n);
});

// ---------------------------------------------------------------------------------------------
// ERC-20s that misbehave (tests/deploy/EdgeTokens.sol)

const edge = {};  // name => address, deployed by the first test below
const E = (name, fn, types, values) => callData(artifacts[name], fn, types, values);
const tokenBalanceOf = async (tok, addr) => BigInt(await call(tok, T('balanceOf', ['address'], [addr])));
const decodeBytes = (ret) => {  // an ABI-encoded `bytes` return value
  const b = unhex(ret);
  const at = Number(BigInt(hex(b.subarray(0, 32))));
  return hex(b.subarray(at + 32, at + 32 + Number(BigInt(hex(b.subarray(at, at + 32))))));
};
const REENTRANCY = hex(selector('Reentrancy()'));
/// What the reentrant token's last call into `target` did: how many calls so far, whether the
/// last succeeded, and what it returned (its revert data if not).
async function reentry() {
  const t = edge.reentrantToken;
  return {
    count: BigInt(await call(t, E('reentrantToken', 'reentries', [], []))),
    ok: BigInt(await call(t, E('reentrantToken', 'reentryOk', [], []))) === 1n,
    result: decodeBytes(await call(t, E('reentrantToken', 'reentryResult', [], []))),
  };
}
const arm = (from, target, data, bubble) =>
  send(from, edge.reentrantToken, E('reentrantToken', 'arm', ['address', 'bytes', 'bool'], [target, data, bubble]));
const depositTokenData = (tok, amount, acc) => V('depositToken', ['address', 'uint256', 'bytes32'], [tok, amount, acc]);

test('depositToken: false is refused, no return value accepted, a fee is not credited, no code is NotAContract, reentry is Reentrancy', async () => {
  for (const name of ['falseToken', 'noReturnToken', 'feeToken', 'reentrantToken']) edge[name] = await deploy(artifacts[name]);
  const user = accounts[7];
  const acc = hex(Buffer.alloc(32, 0xcd));
  const setUp = async (name, minted, approved) => {
    await send(user, edge[name], E(name, 'mint', ['address', 'uint256'], [user, minted]));
    await send(user, edge[name], E(name, 'approve', ['address', 'uint256'], [vault, approved]));
  };
  const deposited = async (receipt, tok, amount) => {
    const got = (await logs('Deposited(address,bytes32,address,uint256)', receipt.blockNumber))
      .filter((l) => l.transactionHash === receipt.transactionHash);
    assert.equal(got.length, 1, 'one Deposited event');
    assert.equal(got[0].topics[1], account(tok), 'token');
    assert.equal(got[0].topics[2], acc, 'account');
    assert.equal(got[0].topics[3], account(user), 'depositor');
    assert.equal(BigInt(got[0].data), amount, 'amount');
  };
  const transferFailed = (tok, amount) => expectRevert(vault, depositTokenData(tok, amount, acc),
    'TransferFailed(address,address,uint256)', ['address', 'address', 'uint256'], [tok, vault, amount], { from: user });

  // transferFrom returns false (and moves nothing): refused, whatever the balance.
  await setUp('falseToken', 1000, 1000);
  await transferFailed(edge.falseToken, 100);

  // transferFrom returns nothing (USDT): accepted; when it reverts (above the allowance), refused.
  await setUp('noReturnToken', 1000, 600);
  await deposited(await send(user, vault, depositTokenData(edge.noReturnToken, 600, acc)), edge.noReturnToken, 600n);
  assert.equal(await tokenBalanceOf(edge.noReturnToken, vault), 600n);
  await transferFailed(edge.noReturnToken, 1);

  // 1% burnt on transfer: the event carries the 990 that arrived, not the 1000 asked.
  await setUp('feeToken', 1000, 1000);
  await deposited(await send(user, vault, depositTokenData(edge.feeToken, 1000, acc)), edge.feeToken, 990n);
  assert.equal(await tokenBalanceOf(edge.feeToken, vault), 990n);

  // An address without code (an account, an address nothing was deployed at).
  for (const nobody of [accounts[8], '0x' + 'ee'.repeat(20)]) {
    await expectRevert(vault, depositTokenData(nobody, 1, acc), 'NotAContract(address)', ['address'], [nobody],
                       { from: user });
  }

  // A token that deposits itself again from inside transferFrom (it holds and approved the 100 it
  // deposits): the inner depositToken is refused with Reentrancy (else the outer one would count
  // the inner deposit's tokens a second time: 600 for 500).
  await setUp('reentrantToken', 1000, 1000);
  await send(user, edge.reentrantToken, E('reentrantToken', 'mint', ['address', 'uint256'], [edge.reentrantToken, 100]));
  await send(user, edge.reentrantToken, E('reentrantToken', 'selfApprove', ['address', 'uint256'], [vault, 100]));
  await arm(user, vault, depositTokenData(edge.reentrantToken, 100, acc), false);  // the token swallows the refusal
  await deposited(await send(user, vault, depositTokenData(edge.reentrantToken, 500, acc)), edge.reentrantToken, 500n);
  assert.deepEqual(await reentry(), { count: 1n, ok: false, result: REENTRANCY });
  assert.equal(await tokenBalanceOf(edge.reentrantToken, vault), 500n);
  // The same token passing the refusal up: the vault names the failed transferFrom.
  await arm(user, vault, depositTokenData(edge.reentrantToken, 100, acc), true);
  await transferFailed(edge.reentrantToken, 100);
  assert.equal(await tokenBalanceOf(edge.reentrantToken, vault), 500n);
  await arm(user, native, '0x', false);  // disarmed
});

test('claim: pays a token that returns nothing; refuses false and no code; a reentrant token cannot claim twice', async () => {
  const lastEpoch = BigInt(await call(vault, V('lastEpoch', [], [])));
  const last = await call(vault, V('lastCommitment', [], []));
  const to = ['0x' + '6a'.repeat(20), '0x' + '6b'.repeat(20), '0x' + '6c'.repeat(20), '0x' + '6d'.repeat(20),
              '0x' + '6e'.repeat(20), '0x' + '6f'.repeat(20)];
  const noCode = '0x' + 'ee'.repeat(20);
  const leaf = (name, recipient, tok, amount) => ({ id: hex(sha256(Buffer.from(name))), recipient, token: tok, amount });
  const t = withdrawalTree([
    leaf('e1', to[0], edge.noReturnToken, '100'),
    leaf('e2', to[1], edge.falseToken, '7'),
    leaf('e3', to[2], edge.reentrantToken, '50'),
    leaf('e4', to[3], edge.feeToken, '200'),
    leaf('e5', to[4], noCode, '1'),
    leaf('e6', to[5], edge.reentrantToken, '20'),
  ]);
  const proof = (r) => t.proofs.find((p) => p.leaf.recipient === r);
  const epoch = Number(lastEpoch) + 1;
  const c = commitment(epoch, last, t.root);
  await send(accounts[3], vault, commitData(c, certify(c, [0, 1, 2])));
  assert.equal(await call(vault, V('withdrawalRoot', ['uint64'], [epoch])), t.root);
  await send(accounts[3], edge.falseToken, E('falseToken', 'mint', ['address', 'uint256'], [vault, 7]));
  const from = await rpc('eth_blockNumber');
  const isClaimed = async (p) => BigInt(await call(vault, V('claimed', ['bytes32'], [p.leaf.id]))) === 1n;
  const failed = (p) => expectRevert(vault, claimData(epoch, p), 'TransferFailed(address,address,uint256)',
                                     ['address', 'address', 'uint256'], [p.leaf.token, p.leaf.recipient, p.leaf.amount]);

  await send(accounts[5], vault, claimData(epoch, proof(to[0])));  // returns nothing: paid
  assert.equal(await tokenBalanceOf(edge.noReturnToken, to[0]), 100n);
  assert.equal(await tokenBalanceOf(edge.noReturnToken, vault), 500n);

  await failed(proof(to[1]));  // returns false: refused, and still claimable
  assert.equal(await isClaimed(proof(to[1])), false);
  assert.equal(await tokenBalanceOf(edge.falseToken, vault), 7n);

  await expectRevert(vault, claimData(epoch, proof(to[4])), 'NotAContract(address)', ['address'], [noCode]);
  assert.equal(await isClaimed(proof(to[4])), false);

  // The reentrant token claims the same withdrawal again from inside transfer. Passed up, the
  // Reentrancy refusal fails the whole claim (nothing paid, still claimable); swallowed, the
  // inner claim is refused and the recipient is paid once.
  const p3 = proof(to[2]);
  const reentries = (await reentry()).count;
  await arm(accounts[5], vault, claimData(epoch, p3), true);
  await failed(p3);
  assert.equal(await isClaimed(p3), false);
  await arm(accounts[5], vault, claimData(epoch, p3), false);
  await send(accounts[5], vault, claimData(epoch, p3));
  // (The refused attempts reverted the token's record with them: one more reentry.)
  assert.deepEqual(await reentry(), { count: reentries + 1n, ok: false, result: REENTRANCY });
  assert.equal(await tokenBalanceOf(edge.reentrantToken, to[2]), 50n);
  assert.equal(await tokenBalanceOf(edge.reentrantToken, vault), 450n);
  await expectRevert(vault, claimData(epoch, p3), 'AlreadyClaimed(bytes32)', ['bytes32'], [p3.leaf.id]);
  // The lock is the vault's, not the function's: a claim cannot reenter depositToken either.
  await arm(accounts[5], vault, depositTokenData(edge.reentrantToken, 1, hex(Buffer.alloc(32, 1))), false);
  await send(accounts[5], vault, claimData(epoch, proof(to[5])));
  assert.deepEqual(await reentry(), { count: reentries + 2n, ok: false, result: REENTRANCY });
  assert.equal(await tokenBalanceOf(edge.reentrantToken, to[5]), 20n);
  assert.equal(await tokenBalanceOf(edge.reentrantToken, vault), 430n);
  await arm(accounts[5], native, '0x', false);

  // A fee-on-transfer token: the recipient gets what the token delivers (99%); the event and the
  // vault's accounting carry the certified amount, which left the vault in full.
  await send(accounts[5], vault, claimData(epoch, proof(to[3])));
  assert.equal(await tokenBalanceOf(edge.feeToken, to[3]), 198n);
  assert.equal(await tokenBalanceOf(edge.feeToken, vault), 790n);

  const got = await logs('WithdrawalClaimed(bytes32,address,address,uint256)', from);
  assert.deepEqual(got.map((l) => [l.topics[1], l.topics[2], l.topics[3], BigInt(l.data)]),
    [to[0], to[2], to[5], to[3]].map((r) => proof(r)).map((p) => [p.leaf.id, account(p.leaf.recipient), account(p.leaf.token),
                                                          BigInt(p.leaf.amount)]));
});
