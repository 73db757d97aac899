#include "unix_names.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "libos/base/global.h"
#include "libos/base/lock.h"
#include "libos/base/vector.h"
#include "libos/fs/file_ops.h"
#include "libos/fs/permission.h"
#include "libos/process/process.h"
#include "unix_socket.h"

namespace cella::net::names {
namespace {

using base::Error;
using base::RefPtr;

constexpr std::uint32_t kModeSocket = 0140000;

// One bound name: an abstract name, or the socket file's node.
struct Entry {
    UnixAddress abstract_name;
    const fs::Inode* node = nullptr;
    RefPtr<UnixSocket> socket;
};

// Few sockets are bound at once; a list is enough.
struct Registry {
    base::Vector<Entry> entries;
    std::uint32_t next_autobind = 0;
};
base::Mutex g_lock;
base::Global<Registry> g_registry;

Registry& registry() {
    if (!g_registry.is_constructed()) g_registry.construct();
    return g_registry.get();
}

bool abstract_taken(const UnixAddress& name) {
    for (Entry& entry : registry().entries)
        if (!entry.node && entry.abstract_name == name) return true;
    return false;
}

Result<void> add(Entry entry) {
    base::ScopedLock guard(g_lock);
    if (!entry.node && abstract_taken(entry.abstract_name)) return Error::from_errno(EADDRINUSE);
    return registry().entries.try_append(static_cast<Entry&&>(entry));
}

// Takes back one entry that add() made (the socket was bound meanwhile).
void remove(const fs::Inode* node, const UnixAddress& name) {
    RefPtr<UnixSocket> dropped;  // released after the lock
    base::ScopedLock guard(g_lock);
    auto& entries = registry().entries;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].node != node || (!node && !(entries[i].abstract_name == name))) continue;
        dropped = static_cast<RefPtr<UnixSocket>&&>(entries[i].socket);
        entries.remove(i);
        return;
    }
}

Result<void> bind_abstract(UnixSocket& socket, const UnixAddress& address) {
    Entry entry;
    entry.abstract_name = address;
    entry.socket = RefPtr<UnixSocket>(&socket);
    TRY(add(static_cast<Entry&&>(entry)));
    auto bound = socket.bind(address, nullptr);
    if (bound.is_error()) remove(nullptr, address);
    return bound;
}

}  // namespace

Result<void> bind(process::Process& process, UnixSocket& socket, const UnixAddress& address) {
    if (!address.bound()) return autobind(socket);
    if (address.abstract()) {
        if (socket.address().bound()) return Error::from_errno(EINVAL);
        return bind_abstract(socket, address);
    }
    // As Linux, the file comes first: an existing name is EADDRINUSE even
    // for a socket that is bound already (EINVAL, the new file removed).
    base::String path = TRY(base::String::from(address.path()));
    auto made = fs::make_node_at(process, AT_FDCWD, path.view(), kModeSocket | 0777);
    if (made.is_error()) return made.error().code() == EEXIST ? Error::from_errno(EADDRINUSE) : made.error();
    RefPtr<fs::Inode> node = made.release_value();
    Entry entry;
    entry.node = node.get();
    entry.socket = RefPtr<UnixSocket>(&socket);
    TRY(add(static_cast<Entry&&>(entry)));
    const fs::Inode* added = node.get();
    auto bound = socket.bind(address, static_cast<RefPtr<fs::Inode>&&>(node));
    if (bound.is_error()) {
        // Bound already: the new file goes again.
        remove(added, address);
        (void)fs::remove_at(process, AT_FDCWD, path.view(), 0);
    }
    return bound;
}

Result<void> autobind(UnixSocket& socket) {
    if (socket.address().bound()) return {};
    for (std::uint32_t tries = 0; tries < 0x100000; ++tries) {
        UnixAddress name;
        std::uint32_t number;
        {
            base::ScopedLock guard(g_lock);
            number = registry().next_autobind++ & 0xfffff;
        }
        name.bytes[2] = '\0';
        for (int i = 0; i < 5; ++i) name.bytes[3 + i] = "0123456789abcdef"[(number >> (4 * (4 - i))) & 0xf];
        name.length = kFamilyLength + 6;
        auto bound = bind_abstract(socket, name);
        if (!bound.is_error() || bound.error().code() != EADDRINUSE) return bound;
    }
    return Error::from_errno(ENOSPC);
}

void unbind(UnixSocket& socket) {
    RefPtr<UnixSocket> dropped;  // released after the lock
    base::ScopedLock guard(g_lock);
    if (!g_registry.is_constructed()) return;
    auto& entries = registry().entries;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].socket.get() != &socket) continue;
        dropped = static_cast<RefPtr<UnixSocket>&&>(entries[i].socket);
        entries.remove(i);
        break;
    }
}

Result<RefPtr<UnixSocket>> find(process::Process& process, const UnixAddress& address, int type) {
    RefPtr<UnixSocket> found;
    if (address.abstract()) {
        base::ScopedLock guard(g_lock);
        for (Entry& entry : registry().entries)
            if (!entry.node && entry.abstract_name == address) found = entry.socket;
    } else {
        base::String path = TRY(base::String::from(address.path()));
        fs::ResolvedPath resolved = TRY(fs::lookup_at(process, AT_FDCWD, path.view(), 0));
        TRY(fs::check_permission(*resolved.inode, fs::kMayWrite, fs::Caller::of(process)));
        if (resolved.inode->file_type() != kModeSocket) return Error::from_errno(ECONNREFUSED);
        base::ScopedLock guard(g_lock);
        for (Entry& entry : registry().entries)
            if (entry.node == resolved.inode.get()) found = entry.socket;
    }
    if (!found) return Error::from_errno(ECONNREFUSED);
    if (found->type() != type) return Error::from_errno(EPROTOTYPE);
    return found;
}

}  // namespace cella::net::names
