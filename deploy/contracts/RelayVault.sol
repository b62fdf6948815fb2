// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title RelayVault: one chain's vault of the relay network.
/// @notice Users deposit the native coin or ERC-20 tokens here and ask to withdraw to any chain
/// of the network; the relay's validators read those events (after finality), apply them to the
/// canonical state and, at the end of every epoch, sign a commitment over it. A publisher submits
/// each epoch's certificate with `commitEpoch`; users then `claim` the withdrawals certified to
/// this chain with Merkle proofs. Every encoding, hash and check follows docs/proofs.md
/// ("Signatures", "Epoch commitment", "Withdrawal commitment", "Certificate"); the interface,
/// events and errors are documented in docs/contract.md.
/// @dev No owner, no upgrade, no admin function: the validator set, quorum and network id are
/// fixed at deployment (they are part of the genesis, whose hash is the network id, so another
/// set is another network and another vault).
contract RelayVault {
    /// The epoch commitment, field by field (docs/proofs.md "Epoch commitment").
    struct Commitment {
        bytes32 networkId;
        uint64 epoch;
        bytes32 previousCommitment;
        uint64[] finalizedHeights; // length C (chains)
        bytes32[] liabilitiesRoots; // length A (assets)
        uint128[] liabilitiesTotals; // length A
        uint128[] custody; // length C*A, chain-major
        bytes32[] withdrawalRoots; // length C
    }

    /// One leaf of a withdrawal tree (docs/proofs.md "Withdrawal commitment").
    struct Withdrawal {
        bytes32 id;
        address recipient;
        address token; // zero address: the native coin
        uint256 amount; // this chain's token units
    }

    // secp256k1 n/2: a signature's s must not exceed it (docs/proofs.md "Signatures").
    uint256 private constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;
    uint256 private constant N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;
    // The proof JSON refuses more than 64 siblings (docs/proofs.md "Withdrawal proof JSON").
    uint256 private constant MAX_DEPTH = 64;

    bytes32 public immutable networkId;
    uint64 public immutable quorum;
    uint32 public immutable chainIndex; // this chain's index in the genesis chain list
    uint32 public immutable chainCount; // C
    uint32 public immutable assetCount; // A

    /// Validator EVM address => weight (0: not a validator).
    mapping(address => uint64) public validatorWeight;
    address[] private validatorList;

    /// Whether any epoch was committed; if so, the last one and its commitment hash.
    bool public hasCommitted;
    uint64 public lastEpoch;
    bytes32 public lastCommitment;
    /// Epoch => this chain's withdrawal root in that epoch's commitment (zero: not committed).
    mapping(uint64 => bytes32) public withdrawalRoot;
    /// Withdrawal id => paid.
    mapping(bytes32 => bool) public claimed;

    bool private locked;

    // --- Events (docs/contract.md "Events") ---

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
    /// A certified withdrawal was paid. The relay's `withdrawal_claimed` event.
    event WithdrawalClaimed(bytes32 indexed id, address indexed recipient, address indexed token, uint256 amount);

    // --- Errors: construction ---
    error ValidatorListMismatch(uint256 validators, uint256 weights);
    error InvalidValidator(uint256 index, address validator);
    error DuplicateValidator(uint256 index, address validator);
    error ZeroWeight(uint256 index, address validator);
    error InvalidQuorum(uint64 quorum, uint256 totalWeight);
    error InvalidChainIndex(uint32 chainIndex, uint32 chainCount);
    error WrongChainId(uint256 chainId, uint64 expected);

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
    error StaleEpoch(uint64 epoch, uint64 lastEpoch);
    error WrongPrevious(bytes32 previous, bytes32 expected);

    // --- Errors: deposits, requests, claims ---
    error ZeroAmount();
    error NativeTokenNotAllowed();
    error NotAContract(address token);
    error TransferFailed(address token, address to, uint256 amount);
    error ZeroRecipient();
    error InvalidAsset();
    error UnknownEpoch(uint64 epoch);
    error BadProof();
    error AlreadyClaimed(bytes32 id);
    error Reentrancy();

    modifier nonReentrant() {
        if (locked) revert Reentrancy();
        locked = true;
        _;
        locked = false;
    }

    /// @param networkId_ SHA-256 of the genesis file (the signatures' domain separator).
    /// @param validators_ the validators' EVM addresses (what ecrecover returns), any order.
    /// @param weights_ their weights, in the same order.
    /// @param quorum_ the weight a certificate needs, 1 <= quorum <= total weight.
    /// @param chainIndex_ this chain's index in the genesis chain list (whose withdrawal root
    ///        this vault stores), below chainCount_.
    /// @param chainCount_ the genesis' number of chains (C), assetCount_ of assets (A): a
    ///        commitment's array lengths are checked against them.
    /// @param evmChainId_ the genesis chain_id of chain chainIndex_: the deployment is refused
    ///        on any other chain, so a vault cannot pay withdrawals certified to another chain
    ///        (on a devnet every chain's vault may have the same address).
    constructor(
        bytes32 networkId_,
        address[] memory validators_,
        uint64[] memory weights_,
        uint64 quorum_,
        uint32 chainIndex_,
        uint32 chainCount_,
        uint32 assetCount_,
        uint64 evmChainId_
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
        networkId = networkId_;
        quorum = quorum_;
        chainIndex = chainIndex_;
        chainCount = chainCount_;
        assetCount = assetCount_;
    }

    /// The validators' addresses, in constructor order.
    function validators() external view returns (address[] memory) {
        return validatorList;
    }

    // ------------------------------------------------------------------------------------------
    // Deposits and withdrawal requests (the events the relay's EVM adapter reads)

    /// Deposits msg.value of the native coin for `account` (a relay account id; the EVM default
    /// is the depositor's address left-padded to 32 bytes).
    function deposit(bytes32 account) external payable {
        if (msg.value == 0) revert ZeroAmount();
        emit Deposited(address(0), account, msg.sender, msg.value);
    }

    /// Deposits `amount` of the ERC-20 `token` for `account`, pulled with transferFrom (approve
    /// this vault first). The event carries the amount the vault actually received.
    function depositToken(address token, uint256 amount, bytes32 account) external nonReentrant {
        if (token == address(0)) revert NativeTokenNotAllowed();
        if (amount == 0) revert ZeroAmount();
        uint256 before = _balanceOf(token);
        _call(token, abi.encodeWithSelector(0x23b872dd, msg.sender, address(this), amount), address(this), amount);
        uint256 received = _balanceOf(token) - before;
        if (received == 0) revert ZeroAmount();
        emit Deposited(token, account, msg.sender, received);
    }

    /// Asks the relay to move `amount` (canonical units of the genesis asset `asset`) from the
    /// caller's account (its address left-padded) to `recipient` on chain `destChainId`. The
    /// relay checks the balance and the destination's liquidity; nothing moves here.
    function requestWithdrawal(string calldata asset, uint128 amount, uint64 destChainId, address recipient)
        external
    {
        if (amount == 0) revert ZeroAmount();
        if (recipient == address(0)) revert ZeroRecipient();
        // A genesis asset id (1 to 32 letters, digits, '_', '.', '-'; vault/genesis.cpp): any
        // other string would be an event the relay cannot read, halting its epochs.
        bytes calldata id = bytes(asset);
        if (id.length == 0 || id.length > 32) revert InvalidAsset();
        for (uint256 i = 0; i < id.length; ++i) {
            bytes1 c = id[i];
            if (!((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" ||
                  c == "." || c == "-")) revert InvalidAsset();
        }
        emit WithdrawalRequested(bytes32(uint256(uint160(msg.sender))), asset, amount, destChainId, recipient);
    }

    // ------------------------------------------------------------------------------------------
    // Certificates

    /// Checks a certificate (commitment + signatures, each r || s || v, signers in strictly
    /// ascending address order) against the validator set, as docs/proofs.md "Verification
    /// rules" say, without storing anything. Reverts with the first failure.
    /// @return commitmentHash SHA-256 of the commitment's canonical encoding.
    /// @return weight the signers' total weight (at least the quorum).
    function checkCertificate(Commitment calldata c, bytes[] calldata signatures)
        public
        view
        returns (bytes32 commitmentHash, uint256 weight)
    {
        if (c.networkId != networkId) revert WrongNetwork(c.networkId);
        if (
            c.finalizedHeights.length != chainCount || c.withdrawalRoots.length != chainCount
                || c.liabilitiesRoots.length != assetCount || c.liabilitiesTotals.length != assetCount
                || c.custody.length != uint256(chainCount) * assetCount
        ) revert MalformedCommitment();
        commitmentHash = hashCommitment(c);
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

    /// SHA-256 of the commitment's canonical encoding: abi.encode of its eight fields as eight
    /// arguments (not of the struct, which would add a leading offset word).
    function hashCommitment(Commitment calldata c) public pure returns (bytes32) {
        return sha256(
            abi.encode(
                c.networkId,
                c.epoch,
                c.previousCommitment,
                c.finalizedHeights,
                c.liabilitiesRoots,
                c.liabilitiesTotals,
                c.custody,
                c.withdrawalRoots
            )
        );
    }

    /// Stores a certified epoch: its epoch must follow the last committed one and its
    /// `previousCommitment` must be the last commitment's hash (32 zero bytes before the first),
    /// so epochs are committed in order, each once. Keeps this chain's withdrawal root.
    function commitEpoch(Commitment calldata c, bytes[] calldata signatures) external {
        // Cheap ordering checks first, so a publisher that lost a race learns it without paying
        // for signature recovery. The network id is checked first all the same.
        if (c.networkId != networkId) revert WrongNetwork(c.networkId);
        if (hasCommitted && c.epoch <= lastEpoch) revert StaleEpoch(c.epoch, lastEpoch);
        if (c.previousCommitment != lastCommitment) revert WrongPrevious(c.previousCommitment, lastCommitment);
        (bytes32 commitmentHash, uint256 weight) = checkCertificate(c, signatures);
        bytes32 root = c.withdrawalRoots[chainIndex];
        hasCommitted = true;
        lastEpoch = c.epoch;
        lastCommitment = commitmentHash;
        withdrawalRoot[c.epoch] = root;
        emit EpochCommitted(c.epoch, commitmentHash, root, weight);
    }

    // ------------------------------------------------------------------------------------------
    // Claims

    /// Pays a withdrawal certified to this chain in `epoch`, given its proof (index, count,
    /// siblings bottom-up: docs/proofs.md "Withdrawal commitment"). Anyone may submit it; the
    /// recipient named in the leaf is paid. Each id is paid once, whatever the epoch.
    function claim(uint64 epoch, Withdrawal calldata w, uint256 index, uint256 count, bytes32[] calldata siblings)
        external
        nonReentrant
    {
        bytes32 root = withdrawalRoot[epoch];
        if (root == bytes32(0)) revert UnknownEpoch(epoch);
        if (!verifyWithdrawal(root, w, index, count, siblings)) revert BadProof();
        if (claimed[w.id]) revert AlreadyClaimed(w.id);
        claimed[w.id] = true;
        if (w.token == address(0)) {
            (bool ok,) = w.recipient.call{value: w.amount}("");
            if (!ok) revert TransferFailed(address(0), w.recipient, w.amount);
        } else {
            _call(w.token, abi.encodeWithSelector(0xa9059cbb, w.recipient, w.amount), w.recipient, w.amount);
        }
        emit WithdrawalClaimed(w.id, w.recipient, w.token, w.amount);
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

    /// The signer of `digest` (docs/proofs.md "Signatures": r || s || v, v in {27, 28},
    /// 1 <= r < n, 1 <= s <= n/2), in the order of checks of "Verification rules".
    function _recover(bytes32 digest, bytes calldata sig, uint256 index) private pure returns (address signer) {
        if (sig.length != 65) revert SignatureLength(index, sig.length);
        uint8 v = uint8(sig[64]);
        if (v != 27 && v != 28) revert BadRecoveryId(index, v);
        uint256 r = uint256(bytes32(sig[0:32]));
        uint256 s = uint256(bytes32(sig[32:64]));
        if (r >= N || s >= N) revert MalformedSignature(index);
        if (s > HALF_N) revert HighS(index);
        if (r == 0 || s == 0) revert MalformedSignature(index);
        signer = ecrecover(digest, v, bytes32(r), bytes32(s));
        if (signer == address(0)) revert MalformedSignature(index);
    }

    function _balanceOf(address token) private view returns (uint256) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSelector(0x70a08231, address(this)));
        if (!ok || ret.length < 32) revert NotAContract(token);
        return abi.decode(ret, (uint256));
    }

    /// A token call that must succeed and return true or nothing (tokens such as USDT return
    /// nothing).
    function _call(address token, bytes memory data, address to, uint256 amount) private {
        if (token.code.length == 0) revert NotAContract(token);
        (bool ok, bytes memory ret) = token.call(data);
        if (!ok || (ret.length != 0 && (ret.length != 32 || abi.decode(ret, (uint256)) != 1))) {
            revert TransferFailed(token, to, amount);
        }
    }
}
