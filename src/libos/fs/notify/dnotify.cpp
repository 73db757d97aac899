#include "dnotify.h"

#include <asm-generic/errno.h>

#include "inotify.h"
#include "libos/base/global.h"
#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/vector.h"
#include "libos/ipc/async_signals.h"
#include "libos/process/current.h"

namespace cella::fs::notify {
namespace {

using base::Error;

// One open folder's request; its watch calls queue() under the registry lock.
class DirectoryRequest final : public WatchOwner {
public:
    DirectoryRequest(OpenFile& file, int fd, std::uint32_t mask) : file(file), fd(fd), mask(mask) {}
    void queue(int, std::uint32_t event, std::uint32_t, std::string_view) override {
        if (event & kIgnored) return;  // a one-shot request ended
        // Linux's dnotify sends POLL_MSG to the file's owner.
        ipc::send_io_signal(file.async_owner(), __atomic_load_n(&fd, __ATOMIC_RELAXED), ipc::IoReason::Message);
    }

    OpenFile& file;
    int fd;
    std::uint32_t mask;
};

base::Mutex g_requests_lock;
base::Global<base::Vector<base::OwnPtr<DirectoryRequest>>> g_requests;
std::uint32_t g_request_count = 0;  // read without the lock by forget_directory

base::Vector<base::OwnPtr<DirectoryRequest>>& requests() {
    if (!g_requests.is_constructed()) g_requests.construct();
    return g_requests.get();
}

std::uint32_t inotify_mask_of(std::uint32_t mask) {
    std::uint32_t out = 0;
    if (mask & kDnAccess) out |= kAccess;
    if (mask & kDnModify) out |= kModify;
    if (mask & kDnCreate) out |= kCreate | kMovedTo;
    if (mask & kDnDelete) out |= kDelete | kMovedFrom;
    if (mask & kDnRename) out |= kMovedFrom | kMovedTo;
    if (mask & kDnAttrib) out |= kAttrib;
    if (!(mask & kDnMultishot)) out |= kOneShot;
    return out;
}

// Lock held.
void drop_request(std::size_t index) {
    remove_watches(*requests()[index]);
    requests().remove(index);
    __atomic_store_n(&g_request_count, static_cast<std::uint32_t>(requests().size()), __ATOMIC_RELAXED);
}

}  // namespace

Result<void> notify_directory(OpenFile& file, int fd, std::uint32_t mask) {
    Inode* inode = file.inode();
    if (!inode || !inode->is_directory()) return Error::from_errno(ENOTDIR);
    base::ScopedLock guard(g_requests_lock);
    base::Vector<base::OwnPtr<DirectoryRequest>>& all = requests();
    std::size_t index = 0;
    while (index < all.size() && &all[index]->file != &file) ++index;
    if (!(mask & ~kDnMultishot)) {
        if (index < all.size()) drop_request(index);
        return {};
    }
    AsyncOwner owner = file.async_owner();
    owner.type = OwnerType::Process;
    owner.id = process::current_process().pid();
    file.set_async_owner(owner);
    if (index == all.size()) {
        TRY(all.try_append(TRY(base::make_own<DirectoryRequest>(file, fd, 0u))));
        __atomic_store_n(&g_request_count, static_cast<std::uint32_t>(all.size()), __ATOMIC_RELAXED);
    }
    DirectoryRequest& request = *all[index];
    // Linux adds to what the request watched, DN_MULTISHOT included.
    request.mask |= mask;
    __atomic_store_n(&request.fd, fd, __ATOMIC_RELAXED);
    auto watched = set_watch(request, RefPtr<Inode>(inode), 1, inotify_mask_of(request.mask));
    if (watched.is_error()) drop_request(index);
    return watched;
}

void forget_directory(OpenFile& file) {
    if (!__atomic_load_n(&g_request_count, __ATOMIC_RELAXED)) return;
    base::ScopedLock guard(g_requests_lock);
    for (std::size_t i = 0; i < requests().size(); ++i) {
        if (&requests()[i]->file == &file) {
            drop_request(i);
            return;
        }
    }
}

}  // namespace cella::fs::notify
