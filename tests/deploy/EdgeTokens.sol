// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// ERC-20s that behave badly or unusually, and a recipient that refuses the native coin, for the
/// vault contract's tests only
/// (tests/deploy/vault_contract_test.mjs): anyone may mint. Never deployed outside tests.

/// Moves nothing and returns false from transfer and transferFrom (tokens that report failure
/// instead of reverting).
contract FalseToken {
    mapping(address => uint256) public balanceOf;

    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
    }

    function approve(address, uint256) external pure returns (bool) {
        return true;
    }

    function transfer(address, uint256) external pure returns (bool) {
        return false;
    }

    function transferFrom(address, address, uint256) external pure returns (bool) {
        return false;
    }
}

/// Returns nothing from transfer, transferFrom and approve, as USDT does; reverts on failure.
contract NoReturnToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
    }

    function approve(address spender, uint256 value) external {
        allowance[msg.sender][spender] = value;
    }

    function transfer(address to, uint256 value) external {
        _move(msg.sender, to, value);
    }

    function transferFrom(address from, address to, uint256 value) external {
        require(allowance[from][msg.sender] >= value, "allowance");
        allowance[from][msg.sender] -= value;
        _move(from, to, value);
    }

    function _move(address from, address to, uint256 value) private {
        require(balanceOf[from] >= value, "balance");
        balanceOf[from] -= value;
        balanceOf[to] += value;
    }
}

/// A standard token (returns true) whose base the two below extend.
contract BasicToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        return true;
    }

    function transfer(address to, uint256 value) external virtual returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external virtual returns (bool) {
        _spend(from, value);
        _move(from, to, value);
        return true;
    }

    function _spend(address from, uint256 value) internal {
        require(allowance[from][msg.sender] >= value, "allowance");
        allowance[from][msg.sender] -= value;
    }

    function _move(address from, address to, uint256 value) internal virtual {
        require(balanceOf[from] >= value, "balance");
        balanceOf[from] -= value;
        balanceOf[to] += value;
    }
}

/// Burns 1% (rounded down) of every transfer: the receiver gets 99%.
contract FeeToken is BasicToken {
    function _move(address from, address to, uint256 value) internal override {
        require(balanceOf[from] >= value, "balance");
        uint256 fee = value / 100;
        balanceOf[from] -= value;
        balanceOf[to] += value - fee;
    }
}

/// Calls `target` with `data` from inside transfer and transferFrom (before moving anything),
/// and keeps what that call returned, or with `bubble` reverts with it.
contract ReentrantToken is BasicToken {
    address public target;
    bytes public data;
    bool public bubble;
    uint256 public reentries;
    bool public reentryOk;
    bytes public reentryResult;

    function arm(address target_, bytes calldata data_, bool bubble_) external {
        target = target_;
        data = data_;
        bubble = bubble_;
    }

    /// Lets `spender` move this token's own balance (what a reentrant depositToken pulls).
    function selfApprove(address spender, uint256 value) external {
        allowance[address(this)][spender] = value;
    }

    function transfer(address to, uint256 value) external override returns (bool) {
        _reenter();
        _move(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external override returns (bool) {
        _reenter();
        _spend(from, value);
        _move(from, to, value);
        return true;
    }

    function _reenter() private {
        if (target == address(0)) return;
        (bool ok, bytes memory ret) = target.call(data);
        ++reentries;
        reentryOk = ok;
        reentryResult = ret;
        if (!ok && bubble) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}

/// Reverts every transfer to an address put on its blocklist (as USDC and USDT can): a
/// withdrawal to such a recipient can only be paid elsewhere (the vault's claimTo).
contract BlocklistToken is BasicToken {
    mapping(address => bool) public blocked;

    function setBlocked(address who, bool value) external {
        blocked[who] = value;
    }

    function _move(address from, address to, uint256 value) internal override {
        require(!blocked[to] && !blocked[from], "blocked");
        super._move(from, to, value);
    }
}

/// A standard token with the decimals given at deployment, answering decimals() (the vault's
/// constructor checks it against the genesis; deposits are scaled by it).
contract DecimalsToken is BasicToken {
    uint8 public immutable decimals;

    constructor(uint8 decimals_) {
        decimals = decimals_;
    }
}

/// A contract that refuses the native coin (no receive or fallback function) and can call any
/// contract, so that it can act as a withdrawal's recipient (the vault's claimTo).
contract EtherRefuser {
    function forward(address target, bytes calldata data) external {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
