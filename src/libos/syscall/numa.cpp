// NUMA memory policy as a Linux machine with one node answers it: node 0
// holds every page, so policies are checked and kept (per thread, as
// get_mempolicy reports them back) but place nothing, and pages never move.
#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "libos/mm/address_space.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/process_table.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;
using process::current_thread;

constexpr int kMpolDefault = 0, kMpolPreferred = 1, kMpolBind = 2, kMpolInterleave = 3, kMpolLocal = 4,
              kMpolPreferredMany = 5, kMpolWeightedInterleave = 6, kMpolMax = 7;
constexpr int kMpolStaticNodes = 1 << 15, kMpolRelativeNodes = 1 << 14, kMpolNumaBalancing = 1 << 13;
constexpr int kModeFlags = kMpolStaticNodes | kMpolRelativeNodes | kMpolNumaBalancing;
constexpr std::uint64_t kMaxNumNodes = 1024;  // CONFIG_NODES_SHIFT=10, as Debian builds
constexpr std::uint64_t kOnlineNodes = 1;     // node 0
constexpr int kMfStrict = 1, kMfMove = 2, kMfMoveAll = 4;
constexpr int kFNode = 1, kFAddr = 2, kFMemsAllowed = 4;

// Linux's get_nodes: `maxnode` counts one bit more than it reads; bits a
// kernel cannot have nodes for must be clear. Returns the mask of nodes
// below 64 (the only ones that can be online here) and whether any bit at
// all was set.
struct NodeMask {
    std::uint64_t low = 0;
    bool any = false;
};

Result<NodeMask> read_nodes(std::uint64_t address, std::uint64_t maxnode) {
    NodeMask nodes;
    if (maxnode) --maxnode;
    if (maxnode == 0 || !address) return nodes;
    if (maxnode > mm::kPageSize * 8) return Error::from_errno(EINVAL);
    std::uint64_t words = (maxnode + 63) / 64;
    for (std::uint64_t i = 0; i < words; ++i) {
        std::uint64_t word = TRY(mm::read_user<std::uint64_t>(address + i * 8));
        std::uint64_t bits_here = maxnode - i * 64;
        if (bits_here < 64) word &= (std::uint64_t{1} << bits_here) - 1;
        if (word && i * 64 >= kMaxNumNodes) return Error::from_errno(EINVAL);
        if (i == 0) nodes.low = word;
        nodes.any |= word != 0;
    }
    return nodes;
}

// Linux's copy_nodes_to_user: the mask fills every word `maxnode` covers.
Result<void> write_nodes(std::uint64_t address, std::uint64_t maxnode, std::uint64_t nodes) {
    std::uint64_t bytes = (maxnode - 1 + 63) / 64 * 8;
    if (bytes > mm::kPageSize) return Error::from_errno(EINVAL);
    for (std::uint64_t offset = 0; offset < bytes; offset += 8)
        TRY(mm::write_user(address + offset, offset == 0 ? nodes : std::uint64_t{0}));
    return {};
}

// Linux's mpol_new and mpol_set_nodemask: the mode a request becomes,
// with its nodes on this one-node machine.
struct Policy {
    int mode;  // with its mode flags
    std::uint64_t nodes;
};

Result<Policy> make_policy(long requested, const NodeMask& nodes) {
    int mode = static_cast<int>(requested) & ~kModeFlags;
    int flags = static_cast<int>(requested) & kModeFlags;
    if (requested < 0 || mode >= kMpolMax) return Error::from_errno(EINVAL);
    if ((flags & kMpolStaticNodes) && (flags & kMpolRelativeNodes)) return Error::from_errno(EINVAL);
    if ((flags & kMpolNumaBalancing) && mode != kMpolBind && mode != kMpolPreferredMany)
        return Error::from_errno(EINVAL);
    if (mode == kMpolDefault) {
        if (nodes.any) return Error::from_errno(EINVAL);
        return Policy{kMpolDefault, 0};
    }
    if (!nodes.any) {
        if (mode == kMpolPreferred && !(flags & (kMpolStaticNodes | kMpolRelativeNodes))) mode = kMpolLocal;
        else if (mode != kMpolLocal) return Error::from_errno(EINVAL);
    } else if (mode == kMpolLocal) {
        return Error::from_errno(EINVAL);
    }
    if (mode == kMpolLocal) return Policy{kMpolLocal, 0};
    // Relative nodes are folded onto the allowed ones, so any set works.
    std::uint64_t usable = flags & kMpolRelativeNodes ? kOnlineNodes : nodes.low & kOnlineNodes;
    if (!usable) return Error::from_errno(EINVAL);
    return Policy{mode | flags, usable};
}

Result<long> sys_set_mempolicy(SyscallArgs& a) {
    NodeMask nodes = TRY(read_nodes(a.address(1), a.size(2)));
    Policy policy = TRY(make_policy(static_cast<long>(a.arg[0]), nodes));
    current_thread().mempolicy_mode = policy.mode;
    current_thread().mempolicy_nodes = policy.nodes;
    return 0;
}

bool range_mapped(std::uint64_t start, std::uint64_t end) {
    mm::AddressSpace& space = mm::address_space();
    base::ScopedLock guard(space.lock());
    return space.covered(start, end, current_process().memory_owner());
}

