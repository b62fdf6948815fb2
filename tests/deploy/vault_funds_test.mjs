// No funds stranded by design (docs/contract.md "Deposits" and "Claims"): the vault accepts only
// deposits the relay will credit (the genesis' tokens, exact amounts, custody under the cap, a
// nonzero account), and a certified withdrawal whose recipient cannot be paid is paid elsewhere
// by its recipient (claimTo). On a real anvil, with the tokens of tests/deploy/EdgeTokens.sol.
// Run: node tests/deploy/vault_funds_test.mjs   (CTest label "contract").
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { compileVault } from '../../deploy/lib/vault.mjs';
import {
  Chain, ZERO_ADDRESS, account, callData, certify, claimData, claimToData, commitData, commitment, constructorArgs,
  encode, hex, leaf, testKeys, withdrawalTree,
} from './harness.mjs';

const networkId = hex(Buffer.alloc(32, 0x42));
const keys = testKeys(4);
const CAP = ((1n << 128n) - 1n) / 2n;  // two chains

let chain;
let artifacts;
let accounts;
let vault;
let noNative;  // a vault whose chain has no native-coin asset
const tok = {};  // name => address

const V = (name, types, values) => callData(artifacts.RelayVault, name, types, values);
const B = (name, types, values) => callData(artifacts.BasicToken, name, types, values);
const expectRevert = (...a) => chain.expectRevert(...a);
const deposit = (acc) => V('deposit', ['bytes32'], [acc]);
const depositToken = (t, amount, acc) => V('depositToken', ['address', 'uint256', 'bytes32'], [t, amount, acc]);
const balanceOf = async (t, who) => BigInt(await chain.call(t, B('balanceOf', ['address'], [who])));
async function custody(t) {
  const ret = Buffer.from((await chain.call(vault, V('tokenInfo', ['address'], [t]))).slice(2), 'hex');
  return BigInt(hex(ret.subarray(96, 128)));
}
/// Mints `amount` of token `t` to `user` and lets the vault pull it.
async function fund(t, user, amount) {
  await chain.send(user, t, B('mint', ['address', 'uint256'], [user, amount]));
  await chain.send(user, t, B('approve', ['address', 'uint256'], [vault, amount]));
}
let nextEpoch = 0;
/// Commits an epoch whose withdrawals to this chain are `leaves`; returns the tree.
async function certified(leaves) {
  const t = withdrawalTree(leaves);
  const c = commitment(networkId, nextEpoch++, [t.root], { assets: 6 });
  await chain.send(accounts[0], vault, commitData(artifacts.RelayVault, c, certify(c, keys.slice(0, 3))));
  return { ...t, epoch: c.epoch };
}

before(async () => {
  artifacts = compileVault({ testTokens: true });
  chain = await Chain.start();
  accounts = chain.accounts;
  const decimals = (d) => chain.deploy(artifacts.DecimalsToken, encode(['uint8'], [d]));
  tok.d24 = await decimals(24);  // an 18-decimal asset's token with 24 decimals
  tok.d0 = await decimals(0);    // a 38-decimal asset's token with none: 1 unit = 10^38 canonical
  tok.d6 = await decimals(6);    // as many as its asset
  tok.unlisted = await decimals(6);
  tok.fee = await chain.deploy(artifacts.FeeToken);  // listed with 8 decimals for a 6-decimal asset
  tok.blocklist = await chain.deploy(artifacts.BlocklistToken);
  tok.refuser = await chain.deploy(artifacts.EtherRefuser);
  const args = { networkId, validators: keys.map((k) => k.address), weights: [1, 1, 1, 1], quorum: 3, chainId: chain.chainId,
                 assetCount: 6 };
  vault = await chain.deploy(artifacts.RelayVault, constructorArgs({ ...args, tokens: [
    [ZERO_ADDRESS, 18, 18], [tok.d24, 24, 18], [tok.d0, 0, 38], [tok.d6, 6, 6], [tok.fee, 8, 6], [tok.blocklist, 18, 18],
  ] }));
  noNative = await chain.deploy(artifacts.RelayVault, constructorArgs({ ...args, tokens: [[tok.d6, 6, 6]] }));
});

