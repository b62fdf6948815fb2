// The local devnet as a library: real anvil chains producing blocks on a timer, the real vault
// contract and a token deployed on each, a genesis for N validators, and N real `relayd`
// processes (each running its EVM adapters as child processes), all on 127.0.0.1.
// scripts/devnet (deploy/devnet/run.mjs) runs the main scenario on it; the multi-process tests
// (tests/devnet/) use it to kill, restart and lie.
//
// Layout of the folder it is given (kept after it stops, so that it can be inspected):
//   genesis.json, devnet.json (chains, addresses, ports, accounts),
//   anvil-<chain>.log, v<i>/{validator.key, curve.key, publisher.key, node.toml, data/, relayd.log}
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { compileSolidity, compileVault, deployVault } from '../lib/vault.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Waits until `cond()` returns a truthy value (which it returns), polling every `every` ms;
/// throws naming `what` after `timeoutMs`. The one way the devnet waits: on a condition.
export async function waitFor(what, cond, { timeoutMs = 60000, every = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` +
                      (last ? ` (last error: ${last.message})` : ''));
    }
    await sleep(every);
  }
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const sha256hex = (buf) => '0x' + createHash('sha256').update(buf).digest('hex');

/// One anvil process: a chain with its own id, mining a block every `blockTime` seconds.
export class Anvil {
  constructor({ name, chainId, port, blockTime, log }) {
    Object.assign(this, { name, chainId, port, blockTime, log });
    this.url = `http://127.0.0.1:${port}`;
  }
  async start() {
    const bin = join(root, 'node_modules', '.bin', 'anvil');
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/setup`);
    const out = openSync(this.log, 'a');
    this.proc = spawn(bin, ['--port', String(this.port), '--chain-id', String(this.chainId),
                            '--block-time', String(this.blockTime), '--accounts', '12',
                            '--balance', '1000000'],
                      { stdio: ['ignore', out, out] });
    this.proc.on('exit', (code, sig) => { this.exited = { code, sig }; });
    this.provider = new ethers.JsonRpcProvider(this.url, this.chainId,
                                               { staticNetwork: true, pollingInterval: 250 });
    await waitFor(`anvil ${this.name} on ${this.url}`, async () => {
      if (this.exited) throw new Error(`anvil exited (${JSON.stringify(this.exited)}); see ${this.log}`);
      return (await this.provider.getBlockNumber()) >= 0;
    }, { timeoutMs: 20000, every: 100 });
    return this;
  }
  rpc(method, params = []) { return this.provider.send(method, params); }
  signer(i) { return this.provider.getSigner(i); }
  stop(signal = 'SIGTERM') {
    if (this.proc && !this.exited) this.proc.kill(signal);
  }
}

/// One validator: its keys, config and relayd process.
export class Validator {
  constructor(devnet, index) {
    this.devnet = devnet;
    this.index = index;
    this.name = `v${index + 1}`;
    this.dir = join(devnet.dir, this.name);
  }
  get url() { return `http://127.0.0.1:${this.httpPort}`; }
  async api(path) {
    const res = await fetch(this.url + path, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    let json;
    try { json = JSON.parse(body); } catch { json = undefined; }
    return { status: res.status, json, body };
  }
  start(extraArgs = []) {
    const out = openSync(join(this.dir, 'relayd.log'), 'a');
    this.exited = undefined;
    this.proc = spawn(join(this.devnet.bin, 'relayd'), ['--config', join(this.dir, 'node.toml'), ...extraArgs],
                      { stdio: ['ignore', out, out] });
    this.proc.on('exit', (code, sig) => { this.exited = { code, sig }; });
    return this;
  }
  /// Stops relayd with `signal` (SIGKILL for a crash) and waits until it is gone.
  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.exited) return;
    this.proc.kill(signal);
    await waitFor(`${this.name} to exit`, () => this.exited, { timeoutMs: 20000, every: 50 });
  }
}

