// Compiling and deploying the vault contract (deploy/contracts/RelayVault.sol), shared by the
// tests (tests/deploy/*, tests/adapters/evm_chain.mjs), the gas report and scripts/devnet.
//
//   compileVault({testTokens})  the pinned solc (npm `solc`), OpenZeppelin imports resolved from
//                               node_modules/@openzeppelin/contracts, evmVersion cancun,
//                               optimizer on (200 runs): docs/contract.md. Returns {RelayVault:
//                               {abi, bytecode}, ...} and, with testTokens, the test tokens of
//                               tests/deploy/TestToken.sol and EdgeTokens.sol.
//   vaultConstructorArgs(...)   every constructor argument, derived from a parsed genesis.
//   deployVault(...)            deploys it with ethers 6 from the genesis file's text (or a
//                               parsed genesis and its network id), at the address the genesis
//                               names, and returns the address and contract.
//
// Throws an Error naming what is wrong (a compile error, a genesis field, a deployment that
// would not land at the address the genesis names).
import { ContractFactory, JsonRpcProvider, computeAddress, getAddress, getCreateAddress } from 'ethers';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OZ = '@openzeppelin/contracts/';
const ozDir = dirname(require.resolve(OZ + 'package.json'));

/// The compiler settings every build of the vault uses (docs/contract.md): evmVersion pinned,
/// because solc's default target moves with its releases and a chain without the newer opcodes
/// would refuse the bytecode; cancun for the transient reentrancy lock (EIP-1153).
export const SOLC_SETTINGS = Object.freeze({ optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun' });

/// solc's import callback: `@openzeppelin/contracts/...` from the pinned package, nothing else.
function findImport(path) {
  if (!path.startsWith(OZ) || path.includes('..')) return { error: `import ${path}: only ${OZ}... can be imported` };
  try {
    return { contents: readFileSync(join(ozDir, path.slice(OZ.length)), 'utf8') };
  } catch (e) {
    return { error: `import ${path}: ${e.message}` };
  }
}

// Compiling with solc-js takes seconds (more on a loaded machine), and every test process
// needs the same output: it is kept in a cache folder (RELAY_SOLC_CACHE, default
// $TMPDIR/relay-solc-$USER; "off" disables it), one file per SHA-256 of everything the output
// depends on: the solc and OpenZeppelin versions (pinned by package-lock.json), the settings
// and the source texts. A folder another user owns is not used (it could hold planted bytecode).
function cacheFile(sources, settings) {
  const dir = process.env.RELAY_SOLC_CACHE ?? join(tmpdir(), `relay-solc-${userInfo().username}`);
  if (dir === 'off') return null;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (statSync(dir).uid !== process.getuid()) return null;
  } catch {
    return null;
  }
  const versions = ['solc', '@openzeppelin/contracts'].map((p) => require(p + '/package.json').version);
  const key = createHash('sha256').update(JSON.stringify([versions, settings, sources])).digest('hex');
  return join(dir, key + '.json');
}

/// Compiles Solidity `sources` ({unit name: source text}) with the pinned solc and the vault's
/// settings. Returns {contract name: {abi, bytecode ('0x...')}} over every unit.
export function compileSolidity(sources, settings = SOLC_SETTINGS) {
  const cache = cacheFile(sources, settings);
  if (cache) {
    try {
      return JSON.parse(readFileSync(cache, 'utf8'));
    } catch { /* not cached yet (or unreadable): compile */ }
  }
  const contracts = compileNow(sources, settings);
  if (cache) {
    try {  // written whole, then renamed: a reader never sees half a file
      const tmp = `${cache}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(contracts));
      renameSync(tmp, cache);
    } catch { /* a cache that cannot be written only costs time */ }
  }
  return contracts;
}

function compileNow(sources, settings) {
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, { content: v }])),
    settings: { ...settings, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(`solc ${solc.version()}: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contracts = {};
  for (const [unit, byName] of Object.entries(out.contracts)) {
    if (unit.startsWith(OZ)) continue;
    for (const [name, c] of Object.entries(byName)) contracts[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
  }
  return contracts;
}

/// The vault ({RelayVault: {abi, bytecode}}); with `testTokens`, also the tests' tokens
/// (TestToken, and FalseToken, NoReturnToken, FeeToken, ReentrantToken, BlocklistToken,
/// EtherRefuser, DecimalsToken of tests/deploy/EdgeTokens.sol). `source` replaces the vault's
/// source text (the gas report compiles main's copy with it).
export function compileVault({ testTokens = false, source } = {}) {
  const sources = {
    'RelayVault.sol': source ?? readFileSync(join(root, 'deploy', 'contracts', 'RelayVault.sol'), 'utf8'),
  };
  if (testTokens) {
    for (const f of ['TestToken.sol', 'EdgeTokens.sol']) sources[f] = readFileSync(join(root, 'tests', 'deploy', f), 'utf8');
  }
  return compileSolidity(sources);
}

const fail = (where, what) => { throw new Error(`genesis ${where}: ${what}`); };
/// A genesis address (0x and 40 hex digits, any case: vault/genesis.cpp reads hex, not EIP-55),
/// checksummed.
const address = (v, where) => {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) fail(where, `${v} is not 0x and 20 bytes of hex`);
  return getAddress(v.toLowerCase());
};

const U64_MAX = (1n << 64n) - 1n;
/// A genesis integer from 0 to `max`, as a BigInt: a JSON number JSON.parse read exactly (below
/// 2^53; above, it rounds: a quorum of 2^54 + 1 reads as 2^54), a BigInt or a decimal string (what
/// a lossless reader gives for larger ones).
function uint(v, where, max = U64_MAX) {
  if (v === undefined) fail(where, 'missing');
  let n;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'string' && /^[0-9]+$/.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) {
    fail(where, `${v} is not an integer JSON.parse reads exactly (below 2^53): give it as a BigInt or a decimal string`);
  } else if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  if (n === undefined || n > max) fail(where, `${v} is not an integer from 0 to ${max}`);
  return n;
}

/// The constructor's arguments for chain `chainName` of `genesis` (parsed genesis JSON,
/// vault/genesis.cpp's format; integers as numbers below 2^53, BigInts or decimal strings)
/// whose network id (SHA-256 of the genesis file) is `networkId`, in constructor order:
/// [networkId, validators (EVM addresses, from the compressed public keys), weights, quorum,
/// chainIndex, chainCount, assetCount, evmChainId, tokens ([address, decimals, assetDecimals]
/// for each asset with a token on this chain, in genesis asset order)]. Throws naming the
/// genesis field that is missing or cannot be read exactly.
export function vaultConstructorArgs({ genesis, networkId, chainName }) {
  if (!/^0x[0-9a-fA-F]{64}$/.test(networkId ?? '')) fail('network id', `${networkId} is not 32 bytes of 0x-hex`);
  const chains = genesis.chains ?? fail('chains', 'missing');
  const chainIndex = chains.findIndex((c) => c.name === chainName);
  if (chainIndex < 0) fail('chains', `no chain named ${JSON.stringify(chainName)} (${chains.map((c) => c.name).join(', ')})`);
  const chain = chains[chainIndex];
  if (chain.kind !== 'evm') fail(`chains[${chainIndex}].kind`, `${chain.kind}: the vault is for evm chains`);
  const list = genesis.validators ?? fail('validators', 'missing');
  const validators = list.map((v, i) => {
    try {
      return computeAddress(v.pubkey);  // takes the 33-byte compressed key
    } catch (e) {
      return fail(`validators[${i}].pubkey`, e.shortMessage ?? e.message);
    }
  });
  const weights = list.map((v, i) => uint(v.weight, `validators[${i}].weight`));
  const quorum = uint(genesis.quorum, 'quorum');
  const chainId = uint(chain.chain_id, `chains[${chainIndex}].chain_id`);
  const tokens = [];
  (genesis.assets ?? fail('assets', 'missing')).forEach((a, i) => {
    const t = a.tokens?.[chainName];
    if (!t) return;
    const where = `assets[${i}].tokens.${chainName}`;
    tokens.push([address(t.address, `${where}.address`), Number(uint(t.decimals, `${where}.decimals`, 255n)),
                 Number(uint(a.decimals, `assets[${i}].decimals`, 255n))]);
  });
  return [networkId, validators, weights, quorum, chainIndex, chains.length, genesis.assets.length, chainId, tokens];
}

/// Deploys the vault of chain `chainName` of a genesis, given either as `genesisText` (the
/// file's exact text or bytes: the network id is then its SHA-256, and a `networkId` given too
/// must equal it) or as `genesis` (parsed JSON) with its network id `networkId`, from `from`:
/// an ethers Signer, or the address of an account the node holds unlocked (anvil's), on
/// `provider` or `rpcUrl`. Unless `anyAddress`, refuses (before sending anything) when the vault
/// would not land at the genesis' `vault` address for that chain, and sends it with the nonce it
/// checked, so that it lands there or fails. `artifact` is a compileVault() result's RelayVault
/// (compiled here when absent).
/// Returns {address (checksummed), contract (ethers Contract), receipt, args, provider} (a
/// provider made here from rpcUrl is the caller's to destroy()).
export async function deployVault({ rpcUrl, provider, genesisText, genesis, networkId, chainName, from, artifact,
                                    anyAddress = false }) {
  if (genesisText !== undefined) {
    if (genesis !== undefined) fail('deployVault', 'give the genesis as genesisText or as genesis and networkId, not both');
    const fileId = '0x' + createHash('sha256').update(genesisText).digest('hex');
    if (networkId !== undefined && networkId.toLowerCase() !== fileId) {
      fail('network id', `${networkId} is not the genesis file's SHA-256 ${fileId}`);
    }
    networkId = fileId;
    try {
      genesis = JSON.parse(Buffer.from(genesisText).toString('utf8'));
    } catch (e) {
      fail('file', `not JSON: ${e.message}`);
    }
  }
  // cacheTimeout -1: ethers would otherwise answer a nonce asked twice within 250 ms from a cache.
  provider ??= new JsonRpcProvider(rpcUrl ?? fail('deployVault', 'needs rpcUrl or provider'), undefined,
                                   { staticNetwork: true, cacheTimeout: -1 });
  const signer = typeof from === 'string' ? await provider.getSigner(from) : from;
  const args = vaultConstructorArgs({ genesis, networkId, chainName });
  const where = `chains[${args[4]}].vault`;
  const expected = genesis.chains[args[4]].vault;
  let overrides = {};
  if (!anyAddress) {
    const sender = await signer.getAddress();
    const nonce = await provider.getTransactionCount(sender, 'pending');
    const predicted = getCreateAddress({ from: sender, nonce });
    if (!expected || address(expected, where) !== predicted) {
      fail(where, `${expected} is not where ${sender} would deploy the vault now (${predicted})`);
    }
    // Sent with the nonce checked, so that it lands there or not at all: left to the node or the
    // signer, a transaction the account sent in between would move the vault to another address.
    overrides = { nonce };
  }
  const { abi, bytecode } = artifact ?? compileVault().RelayVault;
  let contract;
  let receipt;
  try {
    contract = await new ContractFactory(abi, bytecode, signer).deploy(...args, overrides);
    receipt = await contract.deploymentTransaction().wait();
  } catch (e) {
    if (anyAddress) throw e;
    fail(where, `the deployment at ${expected} (nonce ${overrides.nonce}) failed: ${e.shortMessage ?? e.message}`);
  }
  const deployed = await contract.getAddress();
  if (!anyAddress && deployed !== address(expected, where)) fail(where, `the vault landed at ${deployed}, not ${expected}`);
  return { address: deployed, contract, receipt, args, provider };
}
