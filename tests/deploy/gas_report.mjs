// Gas of the vault's user and publisher transactions, before and after the OpenZeppelin vault:
// "before" is deploy/contracts/RelayVault.sol as git holds it at BEFORE (the last hand-written
// vault, 8-field commitment, ordered commits), "after" the working tree's. Both are compiled
// with deploy/lib/vault.mjs's settings and deployed on one local anvil; every figure is a
// mined transaction's gasUsed (21,000 base and calldata included), in steady state (the vault
// already holds the token, the epoch is not the first committed). Prints a Markdown table
// (docs/contract.md "Gas").
// Run: node tests/deploy/gas_report.mjs [BEFORE]   (BEFORE: a git revision; default below)
import { execFileSync } from 'node:child_process';
import { compileSolidity, compileVault } from '../../deploy/lib/vault.mjs';
import {
  Chain, ZERO_ADDRESS, account, callData, certify, claimData, commitData, commitment, constructorArgs, encode, hex,
  leaf, root, sha256, sign, signingDigest, testKeys, withdrawalTree,
} from './harness.mjs';

const BEFORE = process.argv[2] ?? '58bb2a5b0e8cef3ab7203b65c85f30653d1b135a';
const networkId = hex(Buffer.alloc(32, 0x42));
const USER = 1;

// The "before" vault's interface: constructor without tokens, commitEpoch(Commitment, bytes[])
// with the 8-field struct, each epoch following the last (docs/proofs.md "Epoch commitment").
const OLD = ['bytes32', 'uint64', 'bytes32', 'uint64[]', 'bytes32[]', 'uint128[]', 'uint128[]', 'bytes32[]'];
const oldValues = (c) => [c.network_id, c.epoch, c.previous, c.cut_heights, c.liabilities_roots, c.liabilities_totals,
                          c.custody, c.withdrawal_roots];
const oldHash = (c) => sha256(encode(OLD, oldValues(c)));
const oldCertify = (c, keys) => [...keys].sort((a, b) => Buffer.compare(Buffer.from(a.address.slice(2), 'hex'),
  Buffer.from(b.address.slice(2), 'hex'))).map((k) => sign(k.secret_key, signingDigest(networkId, oldHash(c))));

const gas = (receipt) => Number(BigInt(receipt.gasUsed));

async function measure(chain, artifacts, which, validators, quorum, { chains = 2, assets = 2 } = {}) {
  const a = chain.accounts;
  const keys = testKeys(validators);
  const isNew = which === 'after';
  const art = artifacts[which];
  const token = await chain.deploy(artifacts.TestToken);
  const base = { networkId, validators: keys.map((k) => k.address), weights: keys.map(() => 1), quorum, chainId: chain.chainId };
  const args = isNew ? constructorArgs({ ...base, chainCount: chains, assetCount: assets,
                                          tokens: [[ZERO_ADDRESS, 18, 18], [token, 6, 6]] })
    : encode(['bytes32', 'address[]', 'uint64[]', 'uint64', 'uint32', 'uint32', 'uint32', 'uint64'],
             [networkId, base.validators, base.weights, quorum, 0, chains, assets, chain.chainId]);
  const vault = await chain.deploy(art, args);
  const V = (name, types, values) => callData(art, name, types, values);
  const send = (from, data, value) => chain.send(from, vault, data, value);
  const out = {};

  // Deposits: the first ones fill the vault's slots; the second of each is measured.
  await chain.send(a[USER], token, callData(artifacts.TestToken, 'mint', ['address', 'uint256'], [a[USER], 10n ** 12n]));
  await chain.send(a[USER], token, callData(artifacts.TestToken, 'approve', ['address', 'uint256'], [vault, 10n ** 12n]));
  const depositToken = V('depositToken', ['address', 'uint256', 'bytes32'], [token, 100_000000n, account(a[USER])]);
  for (let i = 0; i < 2; ++i) {
    out.deposit = gas(await send(a[USER], V('deposit', ['bytes32'], [account(a[USER])]), 10n ** 18n));
    out.depositToken = gas(await send(a[USER], depositToken));
    out.requestWithdrawal = gas(await send(a[USER], V('requestWithdrawal', ['string', 'uint128', 'uint64', 'address'],
                                                      ['USDC', 5_000000n, 31338, a[2]])));
  }

  // Two epochs, the second measured; its withdrawals are claimed below.
  const t = withdrawalTree([leaf('g1', a[3], ZERO_ADDRESS, 10n ** 17n), leaf('g2', a[3], token, 1_000000n),
                            leaf('g3', a[4], ZERO_ADDRESS, 1n)]);
  const signers = keys.slice(0, quorum);
  const c0 = { ...commitment(networkId, 0, [], { chains, assets }), previous: hex(Buffer.alloc(32)) };
  const c1 = { ...commitment(networkId, 1, [t.root], { chains, assets }), previous: hex(oldHash(c0)) };
  for (const c of [c0, c1]) {
    const data = isNew ? commitData(art, c, certify(c, signers))
      : V('commitEpoch', [OLD, 'bytes[]'], [oldValues(c), oldCertify(c, signers)]);
    out.commitEpoch = gas(await send(a[5], data));
  }
  out.claimNative = gas(await send(a[6], claimData(art, 1, t.proofs.find((p) => p.leaf.token === ZERO_ADDRESS && p.leaf.amount !== '1'))));
  out.claimToken = gas(await send(a[6], claimData(art, 1, t.proofs.find((p) => p.leaf.token === token))));
  return out;
}

const chain = await Chain.start();
try {
  const oldSource = execFileSync('git', ['-C', root, 'show', `${BEFORE}:deploy/contracts/RelayVault.sol`], { encoding: 'utf8' });
  const now = compileVault({ testTokens: true });
  const artifacts = { before: compileSolidity({ 'RelayVault.sol': oldSource }).RelayVault, after: now.RelayVault,
                      TestToken: now.TestToken };
  const rows = [
    ['deposit (native coin)', 'deposit', 4], ['depositToken (ERC-20)', 'depositToken', 4],
    ['requestWithdrawal ("USDC")', 'requestWithdrawal', 4],
    ['commitEpoch, 4 validators, 3 signatures', 'commitEpoch', 4], ['commitEpoch, 19 validators, 13 signatures', 'commitEpoch', 19],
    ['commitEpoch, 19 validators, 13 signatures, C = 5, A = 10', 'commitEpoch', 'wide'],
    ['claim (native coin, 3-leaf tree)', 'claimNative', 4], ['claim (ERC-20, 3-leaf tree)', 'claimToken', 4],
  ];
  const results = {};
  for (const which of ['before', 'after']) {
    results[which] = { 4: await measure(chain, artifacts, which, 4, 3), 19: await measure(chain, artifacts, which, 19, 13),
                       wide: await measure(chain, artifacts, which, 19, 13, { chains: 5, assets: 10 }) };
  }
  const fmt = (n) => n.toLocaleString('en-US');
  console.log(`Gas used (C = 2 chains, A = 2 assets unless said; before: ${BEFORE.slice(0, 12)}, after: the working tree)\n`);
  console.log('| transaction | before | after | change |');
  console.log('|---|---:|---:|---:|');
  for (const [label, key, n] of rows) {
    const b = results.before[n][key];
    const a = results.after[n][key];
    console.log(`| ${label} | ${fmt(b)} | ${fmt(a)} | ${a >= b ? '+' : '−'}${fmt(Math.abs(a - b))} |`);
  }
} finally {
  chain.stop();
}
