// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title RelayVault: one chain's vault of the relay network.
/// @notice Users deposit the native coin or the genesis' ERC-20 tokens here and ask to withdraw
/// to any chain of the network; the relay's validators read those events (after finality), apply
/// them to the canonical state and, at the end of every epoch, sign a commitment over it. A
/// publisher submits a certified epoch with `commitEpoch`; users then `claim` the withdrawals
/// certified to this chain with Merkle proofs. Every encoding, hash and check follows
/// docs/proofs.md ("Signatures", "Epoch commitment", "Withdrawal commitment", "Certificate") and
/// docs/node.md ("Commitment", "The vault contract"); the interface, events, errors and the event
/// accumulator are specified in docs/contract.md.
/// @dev No owner, no upgrade, no admin function: the validator set, quorum, network id and token
/// list are fixed at deployment (they are part of the genesis, whose hash is the network id, so
/// another set is another network and another vault). Token transfers go through OpenZeppelin's
/// SafeERC20, signature recovery through its ECDSA (which refuses high s), and the lock is its
/// transient ReentrancyGuard (EIP-1153: the pinned evmVersion is cancun); their refusals are
/// mapped to this contract's named errors.
contract RelayVault is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// One leaf of a withdrawal tree (docs/proofs.md "Withdrawal commitment").
    struct Withdrawal {
        bytes32 id;
        address recipient;
        address token; // zero address: the native coin
        uint256 amount; // this chain's token units
    }

    /// A genesis asset's token on this chain (constructor argument).
    struct Token {
        address token; // zero address: the native coin
        uint8 decimals; // the token's decimals on this chain (genesis assets[].tokens[chain].decimals)
        uint8 assetDecimals; // the asset's canonical decimals (genesis assets[].decimals)
    }

    /// What the vault keeps per listed token: one storage slot.
    struct TokenState {
        uint128 custody; // deposits minus claims, canonical units of the token's asset
        uint8 decimals;
        uint8 assetDecimals;
        bool listed;
    }

    uint256 private constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;
    uint256 private constant N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;
    // The proof JSON refuses more than 64 siblings (docs/proofs.md "Withdrawal proof JSON").
    uint256 private constant MAX_DEPTH = 64;
    // The genesis' largest decimals (vault/genesis.h kMaxDecimals).
    uint8 private constant MAX_DECIMALS = 38;
    // The commitment's 14 head words (docs/node.md "Commitment"): 4 static fields, 10 array offsets.
    uint256 private constant HEAD = 14 * 32;
    uint256 private constant ARRAYS = 10;
    // The withdrawal roots' offset word (field 14).
    uint256 private constant ROOTS_OFFSET_WORD = 13;

    bytes32 public immutable networkId;
    uint64 public immutable quorum;
    uint32 public immutable chainIndex; // this chain's index in the genesis chain list
    uint32 public immutable chainCount; // C
    uint32 public immutable assetCount; // A
    /// The most a token's custody may reach, canonical units: (2^128 - 1) / chainCount, so the
    /// relay's 128-bit sums over every chain cannot overflow.
    uint256 public immutable custodyCap;
    // The commitment's exact length in bytes: 32 * (14 + 10 + 6C + 2A + 2CA).
    uint256 private immutable commitmentLength;

    /// Validator EVM address => weight (0: not a validator).
    mapping(address => uint64) public validatorWeight;
    address[] private validatorList;
    mapping(address => TokenState) private tokenState;
    address[] private tokenList;

    // One slot: the event count (written by every event) and the highest committed epoch.
    uint64 private eventCount;
    /// The highest epoch committed here, if any (epochs may be committed in any order).
    uint64 public lastEpoch;
    bool public hasCommitted;
    bytes32 private eventAccumulator;
    /// Epoch => this chain's withdrawal root in that epoch's commitment (zero: not committed;
    /// a committed root is never zero).
    mapping(uint64 => bytes32) public withdrawalRoot;
    /// Withdrawal id => paid.
    mapping(bytes32 => bool) public claimed;

    // --- Events (docs/contract.md "Events"; each relay event also folds the accumulator) ---

    /// A deposit of `amount` (token units, as received) of `token` (zero: native coin) for the
    /// relay account `account`. The relay's `deposit` event.
    event Deposited(address indexed token, bytes32 indexed account, address indexed depositor, uint256 amount);
    /// `account` (the caller's address, left-padded) asks to move `amount` canonical units of
    /// `asset` to `recipient` on the chain whose EVM chain id is `destChainId`. The relay's
    /// `withdrawal_request` event.
    event WithdrawalRequested(
        bytes32 indexed account, string asset, uint128 amount, uint64 indexed destChainId, address recipient
    );
    /// A certified epoch was stored.
    event EpochCommitted(uint64 indexed epoch, bytes32 commitmentHash, bytes32 withdrawalRoot, uint256 weight);
    /// A certified withdrawal was paid to `recipient` (the leaf's recipient, or the address it
    /// named with claimTo). The relay's `withdrawal_claimed` event.
    event WithdrawalClaimed(bytes32 indexed id, address indexed recipient, address indexed token, uint256 amount);

    // --- Errors: construction ---
    error ValidatorListMismatch(uint256 validators, uint256 weights);
    error InvalidValidator(uint256 index, address validator);
    error DuplicateValidator(uint256 index, address validator);
    error ZeroWeight(uint256 index, address validator);
    error InvalidQuorum(uint64 quorum, uint256 totalWeight);
    error InvalidChainIndex(uint32 chainIndex, uint32 chainCount);
    error WrongChainId(uint256 chainId, uint64 expected);
    error DuplicateToken(uint256 index, address token);
    error InvalidDecimals(uint256 index, uint8 decimals, uint8 assetDecimals);
    error TokenDecimalsMismatch(uint256 index, address token, uint8 decimals, uint8 tokenDecimals);

    // --- Errors: certificates (docs/proofs.md "Verification rules"; index = signature position) ---
    error WrongNetwork(bytes32 networkId);
    error MalformedCommitment();
    error SignatureLength(uint256 index, uint256 length);
    error BadRecoveryId(uint256 index, uint8 v);
    error MalformedSignature(uint256 index);
    error HighS(uint256 index);
    error UnknownSigner(uint256 index, address signer);
    error DuplicateSigner(uint256 index, address signer);
    error SignersNotAscending(uint256 index, address signer);
    error InsufficientWeight(uint256 weight, uint64 quorum);
    error EpochAlreadyCommitted(uint64 epoch);

    // --- Errors: deposits, requests, claims ---
    error ZeroAmount();
    error ZeroAccount();
    error AccountNotWithdrawable(bytes32 account);
    error NativeTokenNotAllowed();
    error UnknownToken(address token);
    error InexactAmount(address token, uint256 amount, uint256 unit);
    error CustodyCap(address token, uint256 custody, uint256 cap);
    error NotAContract(address token);
    error TransferFailed(address token, address to, uint256 amount);
    error ZeroRecipient();
    error RecipientIsVault();
    error InvalidAsset();
    error UnknownEpoch(uint64 epoch);
    error BadProof();
    error AlreadyClaimed(bytes32 id);
    error NotRecipient(address caller, address recipient);
    error Reentrancy();

    /// OpenZeppelin's nonReentrant, refusing a reentry with this contract's named error (put it
    /// before nonReentrant, which would otherwise refuse it with its own).
    modifier noReentry() {
        if (_reentrancyGuardEntered()) revert Reentrancy();
        _;
    }

    /// @param networkId_ SHA-256 of the genesis file (the signatures' domain separator).
    /// @param validators_ the validators' EVM addresses (what ecrecover returns), any order.
    /// @param weights_ their weights, in the same order.
    /// @param quorum_ the weight a certificate needs, 1 <= quorum <= total weight.
    /// @param chainIndex_ this chain's index in the genesis chain list (whose withdrawal root
    ///        this vault stores), below chainCount_.
    /// @param chainCount_ the genesis' number of chains (C), assetCount_ of assets (A): they fix
    ///        the commitment's layout.
    /// @param evmChainId_ the genesis chain_id of chain chainIndex_: the deployment is refused
    ///        on any other chain, so a vault cannot pay withdrawals certified to another chain.
    /// @param tokens_ for each genesis asset that has a token on this chain, in genesis asset
    ///        order: its address (zero: the native coin), its decimals and the asset's. Only
    ///        these can be deposited. A token whose decimals() answers otherwise is refused.
    constructor(
        bytes32 networkId_,
        address[] memory validators_,
        uint64[] memory weights_,
        uint64 quorum_,
        uint32 chainIndex_,
        uint32 chainCount_,
        uint32 assetCount_,
        uint64 evmChainId_,
        Token[] memory tokens_
    ) {
        if (block.chainid != evmChainId_) revert WrongChainId(block.chainid, evmChainId_);
        if (validators_.length != weights_.length) revert ValidatorListMismatch(validators_.length, weights_.length);
        uint256 total = 0;
        for (uint256 i = 0; i < validators_.length; ++i) {
            address v = validators_[i];
            if (v == address(0)) revert InvalidValidator(i, v);
            if (weights_[i] == 0) revert ZeroWeight(i, v);
            if (validatorWeight[v] != 0) revert DuplicateValidator(i, v);
            validatorWeight[v] = weights_[i];
            validatorList.push(v);
            total += weights_[i];
        }
        if (quorum_ == 0 || quorum_ > total) revert InvalidQuorum(quorum_, total);
        if (chainIndex_ >= chainCount_) revert InvalidChainIndex(chainIndex_, chainCount_);
        for (uint256 i = 0; i < tokens_.length; ++i) {
            Token memory t = tokens_[i];
            if (tokenState[t.token].listed) revert DuplicateToken(i, t.token);
            if (t.decimals > MAX_DECIMALS || t.assetDecimals > MAX_DECIMALS) {
                revert InvalidDecimals(i, t.decimals, t.assetDecimals);
            }
            if (t.token != address(0)) {
                // A token that is already deployed and answers decimals() must agree with the
                // genesis, or every deposit of it would be credited at the wrong scale.
                (bool ok, uint8 actual) = IERC20(t.token).tryGetDecimals();
                if (ok && actual != t.decimals) revert TokenDecimalsMismatch(i, t.token, t.decimals, actual);
            }
            tokenState[t.token] = TokenState(0, t.decimals, t.assetDecimals, true);
            tokenList.push(t.token);
        }
        networkId = networkId_;
        quorum = quorum_;
        chainIndex = chainIndex_;
        chainCount = chainCount_;
        assetCount = assetCount_;
        custodyCap = uint256(type(uint128).max) / chainCount_;
        uint256 c = chainCount_;
        uint256 a = assetCount_;
        commitmentLength = 32 * (14 + ARRAYS + 6 * c + 2 * a + 2 * c * a);
    }

    /// The validators' addresses, in constructor order.
    function validators() external view returns (address[] memory) {
        return validatorList;
    }

    /// The listed tokens, in constructor order (zero address: the native coin).
    function tokens() external view returns (address[] memory) {
        return tokenList;
    }

    /// A token's listing: whether it can be deposited, its decimals and its asset's, and the
    /// vault's custody of it in canonical units (deposits minus claims).
    function tokenInfo(address token)
        external
        view
        returns (bool listed, uint8 decimals, uint8 assetDecimals, uint128 custody)
    {
        TokenState memory t = tokenState[token];
        return (t.listed, t.decimals, t.assetDecimals, t.custody);
    }

    /// How many relay events (Deposited, WithdrawalRequested, WithdrawalClaimed) this vault
    /// emitted, and the running keccak256 over their records (docs/contract.md "Event
    /// accumulator"). Read at a block (eth_call with EIP-1898 blockHash) it covers exactly the
    /// events up to and including that block.
    function eventState() external view returns (uint64 count, bytes32 accumulator) {
        return (eventCount, eventAccumulator);
    }

    // ------------------------------------------------------------------------------------------
    // Deposits and withdrawal requests (the events the relay's EVM adapter reads)

    /// Deposits msg.value of the native coin for `account`: an EVM address left-padded to 32
    /// bytes (the depositor's by default), the only accounts requestWithdrawal can withdraw from.
    function deposit(bytes32 account) external payable {
        if (msg.value == 0) revert ZeroAmount();
        _checkAccount(account);
        _credit(address(0), msg.value);
        _recordDeposit(address(0), account, msg.value);
    }

    /// Deposits `amount` of the listed ERC-20 `token` for `account` (as for `deposit`), pulled with
    /// transferFrom (approve this vault first). The amount actually received is judged and emitted.
    function depositToken(address token, uint256 amount, bytes32 account) external noReentry nonReentrant {
        if (token == address(0)) revert NativeTokenNotAllowed();
        if (amount == 0) revert ZeroAmount();
        _checkAccount(account);
        if (!tokenState[token].listed) revert UnknownToken(token);
        uint256 before = _balanceOf(token);
        if (!IERC20(token).trySafeTransferFrom(msg.sender, address(this), amount)) {
            revert TransferFailed(token, address(this), amount);
        }
        uint256 afterwards = _balanceOf(token);
        if (afterwards <= before) revert ZeroAmount();
        uint256 received = afterwards - before;
        _credit(token, received);
        _recordDeposit(token, account, received);
    }

    /// Asks the relay to move `amount` (canonical units of the genesis asset `asset`) from the
    /// caller's account (its address left-padded) to `recipient` on chain `destChainId`. The
    /// relay checks the balance and the destination's liquidity; nothing moves here.
    function requestWithdrawal(string calldata asset, uint128 amount, uint64 destChainId, address recipient)
        external
    {
        if (amount == 0) revert ZeroAmount();
        if (recipient == address(0)) revert ZeroRecipient();
        if (recipient == address(this)) revert RecipientIsVault();
        // A genesis asset id (1 to 32 letters, digits, '_', '.', '-'; vault/genesis.cpp): any
        // other string would be an event the relay cannot read, halting its epochs.
        bytes calldata id = bytes(asset);
        if (id.length == 0 || id.length > 32) revert InvalidAsset();
        for (uint256 i = 0; i < id.length; ++i) {
            bytes1 c = id[i];
            if (!((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" ||
                  c == "." || c == "-")) revert InvalidAsset();
        }
        bytes32 account = bytes32(uint256(uint160(msg.sender)));
        eventAccumulator = keccak256(
            abi.encodePacked(eventAccumulator, uint8(2), account, amount, destChainId, recipient, uint8(id.length), id)
        );
        ++eventCount;
        emit WithdrawalRequested(account, asset, amount, destChainId, recipient);
    }

    // ------------------------------------------------------------------------------------------
    // Certificates

    /// Checks a certificate (the commitment's canonical encoding, docs/node.md "Commitment", and
    /// signatures r || s || v, signers in strictly ascending address order) against the
    /// validator set, as docs/proofs.md "Verification rules" say, without storing anything.
    /// Reverts with the first failure (docs/contract.md "Certificates").
    /// @return commitmentHash SHA-256 of `commitment`.
    /// @return weight the signers' total weight (at least the quorum).
    function checkCertificate(bytes calldata commitment, bytes[] calldata signatures)
        external
        view
        returns (bytes32 commitmentHash, uint256 weight)
    {
        _readCommitment(commitment);
        return _checkSignatures(commitment, signatures);
    }

    /// Stores a certified epoch: any epoch not committed here yet, in any order (a chain is sent
    /// the epochs that carry withdrawals to it and heartbeats; docs/node.md "Publishing"). Keeps
    /// this chain's withdrawal root of that epoch.
    function commitEpoch(bytes calldata commitment, bytes[] calldata signatures) external {
        (uint64 epoch, bytes32 root) = _readCommitment(commitment);
        // Before the signatures, so that a publisher that lost a race learns it cheaply.
        if (withdrawalRoot[epoch] != bytes32(0)) revert EpochAlreadyCommitted(epoch);
        (bytes32 commitmentHash, uint256 weight) = _checkSignatures(commitment, signatures);
        withdrawalRoot[epoch] = root;
        if (!hasCommitted || epoch > lastEpoch) {
            hasCommitted = true;
            lastEpoch = epoch;
        }
        emit EpochCommitted(epoch, commitmentHash, root, weight);
    }

    /// Whether `epoch` was committed here.
    function isCommitted(uint64 epoch) external view returns (bool) {
        return withdrawalRoot[epoch] != bytes32(0);
    }

    // ------------------------------------------------------------------------------------------
    // Claims

    /// Pays a withdrawal certified to this chain in `epoch` to its recipient, given its proof
    /// (index, count, siblings bottom-up: docs/proofs.md "Withdrawal commitment"). Anyone may
    /// submit it. Each id is paid once, whatever the epoch.
    function claim(uint64 epoch, Withdrawal calldata w, uint256 index, uint256 count, bytes32[] calldata siblings)
        external
        noReentry
        nonReentrant
    {
        _claim(epoch, w, index, count, siblings, w.recipient);
    }

    /// The recipient's own claim, paid to `payTo` instead: for a recipient that cannot be paid
    /// (a token that blocklists it, a contract that refuses the native coin), so that no
    /// certified withdrawal stays pending for good. Only `w.recipient` may call it.
    function claimTo(
        uint64 epoch,
        Withdrawal calldata w,
        uint256 index,
        uint256 count,
        bytes32[] calldata siblings,
        address payTo
    ) external noReentry nonReentrant {
        if (msg.sender != w.recipient) revert NotRecipient(msg.sender, w.recipient);
        if (payTo == address(0)) revert ZeroRecipient();
        if (payTo == address(this)) revert RecipientIsVault();
        _claim(epoch, w, index, count, siblings, payTo);
    }

    /// Whether (index, count, siblings) proves `w` under `root`, exactly as docs/proofs.md
    /// "Withdrawal commitment" verifies it.
    function verifyWithdrawal(
        bytes32 root,
        Withdrawal calldata w,
        uint256 index,
        uint256 count,
        bytes32[] calldata siblings
    ) public pure returns (bool) {
        if (count == 0 || index >= count) return false;
        // siblings.length must be ceil(log2(count)): 2^(depth-1) < count <= 2^depth.
        uint256 depth = siblings.length;
        if (depth > MAX_DEPTH) return false;
        if (count > (uint256(1) << depth)) return false;
        if (depth > 0 && count <= (uint256(1) << (depth - 1))) return false;
        bytes32 node = sha256(abi.encodePacked(bytes1(0x00), w.id, w.recipient, w.token, w.amount));
        for (uint256 i = 0; i < depth; ++i) {
            node = (index >> i) & 1 == 1
                ? sha256(abi.encodePacked(bytes1(0x01), siblings[i], node))
                : sha256(abi.encodePacked(bytes1(0x01), node, siblings[i]));
        }
        return sha256(abi.encodePacked(bytes1(0x02), count, node)) == root;
    }

    // ------------------------------------------------------------------------------------------
    // Internals

    /// Checks the commitment's network id and layout (docs/contract.md "Certificates": every
    /// offset and length exactly as abi.encode writes them for this genesis' C and A, so every
    /// read below is in range) and returns its epoch and this chain's withdrawal root.
    function _readCommitment(bytes calldata c) private view returns (uint64 epoch, bytes32 root) {
        if (c.length < 32) revert MalformedCommitment();
        bytes32 net = bytes32(c[0:32]);
        if (net != networkId) revert WrongNetwork(net);
        if (c.length != commitmentLength) revert MalformedCommitment();
        uint256 e = _word(c, 32);
        if (e > type(uint64).max) revert MalformedCommitment();
        uint256 chains = chainCount;
        uint256 assets = assetCount;
        uint256 offset = HEAD;
        for (uint256 i = 0; i < ARRAYS; ++i) {
            // Fields 5-9 and 14 have C entries, 10-11 A, 12-13 C*A (docs/node.md "Commitment").
            uint256 length = i < 5 || i == 9 ? chains : (i < 7 ? assets : chains * assets);
            if (_word(c, 32 * (4 + i)) != offset || _word(c, offset) != length) revert MalformedCommitment();
            offset += 32 * (1 + length);
        }
        root = bytes32(_word(c, _word(c, 32 * ROOTS_OFFSET_WORD) + 32 * (1 + uint256(chainIndex))));
        if (root == bytes32(0)) revert MalformedCommitment(); // no withdrawal tree has root zero
        epoch = uint64(e);
    }

    /// The 32-byte word of `c` at byte `at`. REQUIRES: at + 32 <= c.length. By hand: abi.decode
    /// would copy every array into memory, and the point is to hash the bytes as they were signed
    /// and read only these few words.
    function _word(bytes calldata c, uint256 at) private pure returns (uint256 w) {
        assembly {
            w := calldataload(add(c.offset, at))
        }
    }

    /// The certificate's signatures over sha256(networkId || sha256(commitment)), in the order
    /// of checks of docs/proofs.md "Verification rules", plus strictly ascending signers.
    function _checkSignatures(bytes calldata commitment, bytes[] calldata signatures)
        private
        view
        returns (bytes32 commitmentHash, uint256 weight)
    {
        commitmentHash = sha256(commitment);
        bytes32 digest = sha256(abi.encodePacked(networkId, commitmentHash));
        address previous = address(0);
        for (uint256 i = 0; i < signatures.length; ++i) {
            address signer = _recover(digest, signatures[i], i);
            uint64 w = validatorWeight[signer];
            if (w == 0) revert UnknownSigner(i, signer);
            if (signer == previous) revert DuplicateSigner(i, signer);
            if (signer < previous) revert SignersNotAscending(i, signer);
            previous = signer;
            weight += w;
        }
        if (weight < quorum) revert InsufficientWeight(weight, quorum);
    }

    /// The signer of `digest` (docs/proofs.md "Signatures": r || s || v, v in {27, 28},
    /// 1 <= r < n, 1 <= s <= n/2). Length, v and the range of r and s are checked here, so that
    /// each refusal keeps its name; OpenZeppelin's ECDSA refuses high s and what ecrecover
    /// cannot recover (r or s zero, r not a curve point's x).
    function _recover(bytes32 digest, bytes calldata sig, uint256 index) private pure returns (address) {
        if (sig.length != 65) revert SignatureLength(index, sig.length);
        (uint8 v, bytes32 r, bytes32 s) = ECDSA.parseCalldata(sig);
        if (v != 27 && v != 28) revert BadRecoveryId(index, v);
        if (uint256(r) >= N || uint256(s) >= N) revert MalformedSignature(index);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
        if (err == ECDSA.RecoverError.InvalidSignatureS) revert HighS(index);
        if (err != ECDSA.RecoverError.NoError) revert MalformedSignature(index);
        return signer;
    }

    /// Refuses a deposit's account that no one could ever withdraw from, so that nothing is
    /// credited to it for good: zero; one with any of its 12 high bytes set (withdrawals are
    /// requested for the caller's address left-padded, and every chain of a genesis is an EVM
    /// chain, vault/genesis.cpp); this vault's own address (it never calls requestWithdrawal).
    function _checkAccount(bytes32 account) private view {
        if (account == bytes32(0)) revert ZeroAccount();
        if (uint256(account) >> 160 != 0 || address(uint160(uint256(account))) == address(this)) {
            revert AccountNotWithdrawable(account);
        }
    }

    /// Credits `amount` (token units) of a deposit of `token` to its custody, refusing an unlisted
    /// token, an amount the relay could not convert exactly to canonical units
    /// (vault/asset_registry.cpp to_canonical), and custody above the cap.
    function _credit(address token, uint256 amount) private {
        TokenState storage t = tokenState[token];
        if (!t.listed) revert UnknownToken(token);
        uint256 canonical;
        if (t.decimals > t.assetDecimals) {
            uint256 unit = uint256(10) ** (t.decimals - t.assetDecimals);
            if (amount % unit != 0) revert InexactAmount(token, amount, unit);
            canonical = amount / unit;
        } else if (amount <= custodyCap) {
            // Below 2^128 times at most 10^38: no overflow.
            canonical = amount * uint256(10) ** (t.assetDecimals - t.decimals);
        } else {
            canonical = type(uint256).max; // more than the cap whatever the scale
        }
        uint256 custody = t.custody;
        if (canonical > custodyCap - custody) revert CustodyCap(token, custody, custodyCap);
        t.custody = uint128(custody + canonical);
    }

    /// Takes a paid withdrawal of `amount` (token units) off `token`'s custody. An honest
    /// certificate never pays more than the custody (the relay's pending <= custody invariant);
    /// if one did, the custody stops at zero rather than the claim failing.
    function _release(address token, uint256 amount) private {
        TokenState storage t = tokenState[token];
        if (!t.listed) return;
        uint256 canonical;
        if (t.decimals >= t.assetDecimals) canonical = amount / uint256(10) ** (t.decimals - t.assetDecimals);
        else if (amount <= type(uint128).max) canonical = amount * uint256(10) ** (t.assetDecimals - t.decimals);
        else canonical = type(uint256).max;
        uint256 custody = t.custody;
        t.custody = canonical >= custody ? 0 : uint128(custody - canonical);
    }

    function _claim(
        uint64 epoch,
        Withdrawal calldata w,
        uint256 index,
        uint256 count,
        bytes32[] calldata siblings,
        address payTo
    ) private {
        bytes32 root = withdrawalRoot[epoch];
        if (root == bytes32(0)) revert UnknownEpoch(epoch);
        if (!verifyWithdrawal(root, w, index, count, siblings)) revert BadProof();
        if (claimed[w.id]) revert AlreadyClaimed(w.id);
        claimed[w.id] = true;
        _release(w.token, w.amount);
        // The event and its fold before the transfer: a token that calls back into the vault
        // emits its events after this one, in the accumulator as in the logs.
        eventAccumulator = keccak256(abi.encodePacked(eventAccumulator, uint8(3), w.id));
        ++eventCount;
        emit WithdrawalClaimed(w.id, payTo, w.token, w.amount);
        if (w.token == address(0)) {
            (bool ok,) = payTo.call{value: w.amount}("");
            if (!ok) revert TransferFailed(address(0), payTo, w.amount);
        } else {
            if (w.token.code.length == 0) revert NotAContract(w.token);
            if (!IERC20(w.token).trySafeTransfer(payTo, w.amount)) revert TransferFailed(w.token, payTo, w.amount);
        }
    }

    /// Emits Deposited and folds its record (docs/contract.md "Event accumulator"), together.
    function _recordDeposit(address token, bytes32 account, uint256 amount) private {
        eventAccumulator = keccak256(abi.encodePacked(eventAccumulator, uint8(1), token, account, amount));
        ++eventCount;
        emit Deposited(token, account, msg.sender, amount);
    }

    /// The vault's balance of `token`. By hand: OpenZeppelin has no balanceOf that fails softly,
    /// and a plain IERC20.balanceOf on an address without code reverts with no reason.
    function _balanceOf(address token) private view returns (uint256) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeCall(IERC20.balanceOf, (address(this))));
        if (!ok || ret.length < 32) revert NotAContract(token);
        return abi.decode(ret, (uint256));
    }
}