export class Devnet {
  /// dir: the folder to fill (created); validators/quorum; epochSeconds: genesis epochs.seconds;
  /// blockTime: anvil's; confirmations: the chains' finality rule; heartbeat: per chain
  /// publish_heartbeat_epochs; bin: where relayd, relayctl and relay-adapter-evm are.
  constructor({ dir, validators = 4, quorum = 3, epochSeconds = 4, blockTime = 1,
                confirmations = 2, heartbeat = 3, bin = join(root, 'build', 'bin'),
                chains = [{ name: 'alpha', chainId: 31337 }, { name: 'beta', chainId: 31338 }] } = {}) {
    Object.assign(this, { dir: resolve(dir), quorum, epochSeconds, blockTime, confirmations,
                          heartbeat, bin, chainSpecs: chains });
    this.validators = Array.from({ length: validators }, (_, i) => new Validator(this, i));
    this.chains = [];
  }

  relayctl(...args) {
    return execFileSync(join(this.bin, 'relayctl'), args, { encoding: 'utf8' });
  }

  /// Everything but the nodes: chains, keys, genesis, vaults and tokens, funded publishers,
  /// node.toml per validator. `binaries` are the ones that must exist in `bin`.
  async prepare(binaries = ['relayctl']) {
    mkdirSync(this.dir, { recursive: true });
    for (const b of binaries) {
      if (!existsSync(join(this.bin, b))) throw new Error(`${join(this.bin, b)} is missing: build first`);
    }
    await this.startChains();
    this.makeKeys();
    await this.deploy();
    await this.fundPublishers();
    await this.writeConfigs();
    return this;
  }

  /// prepare(), then every validator's relayd.
  async start() {
    await this.prepare(['relayd', 'relayctl', 'relay-adapter-evm']);
    for (const v of this.validators) v.start();
    return this;
  }

  async startChains() {
    for (const spec of this.chainSpecs) {
      const a = new Anvil({ ...spec, port: await freePort(), blockTime: this.blockTime,
                            log: join(this.dir, `anvil-${spec.name}.log`) });
      this.chains.push(await a.start());
    }
  }

  makeKeys() {
    for (const v of this.validators) {
      mkdirSync(v.dir, { recursive: true });
      const key = (file, ...args) => {
        const path = join(v.dir, file);
        if (!existsSync(path)) this.relayctl(...args, '--out', path);
        return JSON.parse(readFileSync(path, 'utf8'));
      };
      v.key = key('validator.key', 'keygen');
      v.curve = key('curve.key', 'curve-keygen');
      v.publisher = key('publisher.key', 'keygen', '--publisher');
    }
  }

  /// Deploys, on every chain, the devnet token (6 decimals on the first chain, 18 on the others:
  /// one asset, two decimals) and the vault. The genesis holds the vault's address and the vault
  /// holds the genesis' hash, so the addresses are computed first (CREATE: deployer + nonce).
  async deploy() {
    const artifacts = { ...compileVault(),
                        ...compileSolidity({ 'DevToken.sol': readFileSync(join(here, 'DevToken.sol'), 'utf8') }) };
    const plans = [];
    for (const [i, chain] of this.chains.entries()) {
      const deployer = await chain.signer(0);
      const from = await deployer.getAddress();
      const nonce = await chain.provider.getTransactionCount(from, 'pending');
      plans.push({ chain, deployer, from, tokenDecimals: i === 0 ? 6 : 18,
                   token: ethers.getCreateAddress({ from, nonce }),
                   vault: ethers.getCreateAddress({ from, nonce: nonce + 1 }) });
    }
    const startBlock = Math.min(...await Promise.all(this.chains.map((c) => c.provider.getBlockNumber())));
    const now = Math.floor(Date.now() / 1000);
    this.genesis = {
      network: 'relay-devnet',
      quorum: this.quorum,
      validators: this.validators.map((v) => ({ name: v.name, pubkey: v.key.public_key, weight: 1 })),
      epochs: { start_time: now, seconds: this.epochSeconds },
      chains: plans.map((p) => ({ name: p.chain.name, chain_id: p.chain.chainId, kind: 'evm',
                                  vault: p.vault.toLowerCase(), start_block: startBlock,
                                  finality: { confirmations: this.confirmations } })),
      assets: [
        { id: 'ETH', decimals: 18, tokens: Object.fromEntries(plans.map((p) => [p.chain.name,
          { address: ethers.ZeroAddress, decimals: 18 }])) },
        { id: 'USD', decimals: 6, tokens: Object.fromEntries(plans.map((p) => [p.chain.name,
          { address: p.token.toLowerCase(), decimals: p.tokenDecimals }])) },
      ],
    };
    const text = JSON.stringify(this.genesis, null, 2) + '\n';
    this.genesisPath = join(this.dir, 'genesis.json');
    writeFileSync(this.genesisPath, text);
    this.networkId = sha256hex(Buffer.from(text));

    for (const p of plans) {
      const tf = new ethers.ContractFactory(artifacts.DevToken.abi, artifacts.DevToken.bytecode, p.deployer);
      const token = await tf.deploy('Devnet Dollar', 'USD', p.tokenDecimals);
      await token.waitForDeployment();
      const { address: v } = await deployVault({ provider: p.chain.provider, genesisText: text,
                                                 networkId: this.networkId, chainName: p.chain.name,
                                                 from: p.deployer, artifact: artifacts.RelayVault });
      const t = await token.getAddress();
      if (t !== p.token || v !== p.vault) {
        throw new Error(`${p.chain.name}: deployed at ${t}/${v}, not at the addresses the genesis names ${p.token}/${p.vault}`);
      }
      p.chain.token = new ethers.Contract(t, artifacts.DevToken.abi, p.chain.provider);
      p.chain.vault = new ethers.Contract(v, artifacts.RelayVault.abi, p.chain.provider);
      p.chain.tokenDecimals = p.tokenDecimals;
    }
  }