after(() => chain?.stop());

test('deposits for the zero account, of an unlisted token or of an unlisted native coin are refused', async () => {
  const user = accounts[1];
  const acc = account(user);
  await fund(tok.d6, user, 1000n);
  await expectRevert(vault, deposit(hex(Buffer.alloc(32))), 'ZeroAccount()', [], [], { from: user, value: 1n });
  await expectRevert(vault, depositToken(tok.d6, 1, hex(Buffer.alloc(32))), 'ZeroAccount()', [], [], { from: user });
  await chain.send(user, tok.unlisted, B('mint', ['address', 'uint256'], [user, 10n]));
  await chain.send(user, tok.unlisted, B('approve', ['address', 'uint256'], [vault, 10n]));
  await expectRevert(vault, depositToken(tok.unlisted, 10, acc), 'UnknownToken(address)', ['address'], [tok.unlisted],
                     { from: user });
  await expectRevert(noNative, deposit(acc), 'UnknownToken(address)', ['address'], [ZERO_ADDRESS], { from: user, value: 1n });
  // What is listed goes through, on both vaults.
  await chain.send(user, vault, deposit(acc), 5n);
  await chain.send(user, vault, depositToken(tok.d6, 10, acc));
  await chain.send(user, tok.d6, B('approve', ['address', 'uint256'], [noNative, 10n]));
  await chain.send(user, noNative, depositToken(tok.d6, 10, acc));
  assert.deepEqual([await custody(ZERO_ADDRESS), await custody(tok.d6), await custody(tok.unlisted)], [5n, 10n, 0n]);
  const info = await chain.call(vault, V('tokenInfo', ['address'], [tok.d24]));
  assert.equal(info, hex(encode(['bool', 'uint8', 'uint8', 'uint128'], [true, 24, 18, 0])));
  assert.equal(await chain.call(vault, V('tokens', [], [])), hex(encode(['address[]'],
    [[ZERO_ADDRESS, tok.d24, tok.d0, tok.d6, tok.fee, tok.blocklist]])));
});

test('deposits for an account no EVM address can withdraw from are refused (AccountNotWithdrawable)', async () => {
  // A withdrawal is requested for the caller's address left-padded, and every chain of a genesis
  // is an EVM chain: an account with any of its 12 high bytes set, or the vault's own address
  // (which never calls requestWithdrawal), would be credited and never withdrawn.
  const user = accounts[1];
  await fund(tok.d6, user, 100n);
  const notWithdrawable = (acc) => ['AccountNotWithdrawable(bytes32)', ['bytes32'], [acc]];
  for (const acc of [hex(Buffer.alloc(32, 0xab)), '0x01' + account(user).slice(4), hex(Buffer.from([...Buffer.alloc(11), 1,
    ...Buffer.alloc(20)])), account(vault)]) {
    await expectRevert(vault, deposit(acc), ...notWithdrawable(acc), { from: user, value: 1n });
    await expectRevert(vault, depositToken(tok.d6, 1, acc), ...notWithdrawable(acc), { from: user });
  }
  // Any other address, the depositor's or not, is an account someone can withdraw from.
  const held = await custody(tok.d6);
  await chain.send(user, vault, depositToken(tok.d6, 1, account('0x' + 'ff'.repeat(20))));
  await chain.send(user, vault, depositToken(tok.d6, 1, account(accounts[2])));
  assert.equal(await custody(tok.d6), held + 2n);
});

