#pragma once
// What a procfs node is about, and how its inode number is made.
//
// Nodes are made on lookup and hold no reference to a process: a node
// names its process by pid, so an open /proc/PID/... never keeps a dead
// process alive, and shows ENOENT once the process is gone.
#include <cstdint>

namespace cella::fs::procfs {

// st_dev of every procfs node: an anonymous device (major 0), as Linux's proc has.
inline constexpr std::uint64_t kProcDevice = 0x0014;

struct Subject {
    int pid = 0;  // 0: the system-wide part of /proc
    int tid = 0;  // nonzero under /proc/PID/task/TID
    int fd = -1;  // the entry of /proc/PID/fd
};

// Inode numbers. A node's place in its directory tables gives it a slot
// (child = parent * kSlotFanout + index + 1, so tables hold fewer than
// kSlotFanout entries); per-process nodes add pid and tid above it, so two
// lookups of one path give one number and two paths never share one.
inline constexpr std::uint64_t kSlotFanout = 64;
inline constexpr std::uint64_t kSlotBits = 20;
inline constexpr std::uint64_t kTidBits = 20;
inline constexpr std::uint64_t kPidBits = 23;
inline constexpr std::uint64_t kFdSlotBase = std::uint64_t{1} << (kSlotBits - 1);

inline constexpr std::uint64_t child_slot(std::uint64_t parent_slot, std::uint64_t index) {
    return parent_slot * kSlotFanout + index + 1;
}
// fd/N and fdinfo/N: fds below 2^18 get numbers of their own.
inline constexpr std::uint64_t kFdInfoSlotBit = kFdSlotBase >> 1;
inline constexpr std::uint64_t fd_slot(int fd) {
    return kFdSlotBase | (static_cast<std::uint64_t>(fd) & (kFdInfoSlotBit - 1));
}
inline constexpr std::uint64_t fdinfo_slot(int fd) { return fd_slot(fd) | kFdInfoSlotBit; }

inline constexpr std::uint64_t inode_number(const Subject& subject, std::uint64_t slot) {
    constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
    // The root is 1, as on Linux; system entries nest deeper than
    // kSlotBits allows (/proc/sys/fs/inotify/...), and need no pid bits.
    if (subject.pid <= 0) return slot + 1;
    auto field = [](int value, std::uint64_t bits) {
        return static_cast<std::uint64_t>(value) & ((std::uint64_t{1} << bits) - 1);
    };
    return (std::uint64_t{1} << 63) | (field(subject.pid, kPidBits) << (kSlotBits + kTidBits)) |
           (field(subject.tid, kTidBits) << kSlotBits) | (slot & kSlotMask);
}

}  // namespace cella::fs::procfs
