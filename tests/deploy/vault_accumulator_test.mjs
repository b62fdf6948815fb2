// The vault's event accumulator (docs/contract.md "Event accumulator", docs/node.md "The vault
// contract") against an independent fold of the logs (ethers solidityPacked + keccak256), at
// every block, read by number and by EIP-1898 block hash; and deploy/lib/vault.mjs deriving
// every constructor argument from a genesis. On a real anvil.
// Run: node tests/deploy/vault_accumulator_test.mjs   (CTest label "contract").
import { AbiCoder, JsonRpcProvider, ZeroHash, getAddress, getCreateAddress, keccak256, solidityPacked, toUtf8Bytes } from 'ethers';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { compileVault, deployVault, vaultConstructorArgs } from '../../deploy/lib/vault.mjs';
import {
  Chain, ZERO_ADDRESS, account, callData, certify, claimData, commitData, commitment, constructorArgs, encode, hex, leaf,
  sha256, unhex, vectors, withdrawalTree,
} from './harness.mjs';

const certVectors = vectors('certificate_vectors.json');
const keys = certVectors.keys;
const networkId = hex(Buffer.alloc(32, 0x77));

let chain;
let provider;
let artifacts;
let accounts;
let vault;
let usdc;  // TestToken (6 decimals)
let rt;    // ReentrantToken
let genesis;
let deployBlock;  // the vault's: its state there is (0, 0)

const V = (name, types, values) => callData(artifacts.RelayVault, name, types, values);
const B = (name, types, values) => callData(artifacts.BasicToken, name, types, values);
const R = (name, types, values) => callData(artifacts.ReentrantToken, name, types, values);

before(async () => {
  artifacts = compileVault({ testTokens: true });
  chain = await Chain.start();
  accounts = chain.accounts;
  provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, polling: true });
  usdc = await chain.deploy(artifacts.TestToken);
  rt = await chain.deploy(artifacts.ReentrantToken);
  // This anvil is chain "beta" (index 1) of a two-chain genesis; alpha is elsewhere.
  genesis = JSON.parse(certVectors.genesis);
  genesis.chains[1].chain_id = Number(chain.chainId);
  genesis.assets = [
    { id: 'ETH', decimals: 18, tokens: { alpha: { address: ZERO_ADDRESS, decimals: 18 }, beta: { address: ZERO_ADDRESS, decimals: 18 } } },
    { id: 'ALPHA', decimals: 8, tokens: { alpha: { address: '0x' + '99'.repeat(20), decimals: 8 } } },
    { id: 'USDC', decimals: 6, tokens: { beta: { address: usdc, decimals: 6 } } },
    { id: 'RT', decimals: 12, tokens: { beta: { address: rt, decimals: 18 } } },
  ];
});

after(() => { provider?.destroy(); chain?.stop(); });