test('a token with more decimals than its asset: only exact multiples of 10^(d - a), judged on what arrived', async () => {
  const user = accounts[2];
  const acc = account(user);
  const unit = 10n ** 6n;
  await fund(tok.d24, user, 10n ** 25n);
  const inexact = ['InexactAmount(address,uint256,uint256)', ['address', 'uint256', 'uint256']];
  await expectRevert(vault, depositToken(tok.d24, 10n ** 24n + 1n, acc), ...inexact, [tok.d24, 10n ** 24n + 1n, unit],
                     { from: user });
  await expectRevert(vault, depositToken(tok.d24, unit - 1n, acc), ...inexact, [tok.d24, unit - 1n, unit], { from: user });
  await chain.send(user, vault, depositToken(tok.d24, 10n ** 24n, acc));
  await chain.send(user, vault, depositToken(tok.d24, unit, acc));
  assert.equal(await custody(tok.d24), 10n ** 18n + 1n);  // canonical units
  // A fee-on-transfer token (1% burnt) listed with 8 decimals for a 6-decimal asset: 1000 asked,
  // 990 arrive, not a multiple of 100; 10000 asked, 9900 arrive: credited 99.
  await fund(tok.fee, user, 11000n);
  await expectRevert(vault, depositToken(tok.fee, 1000, acc), ...inexact, [tok.fee, 990, 100], { from: user });
  await chain.send(user, vault, depositToken(tok.fee, 10000, acc));
  assert.equal(await custody(tok.fee), 99n);
  assert.equal(await balanceOf(tok.fee, vault), 9900n);
});

test('custody per token stops at (2^128 - 1) / chainCount canonical units; claims make room again', async () => {
  const user = accounts[3];
  const acc = account(user);
  assert.equal(BigInt(await chain.call(vault, V('custodyCap', [], []))), CAP);
  const capped = (t, held) => ['CustodyCap(address,uint256,uint256)', ['address', 'uint256', 'uint256'], [t, held, CAP]];
  // As many decimals as the asset: exactly the cap is accepted, one unit more is not.
  await fund(tok.d6, user, 1n << 130n);
  const held = await custody(tok.d6);
  await expectRevert(vault, depositToken(tok.d6, CAP - held + 1n, acc), ...capped(tok.d6, held), { from: user });
  await chain.send(user, vault, depositToken(tok.d6, CAP - held, acc));
  await expectRevert(vault, depositToken(tok.d6, 1, acc), ...capped(tok.d6, CAP), { from: user });
  // Fewer decimals than the asset: each unit is 10^38 canonical; amounts far above 2^128 are
  // refused by the same check (no overflow).
  await fund(tok.d0, user, 1n << 250n);
  await chain.send(user, vault, depositToken(tok.d0, 1, acc));
  await expectRevert(vault, depositToken(tok.d0, 1, acc), ...capped(tok.d0, 10n ** 38n), { from: user });
  await expectRevert(vault, depositToken(tok.d0, 1n << 200n, acc), ...capped(tok.d0, 10n ** 38n), { from: user });
  // The native coin, with a balance set far above what any chain holds.
  await chain.rpc('anvil_setBalance', [user, '0x' + (1n << 129n).toString(16)]);
  const native = await custody(ZERO_ADDRESS);
  await expectRevert(vault, deposit(acc), ...capped(ZERO_ADDRESS, native), { from: user, value: CAP - native + 1n });
  await chain.send(user, vault, deposit(acc), CAP - native);
  assert.deepEqual([await custody(tok.d6), await custody(tok.d0), await custody(ZERO_ADDRESS)], [CAP, 10n ** 38n, CAP]);

  // A claim takes its amount off the custody (in canonical units): a deposit of that much fits
  // again, one unit more does not.
  const t = await certified([leaf('cap-d6', accounts[4], tok.d6, 1000), leaf('cap-d24', accounts[4], tok.d24, 3n * 10n ** 6n)]);
  for (const p of t.proofs) await chain.send(accounts[4], vault, claimData(artifacts.RelayVault, t.epoch, p));
  assert.equal(await custody(tok.d6), CAP - 1000n);
  assert.equal(await custody(tok.d24), 10n ** 18n + 1n - 3n);
  await expectRevert(vault, depositToken(tok.d6, 1001, acc), ...capped(tok.d6, CAP - 1000n), { from: user });
  await chain.send(user, vault, depositToken(tok.d6, 1000, acc));
});