Result<long> sys_get_mempolicy(SyscallArgs& a) {
    std::uint64_t policy_address = a.address(0), mask_address = a.address(1), maxnode = a.size(2);
    std::uint64_t address = a.address(3);
    int flags = a.integer(4);
    if (a.arg[4] & ~static_cast<std::uint64_t>(kFNode | kFAddr | kFMemsAllowed)) return Error::from_errno(EINVAL);
    if (mask_address && maxnode < 1) return Error::from_errno(EINVAL);  // fewer bits than nodes
    int mode = kMpolDefault;
    std::uint64_t nodes = 0;
    if (flags & kFMemsAllowed) {
        if (flags & (kFNode | kFAddr)) return Error::from_errno(EINVAL);
        nodes = kOnlineNodes;
    } else if (flags & kFAddr) {
        // A mapping's own policy (mbind keeps none here) or the default.
        std::uint64_t page = mm::page_round_down(address);
        if (!range_mapped(page, page + mm::kPageSize)) return Error::from_errno(EFAULT);
        if (flags & kFNode) mode = 0;  // the node holding the page
    } else {
        if (address) return Error::from_errno(EINVAL);
        mode = current_thread().mempolicy_mode;
        nodes = current_thread().mempolicy_nodes;
        if (flags & kFNode) {
            // The node the next interleaved allocation takes.
            if ((mode & ~kModeFlags) != kMpolInterleave && (mode & ~kModeFlags) != kMpolWeightedInterleave)
                return Error::from_errno(EINVAL);
            mode = 0;
        }
    }
    if (policy_address) TRY(mm::write_user(policy_address, mode));
    if (mask_address) TRY(write_nodes(mask_address, maxnode, nodes));
    return 0;
}

Result<long> sys_mbind(SyscallArgs& a) {
    std::uint64_t start = a.address(0);
    if (start % mm::kPageSize) return Error::from_errno(EINVAL);
    if (a.arg[5] & ~static_cast<std::uint64_t>(kMfStrict | kMfMove | kMfMoveAll)) return Error::from_errno(EINVAL);
    std::uint64_t end = start + mm::page_round_up(a.size(1));
    if (end < start) return Error::from_errno(EINVAL);
    NodeMask nodes = TRY(read_nodes(a.address(3), a.size(4)));
    TRY(make_policy(static_cast<long>(a.arg[2]), nodes));
    if (end == start) return 0;
    if (!range_mapped(start, end)) return Error::from_errno(EFAULT);
    return 0;
}

Result<process::Process*> target_process(int pid, base::RefPtr<process::Process>& keep) {
    if (pid == 0) return &current_process();
    keep = process::process_table().find_process(pid);
    if (!keep) return Error::from_errno(ESRCH);
    return keep.get();
}

// Pages already sit on every node asked for: none is left behind.
Result<long> sys_migrate_pages(SyscallArgs& a) {
    NodeMask old_nodes = TRY(read_nodes(a.address(2), a.size(1)));
    NodeMask new_nodes = TRY(read_nodes(a.address(3), a.size(1)));
    (void)old_nodes;
    base::RefPtr<process::Process> keep;
    TRY(target_process(a.integer(0), keep));
    if (!(new_nodes.low & kOnlineNodes)) return Error::from_errno(EINVAL);
    return 0;
}

// move_pages: each page's node (0) in `status`, or -EFAULT where the target
// has no mapping; a move is to node 0 or refused as Linux refuses it.
Result<long> sys_move_pages(SyscallArgs& a) {
    std::uint64_t count = a.size(1), pages = a.address(2), nodes = a.address(3), status = a.address(4);
    if (a.arg[5] & ~static_cast<std::uint64_t>(kMfMove | kMfMoveAll)) return Error::from_errno(EINVAL);
    base::RefPtr<process::Process> keep;
    process::Process* target = TRY(target_process(a.integer(0), keep));
    for (std::uint64_t i = 0; i < count; ++i) {
        std::uint64_t page = mm::page_round_down(TRY(mm::read_user<std::uint64_t>(pages + i * 8)));
        if (nodes) {
            int node = TRY(mm::read_user<int>(nodes + i * 4));
            if (node < 0 || static_cast<std::uint64_t>(node) >= kMaxNumNodes) return Error::from_errno(ENODEV);
            if (node != 0) return Error::from_errno(ENODEV);  // not online
        }
        bool mapped;
        {
            mm::AddressSpace& space = mm::address_space();
            base::ScopedLock guard(space.lock());
            mapped = space.covered(page, page + mm::kPageSize, target->memory_owner());
        }
        TRY(mm::write_user(status + i * 4, mapped ? 0 : -EFAULT));
    }
    return 0;
}

Result<long> sys_set_mempolicy_home_node(SyscallArgs& a) {
    std::uint64_t start = a.address(0);
    if (start % mm::kPageSize || a.arg[3] != 0) return Error::from_errno(EINVAL);
    if (a.arg[2] >= kMaxNumNodes || !((kOnlineNodes >> (a.arg[2] % 64)) & 1) || a.arg[2] >= 64)
        return Error::from_errno(EINVAL);
    std::uint64_t end = start + mm::page_round_up(a.size(1));
    if (end < start) return Error::from_errno(EINVAL);
    // Only mappings with a bind or preferred-many policy take a home node,
    // and mbind keeps no policy per mapping here: none to change.
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_set_mempolicy, sys_set_mempolicy, "dpu"},
    {__NR_get_mempolicy, sys_get_mempolicy, "ppupx"},
    {__NR_mbind, sys_mbind, "pudpux"},
    {__NR_migrate_pages, sys_migrate_pages, "dupp"},
    {__NR_move_pages, sys_move_pages, "duppx"},
    {__NR_set_mempolicy_home_node, sys_set_mempolicy_home_node, "puux"},
};

}  // namespace

std::span<const SyscallSpec> numa_syscalls() { return kSpecs; }

}  // namespace cella::syscall
