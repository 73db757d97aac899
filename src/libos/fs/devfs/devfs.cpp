#include "devfs.h"

#include <asm-generic/errno.h>

#include <cstring>

#include "libos/fs/node_times.h"
#include "libos/fs/open_file.h"
#include "libos/fs/synthetic_dir.h"
#include "libos/host/host.h"
#include "libos/tty/devpts.h"

namespace cella::fs::devfs {
namespace {

using base::Error;

constexpr std::uint64_t kDevfsDevice = 0x0005;

constexpr std::uint64_t make_dev(std::uint32_t major, std::uint32_t minor) {
    return (std::uint64_t{major} << 8) | minor;
}

enum class DeviceKind { Null, Zero, Full, Random };

class CharDevice final : public Inode {
public:
    CharDevice(std::uint64_t ino, DeviceKind kind, std::uint64_t rdev) : ino_(ino), kind_(kind), rdev_(rdev) {}

    FileStat stat() const override {
        FileStat s;
        s.dev = kDevfsDevice;
        s.ino = ino_;
        s.mode = 0020666;
        s.rdev = rdev_;
        s.block_size = 4096;
        times_.fill(s);
        return s;
    }

    // touch /dev/null works as on Linux's devtmpfs.
    Result<void> set_times(const Timestamp* access, const Timestamp* modify) override {
        return times_.set(access, modify);
    }

    Result<std::size_t> read_at(std::uint64_t, std::span<std::uint8_t> out) override {
        switch (kind_) {
        case DeviceKind::Null: return std::size_t{0};
        case DeviceKind::Zero:
        case DeviceKind::Full: std::memset(out.data(), 0, out.size()); return out.size();
        case DeviceKind::Random:
            TRY(host::random_bytes(out));
            return out.size();
        }
        return Error::from_errno(EIO);
    }

    Result<std::size_t> write_at(std::uint64_t, std::span<const std::uint8_t> data) override {
        if (kind_ == DeviceKind::Full) return Error::from_errno(ENOSPC);
        return data.size();
    }

private:
    std::uint64_t ino_;
    DeviceKind kind_;
    std::uint64_t rdev_;
    NodeTimes times_;
};

template <typename T, typename... Args>
Result<RefPtr<Inode>> make_node(Args&&... args) {
    auto node = TRY(base::make_ref<T>(static_cast<Args&&>(args)...));
    return RefPtr<Inode>(static_cast<RefPtr<T>&&>(node));
}

Result<RefPtr<Inode>> make_link(std::uint64_t ino, std::string_view target) {
    return make_node<SyntheticSymlink>(kDevfsDevice, ino, TRY(base::String::from(target)));
}

}  // namespace

Result<RefPtr<Inode>> make_root() {
    auto root = TRY(base::make_ref<SyntheticDirectory>(kDevfsDevice, 1));
    TRY(root->add("null", TRY(make_node<CharDevice>(2, DeviceKind::Null, make_dev(1, 3)))));
    TRY(root->add("zero", TRY(make_node<CharDevice>(3, DeviceKind::Zero, make_dev(1, 5)))));
    TRY(root->add("full", TRY(make_node<CharDevice>(4, DeviceKind::Full, make_dev(1, 7)))));
    TRY(root->add("random", TRY(make_node<CharDevice>(5, DeviceKind::Random, make_dev(1, 8)))));
    TRY(root->add("urandom", TRY(make_node<CharDevice>(6, DeviceKind::Random, make_dev(1, 9)))));
    // Links into /proc, as udev makes them: following one reaches the
    // caller's open file (procfs's magic links).
    TRY(root->add("stdin", TRY(make_link(7, "/proc/self/fd/0"))));
    TRY(root->add("stdout", TRY(make_link(8, "/proc/self/fd/1"))));
    TRY(root->add("stderr", TRY(make_link(9, "/proc/self/fd/2"))));
    TRY(root->add("fd", TRY(make_link(10, "/proc/self/fd"))));
    // Pseudo-terminals: each open makes a pair; the slaves are in /dev/pts.
    TRY(root->add("ptmx", TRY(tty::make_ptmx_node(kDevfsDevice, 11, 0666))));
    TRY(root->add("tty", TRY(tty::make_current_tty_node(kDevfsDevice, 12))));
    return RefPtr<Inode>(static_cast<RefPtr<SyntheticDirectory>&&>(root));
}

}  // namespace cella::fs::devfs