  /// Gives every validator's publisher account 100 ETH on every chain (from anvil account 11).
  async fundPublishers() {
    for (const chain of this.chains) {
      const bank = await chain.signer(11);
      for (const v of this.validators) {
        const tx = await bank.sendTransaction({ to: v.publisher.address, value: ethers.parseEther('100') });
        await tx.wait();
      }
    }
  }

  async allocatePorts() {
    for (const v of this.validators) {
      v.httpPort ??= await freePort();
      v.peerPort ??= await freePort();
    }
  }

  nodeToml(v) {
    const q = (s) => JSON.stringify(s);
    const lines = [
      '# Written by deploy/devnet/devnet.mjs: one devnet validator.',
      '[node]',
      `genesis = ${q(this.genesisPath)}`,
      `data = ${q(join(v.dir, 'data'))}`,
      `validator_key = ${q(join(v.dir, 'validator.key'))}`,
      `curve_key = ${q(join(v.dir, 'curve.key'))}`,
      'log_level = "info"',
      'log_format = "text"',
      '',
      '[http]',
      `listen = ${q(`127.0.0.1:${v.httpPort}`)}`,
      '',
      '[peers]',
      `listen = ${q(`tcp://127.0.0.1:${v.peerPort}`)}`,
    ];
    for (const p of this.validators) {
      if (p === v) continue;
      lines.push('', '[[peers.peer]]', `name = ${q(p.name)}`,
                 `address = ${q(`tcp://127.0.0.1:${p.peerPort}`)}`,
                 `curve_public_key = ${q(p.curve.public_key)}`);
    }
    for (const c of this.chains) {
      lines.push('', `[chains.${c.name}]`, 'adapter = "evm"', `rpc = [${q(c.url)}]`, 'agree = 1',
                 `publisher_key = ${q(join(v.dir, 'publisher.key'))}`,
                 `publish_heartbeat_epochs = ${this.heartbeat}`);
    }
    return lines.join('\n') + '\n';
  }

  async writeConfigs() {
    await this.allocatePorts();
    for (const v of this.validators) writeFileSync(join(v.dir, 'node.toml'), this.nodeToml(v));
    writeFileSync(join(this.dir, 'devnet.json'), JSON.stringify({
      network_id: this.networkId,
      chains: this.chains.map((c) => ({ name: c.name, chain_id: c.chainId, rpc: c.url,
                                        vault: c.vault.target, token: c.token.target })),
      validators: this.validators.map((v) => ({ name: v.name, http: v.url, address: v.key.address })),
    }, null, 2) + '\n');
  }

  async stop() {
    await Promise.all(this.validators.map((v) => v.stop('SIGTERM').catch(() => v.stop('SIGKILL'))));
    for (const c of this.chains) c.stop();
  }
}
