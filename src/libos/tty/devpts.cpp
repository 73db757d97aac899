#include "devpts.h"

#include <asm-generic/errno.h>

#include <array>

#include "libos/base/global.h"
#include "libos/base/lock.h"
#include "libos/base/vector.h"
#include "libos/fs/node_times.h"
#include "libos/host/host.h"
#include "libos/process/current.h"
#include "pty_file.h"
#include "session.h"

namespace cella::tty {
namespace {

using base::Error;

constexpr std::uint32_t kPtmxMajor = 5, kPtmxMinor = 2, kSlaveMajor = 136;
constexpr std::uint8_t kTypeCharDevice = 2, kTypeDirectory = 4;

// Linux's new_encode_dev, as st_rdev carries it.
constexpr std::uint64_t encode_dev(std::uint32_t major, std::uint32_t minor) {
    return (minor & 0xff) | (major << 8) | (std::uint64_t{minor & ~0xffu} << 12);
}

// The listing's names, made at compile time: a DirEntry's name must stay
// valid after the call, longer than a pair that may close meanwhile.
using Name = std::array<char, 6>;
constexpr std::array<Name, kMaxPtys> kNames = [] {
    std::array<Name, kMaxPtys> names{};
    for (int i = 0; i < kMaxPtys; ++i) {
        char digits[6] = {};
        int n = 0;
        for (int v = i; v || !n; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
        for (int k = 0; k < n; ++k) names[i][k] = digits[n - 1 - k];
    }
    return names;
}();

std::string_view name_of(int index) {
    const Name& name = kNames[static_cast<std::size_t>(index)];
    std::size_t length = 0;
    while (length < name.size() && name[length]) ++length;
    return {name.data(), length};
}

fs::Timestamp now() {
    std::int64_t seconds = 0, nanoseconds = 0;
    (void)host::clock_gettime(0 /* CLOCK_REALTIME */, seconds, nanoseconds);
    return {seconds, static_cast<std::uint32_t>(nanoseconds)};
}

struct Registry {
    base::Mutex lock;
    base::Vector<RefPtr<Pty>> slots;  // by number; null where free
};
base::SpinLock g_construct_lock;
base::Global<Registry> g_registry;

Registry& registry() {
    base::ScopedLock guard(g_construct_lock);
    if (!g_registry.is_constructed()) g_registry.construct();
    return g_registry.get();
}

// /dev/pts/N: the slave's node; its owner and mode live in the pair.
class SlaveNode final : public fs::Inode {
public:
    explicit SlaveNode(RefPtr<Pty> pty) : pty_(static_cast<RefPtr<Pty>&&>(pty)) {}

    fs::FileStat stat() const override {
        fs::FileStat s = pty_->node_stat();
        s.dev = kDevptsDevice;
        s.ino = static_cast<std::uint64_t>(pty_->index()) + 3;
        s.rdev = encode_dev(kSlaveMajor, static_cast<std::uint32_t>(pty_->index()));
        return s;
    }
    Result<void> set_mode(std::uint32_t mode) override {
        pty_->set_node_mode(mode);
        return {};
    }
    Result<void> set_owner(std::uint32_t uid, std::uint32_t gid) override {
        pty_->set_node_owner(uid, gid);
        return {};
    }
    Result<void> set_times(const fs::Timestamp* access, const fs::Timestamp* modify) override {
        pty_->set_node_times(access, modify, now());
        return {};
    }
    Result<RefPtr<fs::OpenFile>> open(int flags) override {
        return open_slave(pty_, RefPtr<fs::Inode>(this), flags);
    }

private:
    RefPtr<Pty> pty_;
};

class PtmxNode final : public fs::Inode {
public:
    PtmxNode(std::uint64_t dev, std::uint64_t ino, std::uint32_t mode) : dev_(dev), ino_(ino), mode_(mode) {}

    fs::FileStat stat() const override {
        fs::FileStat s;
        s.dev = dev_;
        s.ino = ino_;
        s.mode = 0020000 | mode_;
        s.rdev = encode_dev(kPtmxMajor, kPtmxMinor);
        s.block_size = 4096;
        times_.fill(s);
        return s;
    }
    Result<void> set_times(const fs::Timestamp* access, const fs::Timestamp* modify) override {
        return times_.set(access, modify);
    }
    Result<RefPtr<fs::OpenFile>> open(int flags) override { return open_master(RefPtr<fs::Inode>(this), flags); }

private:
    std::uint64_t dev_, ino_;
    std::uint32_t mode_;
    fs::NodeTimes times_;
};

class CurrentTtyNode final : public fs::Inode {
public:
    CurrentTtyNode(std::uint64_t dev, std::uint64_t ino) : dev_(dev), ino_(ino) {}

    fs::FileStat stat() const override {
        fs::FileStat s;
        s.dev = dev_;
        s.ino = ino_;
        s.mode = 0020666;
        s.rdev = encode_dev(5, 0);
        s.block_size = 4096;
        times_.fill(s);
        return s;
    }
    Result<void> set_times(const fs::Timestamp* access, const fs::Timestamp* modify) override {
        return times_.set(access, modify);
    }
    // Opening it never makes a terminal controlling (it already is).
    Result<RefPtr<fs::OpenFile>> open(int flags) override {
        RefPtr<Pty> pty = controlling_terminal(process::current_process());
        if (!pty) return Error::from_errno(ENXIO);
        return open_slave(pty, RefPtr<fs::Inode>(this), flags | 0400 /* O_NOCTTY */, false);
    }

private:
    std::uint64_t dev_, ino_;
    fs::NodeTimes times_;
};

class DevptsRoot final : public fs::Inode {
public:
    explicit DevptsRoot(RefPtr<fs::Inode> ptmx) : ptmx_(static_cast<RefPtr<fs::Inode>&&>(ptmx)) {}

    fs::FileStat stat() const override {
        fs::FileStat s;
        s.dev = kDevptsDevice;
        s.ino = 1;
        s.mode = 0040755;
        s.nlink = 2;
        return s;
    }
    Result<RefPtr<fs::Inode>> lookup(std::string_view name) override {
        if (name == "ptmx") return ptmx_;
        int index = 0;
        if (name.empty() || name.size() > 5 || (name.size() > 1 && name[0] == '0')) return Error::from_errno(ENOENT);
        for (char c : name) {
            if (c < '0' || c > '9') return Error::from_errno(ENOENT);
            index = index * 10 + (c - '0');
        }
        RefPtr<Pty> pty = find_pty(index);
        if (!pty) return Error::from_errno(ENOENT);
        return slave_node(pty);
    }
    // Position 0 is ptmx, position N + 1 the pair numbered N.
    Result<bool> entry_at(std::size_t index, fs::DirEntry& out) override {
        if (index == 0) {
            out = {2, kTypeCharDevice, "ptmx"};
            return true;
        }
        Registry& table = registry();
        base::ScopedLock guard(table.lock);
        for (std::size_t number = index - 1; number < table.slots.size(); ++number) {
            if (!table.slots[number]) continue;
            out = {number + 3, kTypeCharDevice, name_of(static_cast<int>(number)), number + 2};
            return true;
        }
        return false;
    }

private:
    RefPtr<fs::Inode> ptmx_;
};

template <typename T, typename... Args>
Result<RefPtr<fs::Inode>> make_node(Args&&... args) {
    auto node = TRY(base::make_ref<T>(static_cast<Args&&>(args)...));
    return RefPtr<fs::Inode>(static_cast<RefPtr<T>&&>(node));
}

}  // namespace

Result<RefPtr<fs::Inode>> make_devpts_root() {
    return make_node<DevptsRoot>(TRY(make_ptmx_node(kDevptsDevice, 2, 0)));
}

Result<RefPtr<fs::Inode>> make_ptmx_node(std::uint64_t dev, std::uint64_t ino, std::uint32_t mode) {
    return make_node<PtmxNode>(dev, ino, mode);
}

Result<RefPtr<fs::Inode>> make_current_tty_node(std::uint64_t dev, std::uint64_t ino) {
    return make_node<CurrentTtyNode>(dev, ino);
}

Result<RefPtr<fs::Inode>> slave_node(RefPtr<Pty> pty) { return make_node<SlaveNode>(static_cast<RefPtr<Pty>&&>(pty)); }

// The lowest free number, as Linux's devpts_new_index.
Result<RefPtr<Pty>> register_pty(std::uint32_t uid) {
    Registry& table = registry();
    base::ScopedLock guard(table.lock);
    std::size_t number = 0;
    while (number < table.slots.size() && table.slots[number]) ++number;
    if (number >= static_cast<std::size_t>(kMaxPtys)) return Error::from_errno(ENOSPC);
    RefPtr<Pty> pty = TRY(base::make_ref<Pty>(static_cast<int>(number), uid, kTtyGroup));
    if (number == table.slots.size())
        TRY(table.slots.try_append(pty));
    else
        table.slots[number] = pty;
    return pty;
}

void unregister_pty(Pty& pty) {
    RefPtr<Pty> dropped;  // released after the lock
    Registry& table = registry();
    base::ScopedLock guard(table.lock);
    auto number = static_cast<std::size_t>(pty.index());
    if (number < table.slots.size() && table.slots[number].get() == &pty)
        dropped = static_cast<RefPtr<Pty>&&>(table.slots[number]);
}

RefPtr<Pty> find_pty(int index) {
    Registry& table = registry();
    base::ScopedLock guard(table.lock);
    if (index < 0 || static_cast<std::size_t>(index) >= table.slots.size()) return nullptr;
    return table.slots[static_cast<std::size_t>(index)];
}

}  // namespace cella::tty