test('deployVault derives every constructor argument from the genesis, and refuses an address the genesis does not name', async () => {
  const from = accounts[0];
  const nonce = await provider.getTransactionCount(from, 'pending');
  genesis.chains[1].vault = '0x' + '12'.repeat(20);
  await assert.rejects(deployVault({ provider, genesis, networkId, chainName: 'beta', from, artifact: artifacts.RelayVault }),
                       /genesis chains\[1\]\.vault: 0x1212.* is not where .* would deploy the vault now \(0x/);
  await assert.rejects(deployVault({ provider, genesis, networkId, chainName: 'gamma', from }),
                       /genesis chains: no chain named "gamma" \(alpha, beta\)/);
  assert.equal(await provider.getTransactionCount(from, 'pending'), nonce, 'nothing was sent');
  genesis.chains[1].vault = getCreateAddress({ from, nonce }).toLowerCase();
  const deployed = await deployVault({ provider, genesis, networkId, chainName: 'beta', from, artifact: artifacts.RelayVault });
  vault = deployed.address;
  deployBlock = deployed.receipt.blockNumber;
  assert.equal(vault, getAddress(genesis.chains[1].vault));
  const get = async (name, types = [], values = []) => chain.call(vault, V(name, types, values));
  // The validators' addresses from their compressed public keys, as the vectors list them.
  assert.equal(await get('validators'), hex(encode(['address[]'], [keys.map((k) => k.address)])));
  for (const k of keys) assert.equal(BigInt(await get('validatorWeight', ['address'], [k.address])), 1n);
  assert.deepEqual(await Promise.all(['networkId', 'quorum', 'chainIndex', 'chainCount', 'assetCount'].map((n) => get(n))),
                   [networkId, 3, 1, 2, 4].map((v) => typeof v === 'string' ? v : hex(encode(['uint256'], [v]))));
  // This chain's tokens, in genesis asset order (ALPHA has none here), with both decimals.
  assert.equal(await get('tokens'), hex(encode(['address[]'], [[ZERO_ADDRESS, usdc, rt]])));
  const info = (t) => get('tokenInfo', ['address'], [t]);
  assert.equal(await info(usdc), hex(encode(['bool', 'uint8', 'uint8', 'uint128'], [true, 6, 6, 0])));
  assert.equal(await info(rt), hex(encode(['bool', 'uint8', 'uint8', 'uint128'], [true, 18, 12, 0])));
  assert.equal(await info('0x' + '99'.repeat(20)), hex(encode(['bool', 'uint8', 'uint8', 'uint128'], [false, 0, 0, 0])));
});

// docs/contract.md "Event accumulator", from the logs alone.
const coder = AbiCoder.defaultAbiCoder();
const topic = (sig) => keccak256(toUtf8Bytes(sig));
const DEPOSITED = topic('Deposited(address,bytes32,address,uint256)');
const REQUESTED = topic('WithdrawalRequested(bytes32,string,uint128,uint64,address)');
const CLAIMED = topic('WithdrawalClaimed(bytes32,address,address,uint256)');
/// The record a log adds to the accumulator (null: a log that is not a relay event).
function record(log) {
  if (log.topics[0] === DEPOSITED) {
    return solidityPacked(['uint8', 'address', 'bytes32', 'uint256'],
                          [1, getAddress('0x' + log.topics[1].slice(26)), log.topics[2], BigInt(log.data)]);
  }
  if (log.topics[0] === REQUESTED) {
    const [asset, amount, recipient] = coder.decode(['string', 'uint128', 'address'], log.data);
    const id = toUtf8Bytes(asset);
    return solidityPacked(['uint8', 'bytes32', 'uint128', 'uint64', 'address', 'uint8', 'bytes'],
                          [2, log.topics[1], amount, BigInt(log.topics[2]), recipient, id.length, id]);
  }
  if (log.topics[0] === CLAIMED) return solidityPacked(['uint8', 'bytes32'], [3, log.topics[1]]);
  return null;
}

test('eventState folds every Deposited, WithdrawalRequested and WithdrawalClaimed, at every block, by number and by hash', async () => {
  const [a1, a2, a3] = accounts.slice(1, 4);
  const send = (from, to, data, value) => chain.send(from, to, data, value);
  const request = (asset, amount, dest, to) =>
    V('requestWithdrawal', ['string', 'uint128', 'uint64', 'address'], [asset, amount, dest, to]);
  const depositToken = (t, amount, acc) => V('depositToken', ['address', 'uint256', 'bytes32'], [t, amount, acc]);
  await send(a1, usdc, B('mint', ['address', 'uint256'], [a1, 10n ** 12n]));
  await send(a1, usdc, B('approve', ['address', 'uint256'], [vault, 10n ** 12n]));
  await send(a1, vault, V('deposit', ['bytes32'], [account(a1)]), 3n * 10n ** 18n);

  // Several events in one block, in transaction order.
  await chain.rpc('evm_setAutomine', [false]);
  const batch = [
    [a1, vault, depositToken(usdc, 250_000000n, account('0x' + 'ab'.repeat(20)))],
    [a2, vault, request('USDC', 5n, 1, a3)],
    [a1, vault, request('e', (1n << 128n) - 1n, (1n << 64n) - 1n, a2)],  // extreme widths
    [a3, vault, request('x'.repeat(32), 1n, 31337, a1)],
    [a2, vault, V('deposit', ['bytes32'], [account(a3)]), 1n],
  ];
  const hashes = [];
  for (const [from, to, data, value = 0n] of batch) {
    hashes.push(await chain.rpc('eth_sendTransaction', [{ from, to, data, value: '0x' + value.toString(16), gas: '0x100000' }]));
  }
  await chain.rpc('evm_mine');
  await chain.rpc('evm_setAutomine', [true]);
  for (const h of hashes) assert.equal((await chain.receiptOf(h)).status, '0x1');
  await send(a1, usdc, B('mint', ['address', 'uint256'], [a2, 1n]));  // a block without vault events
  // A refused deposit changes nothing.
  await chain.expectRevert(vault, V('deposit', ['bytes32'], [account(a1)]), 'ZeroAmount()', [], [], { from: a1 });

  // The reentrant token asks for a withdrawal from inside transferFrom (before the outer
  // Deposited) and from inside a claim's transfer (after the outer WithdrawalClaimed): the
  // accumulator follows the logs' order in both.
  await send(a1, rt, R('mint', ['address', 'uint256'], [a1, 10n ** 20n]));
  await send(a1, rt, R('approve', ['address', 'uint256'], [vault, 10n ** 20n]));
  await send(a1, rt, R('arm', ['address', 'bytes', 'bool'], [vault, request('RT', 9n, 31337, a1), true]));
  await send(a1, vault, depositToken(rt, 10n ** 18n, account(a1)));
  const t = withdrawalTree([leaf('n', a3, ZERO_ADDRESS, 10n ** 18n), leaf('u', a3, usdc, 100n), leaf('r', a2, rt, 10n ** 6n)]);
  const c = commitment(networkId, 0, [undefined, t.root], { assets: 4 });  // this chain is index 1
  await send(a1, vault, commitData(artifacts.RelayVault, c, certify(c, keys.slice(0, 3))));
  for (const p of t.proofs) await send(a2, vault, claimData(artifacts.RelayVault, 0, p));
  const latest = Number(await chain.rpc('eth_blockNumber'));

  const logs = await chain.rpc('eth_getLogs', [{ address: vault, fromBlock: '0x0', toBlock: 'latest' }]);
  const records = logs.map((l) => ({ block: Number(l.blockNumber), bytes: record(l), topic0: l.topics[0] }))
    .filter((r) => r.bytes !== null);
  // Every relay event of the sequence, in log order: the reentrant requests inside the token
  // deposit (before its Deposited) and inside the RT claim (after its WithdrawalClaimed).
  const claims = t.proofs.flatMap((p) => p.leaf.token === rt ? [CLAIMED, REQUESTED] : [CLAIMED]);
  assert.deepEqual(records.map((r) => r.topic0), [DEPOSITED, DEPOSITED, REQUESTED, REQUESTED, REQUESTED, DEPOSITED,
                                                  REQUESTED, DEPOSITED, ...claims]);
  // The record lengths of the table: 85, 78 + len(asset), 33.
  const lengths = logs.filter((l) => record(l) !== null).map((l) => l.topics[0] === DEPOSITED ? 85 : l.topics[0] === CLAIMED
    ? 33 : 78 + toUtf8Bytes(coder.decode(['string', 'uint128', 'address'], l.data)[0]).length);
  assert.deepEqual(records.map((r) => unhex(r.bytes).length), lengths);
  assert.deepEqual(lengths.filter((n, i) => records[i].topic0 === REQUESTED), [78 + 4, 78 + 1, 78 + 32, 78 + 2, 78 + 2]);

  let acc = ZeroHash;
  let count = 0;
  let next = 0;
  for (let b = deployBlock; b <= latest; ++b) {
    for (; next < records.length && records[next].block <= b; ++next) {
      acc = keccak256(solidityPacked(['bytes32', 'bytes'], [acc, records[next].bytes]));
      ++count;
    }
    const want = hex(encode(['uint64', 'bytes32'], [count, acc]));
    const block = await chain.rpc('eth_getBlockByNumber', ['0x' + b.toString(16), false]);
    const data = V('eventState', [], []);
    assert.equal(await chain.call(vault, data, { block: '0x' + b.toString(16) }), want, `block ${b} by number`);
    assert.equal(await chain.call(vault, data, { block: { blockHash: block.hash } }), want, `block ${b} by hash`);
    assert.equal(await chain.call(vault, data, { block: { blockHash: block.hash, requireCanonical: true } }), want);
  }
  assert.equal(next, records.length, 'every record folded');
  assert.equal(count, 12);
});

test('the example of docs/contract.md "Event accumulator": the vault reaches its three values', async () => {
  // A fresh vault (chain index 0, two chains, two assets) with the native coin listed.
  const fresh = await chain.deploy(artifacts.RelayVault, constructorArgs({
    networkId, validators: keys.map((k) => k.address), weights: [1, 1, 1, 1], quorum: 3, chainId: chain.chainId,
    tokens: [[ZERO_ADDRESS, 18, 18]],
  }));
  const [a0, , a2, a3] = accounts;
  const state = () => chain.call(fresh, V('eventState', [], []));
  const want = (count, acc) => hex(encode(['uint64', 'bytes32'], [count, acc]));
  assert.equal(await state(), want(0, ZeroHash));
  await chain.send(a0, fresh, V('deposit', ['bytes32'], [account(a0)]), 2n * 10n ** 18n);
  assert.equal(await state(), want(1, '0x2dbcbaff38b29f7081e7fe77edfb126c495851df566b6629f9ad827843a5e2c6'));
  await chain.send(a0, fresh, V('requestWithdrawal', ['string', 'uint128', 'uint64', 'address'], ['ETH', 5n * 10n ** 17n, 31338, a2]));
  assert.equal(await state(), want(2, '0x6dbce876ae28d9d79bb7f3f8a74cba7de5d618068c044b6a8b4042cdfc28bdac'));
  const t = withdrawalTree([{ id: '0x' + 'ab'.repeat(32), recipient: a3, token: ZERO_ADDRESS, amount: '1' }]);
  const c = commitment(networkId, 0, [t.root]);
  await chain.send(a0, fresh, commitData(artifacts.RelayVault, c, certify(c, keys.slice(0, 3))));
  await chain.send(a0, fresh, claimData(artifacts.RelayVault, 0, t.proofs[0]));
  assert.equal(await state(), want(3, '0xc1e849edd0e3c63a18d1351aef10c7ef77ae71358219bb2dca73630e7de92efd'));
});

test('deployVault deploys at the nonce it checked: another transaction from the deployer in between fails it, nothing lands elsewhere', async () => {
  // A provider that lets another process send a transaction from the deployer right after the
  // nonce was read (what a second script, or a wallet, using the same account does).
  class RacingProvider extends JsonRpcProvider {
    async getTransactionCount(...args) {
      const n = await super.getTransactionCount(...args);
      const race = this.race;
      this.race = null;
      if (race) await race();
      return n;
    }
  }
  // (cacheTimeout -1: ethers otherwise answers a repeated request from a 250 ms cache.)
  const racing = new RacingProvider(chain.url, undefined, { staticNetwork: true, polling: true, cacheTimeout: -1 });
  try {
    const from = accounts[9];
    const nonce = await racing.getTransactionCount(from, 'pending');
    const g = structuredClone(genesis);
    g.chains[1].vault = getCreateAddress({ from, nonce });
    racing.race = () => chain.send(from, from, '0x');
    await assert.rejects(deployVault({ provider: racing, genesis: g, networkId, chainName: 'beta', from,
                                       artifact: artifacts.RelayVault }),
                         /genesis chains\[1\]\.vault: the deployment at 0x.* \(nonce \d+\) failed: nonce has already been used/);
    assert.equal(await racing.getTransactionCount(from, 'latest'), nonce + 1, 'only the other transaction was mined');
    for (const n of [nonce, nonce + 1]) assert.equal(await chain.rpc('eth_getCode', [getCreateAddress({ from, nonce: n }), 'latest']), '0x');
    // With the nonce the genesis names still free, it lands there.
    g.chains[1].vault = getCreateAddress({ from, nonce: nonce + 1 });
    const deployed = await deployVault({ provider: racing, genesis: g, networkId, chainName: 'beta', from,
                                         artifact: artifacts.RelayVault });
    assert.equal(deployed.address, g.chains[1].vault);
  } finally {
    racing.destroy();
  }
});

test('vaultConstructorArgs takes every integer exactly or refuses it, any hex case, and names a missing field', () => {
  // Weights 2^53, 2^53, 1, 1 (vault/genesis.cpp allows up to 2^53) and quorum 2^54 + 1: all but
  // one validator must sign. JSON.parse reads the quorum as 2^54, which two of them reach.
  const big = (1n << 54n) + 1n;
  const text = JSON.stringify({ ...genesis, quorum: '@Q', validators: genesis.validators.map((v, i) => ({ ...v, weight: i < 2 ? '@W' : 1 })) })
    .replace('"@Q"', String(big)).replaceAll('"@W"', String(1n << 53n));
  const parsed = JSON.parse(text);
  assert.equal(BigInt(parsed.quorum), 1n << 54n, 'JSON.parse rounds it');
  const args = (g) => vaultConstructorArgs({ genesis: g, networkId, chainName: 'beta' });
  assert.throws(() => args(parsed), /^Error: genesis validators\[0\]\.weight: 9007199254740992 is not an integer JSON\.parse reads exactly/);
  parsed.validators[0].weight = parsed.validators[1].weight = 1n << 53n;  // as a lossless reader gives them
  assert.throws(() => args(parsed), /^Error: genesis quorum: 18014398509481984 is not an integer JSON\.parse reads exactly \(below 2\^53\): give it as a BigInt or a decimal string/);
  for (const exact of [big, String(big)]) {
    const a = args({ ...parsed, quorum: exact });
    assert.deepEqual([a[2], a[3]], [[1n << 53n, 1n << 53n, 1n, 1n], big]);
  }
  assert.throws(() => args({ ...parsed, quorum: 1n << 64n }), /^Error: genesis quorum: 18446744073709551616 is not an integer from 0 to 18446744073709551615/);
  assert.throws(() => args({ ...parsed, quorum: 1.5 }), /^Error: genesis quorum: 1.5 is not an integer/);
  // A missing field is named, not a TypeError.
  const noChainId = structuredClone(genesis);
  delete noChainId.chains[1].chain_id;
  assert.throws(() => args(noChainId), /^Error: genesis chains\[1\]\.chain_id: missing/);
  // Hex of any case, as vault/genesis.cpp reads it (not EIP-55: a mixed case that is no checksum).
  const anyCase = structuredClone(genesis);
  anyCase.assets[2].tokens.beta.address = '0x' + 'aB'.repeat(20);
  assert.deepEqual(args(anyCase)[8][1], [getAddress('0x' + 'ab'.repeat(20)), 6, 6]);
  anyCase.assets[2].tokens.beta.address = '0x' + 'ab'.repeat(19);
  assert.throws(() => args(anyCase), /^Error: genesis assets\[2\]\.tokens\.beta\.address: 0xabab.* is not 0x and 20 bytes of hex/);
});

test('deployVault from the genesis file\'s text: the network id is its SHA-256, and another one given is refused', async () => {
  const from = accounts[8];
  const g = structuredClone(genesis);
  g.chains[1].vault = getCreateAddress({ from, nonce: await provider.getTransactionCount(from, 'pending') });
  const genesisText = JSON.stringify(g, null, 2) + '\n';
  const fileId = hex(sha256(Buffer.from(genesisText)));
  await assert.rejects(deployVault({ provider, genesisText, networkId, chainName: 'beta', from, artifact: artifacts.RelayVault }),
                       new RegExp(`^Error: genesis network id: ${networkId} is not the genesis file's SHA-256 ${fileId}`));
  await assert.rejects(deployVault({ provider, genesisText, genesis: g, chainName: 'beta', from, artifact: artifacts.RelayVault }),
                       /^Error: genesis deployVault: give the genesis as genesisText or as genesis and networkId, not both/);
  const deployed = await deployVault({ provider, genesisText, chainName: 'beta', from, artifact: artifacts.RelayVault });
  assert.equal(deployed.address, g.chains[1].vault);
  assert.equal(await chain.call(deployed.address, V('networkId', [], [])), fileId);
  assert.equal(deployed.args[0], fileId);
});