test('a withdrawal its recipient cannot be paid is paid elsewhere with claimTo, by the recipient only', async () => {
  const user = accounts[5];
  const blocked = accounts[6];
  const elsewhere = accounts[7];
  const stranger = accounts[8];
  await fund(tok.blocklist, user, 1000n);
  await chain.send(user, vault, depositToken(tok.blocklist, 1000, account(user)));
  await chain.send(user, tok.blocklist,
                   callData(artifacts.BlocklistToken, 'setBlocked', ['address', 'bool'], [blocked, true]));
  const t = await certified([leaf('to-blocked', blocked, tok.blocklist, 300), leaf('to-refuser', tok.refuser, ZERO_ADDRESS, 7)]);
  const [pToken, pNative] = ['to-blocked', 'to-refuser'].map((n) => t.proofs.find((p) => p.leaf.id === leaf(n).id));
  const claim = (p) => claimData(artifacts.RelayVault, t.epoch, p);
  const claimTo = (p, payTo) => claimToData(artifacts.RelayVault, t.epoch, p, payTo);
  const isClaimed = async (p) => BigInt(await chain.call(vault, V('claimed', ['bytes32'], [p.leaf.id]))) === 1n;
  const transferFailed = 'TransferFailed(address,address,uint256)';
  const addrs = ['address', 'address', 'uint256'];
  const notRecipient = (p, caller) => ['NotRecipient(address,address)', ['address', 'address'], [caller, p.leaf.recipient]];
  const from = await chain.rpc('eth_blockNumber');

  // A recipient the token refuses to pay: claim fails; claimTo from anyone else is refused;
  // from the recipient, to another address, it is paid there.
  await expectRevert(vault, claim(pToken), transferFailed, addrs, [tok.blocklist, blocked, 300]);
  await expectRevert(vault, claimTo(pToken, elsewhere), ...notRecipient(pToken, stranger), { from: stranger });
  await expectRevert(vault, claimTo(pToken, ZERO_ADDRESS), 'ZeroRecipient()', [], [], { from: blocked });
  await expectRevert(vault, claimTo(pToken, vault), 'RecipientIsVault()', [], [], { from: blocked });
  await expectRevert(vault, claimTo({ ...pToken, leaf: { ...pToken.leaf, amount: '301' } }, elsewhere), 'BadProof()', [], [],
                     { from: blocked });
  assert.equal(await isClaimed(pToken), false);
  await chain.send(blocked, vault, claimTo(pToken, elsewhere));
  assert.equal(await balanceOf(tok.blocklist, elsewhere), 300n);
  assert.equal(await balanceOf(tok.blocklist, vault), 700n);
  assert.equal(await isClaimed(pToken), true);
  await expectRevert(vault, claim(pToken), 'AlreadyClaimed(bytes32)', ['bytes32'], [pToken.leaf.id]);
  await expectRevert(vault, claimTo(pToken, stranger), 'AlreadyClaimed(bytes32)', ['bytes32'], [pToken.leaf.id],
                     { from: blocked });

  // A contract that refuses the native coin: the same, the contract calling claimTo itself.
  await expectRevert(vault, claim(pNative), transferFailed, addrs, [ZERO_ADDRESS, tok.refuser, 7]);
  await expectRevert(vault, claimTo(pNative, elsewhere), ...notRecipient(pNative, stranger), { from: stranger });
  const before = await chain.balance(elsewhere);
  await chain.send(stranger, tok.refuser, callData(artifacts.EtherRefuser, 'forward', ['address', 'bytes'],
                                                   [vault, claimTo(pNative, elsewhere)]));
  assert.equal(await chain.balance(elsewhere), before + 7n);
  assert.equal(await isClaimed(pNative), true);

  // WithdrawalClaimed names the address actually paid; the relay reads only the id.
  const got = await chain.logs(vault, 'WithdrawalClaimed(bytes32,address,address,uint256)', from);
  assert.deepEqual(got.map((l) => [l.topics[1], l.topics[2], l.topics[3], BigInt(l.data)]), [
    [pToken.leaf.id, account(elsewhere), account(tok.blocklist), 300n],
    [pNative.leaf.id, account(elsewhere), account(ZERO_ADDRESS), 7n],
  ]);
});
