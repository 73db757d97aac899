#pragma once
// The access, modification and change times of a node that keeps no
// other metadata (devfs's devices, ptmx): stat() shows them and
// utimensat/touch may set them, as on Linux's devtmpfs.
#include "file_stat.h"
#include "libos/base/lock.h"
#include "libos/base/result.h"
#include "libos/host/host.h"

namespace cella::fs {

class NodeTimes {
public:
    void fill(FileStat& s) const {
        base::ScopedLock guard(lock_);
        s.atime = atime_;
        s.mtime = mtime_;
        s.ctime = ctime_;
    }
    // A null time stays as it is; the change time becomes now.
    base::Result<void> set(const Timestamp* access, const Timestamp* modify) {
        std::int64_t seconds = 0, nanoseconds = 0;
        TRY(host::clock_gettime(0 /* CLOCK_REALTIME */, seconds, nanoseconds));
        base::ScopedLock guard(lock_);
        if (access) atime_ = *access;
        if (modify) mtime_ = *modify;
        ctime_ = {seconds, static_cast<std::uint32_t>(nanoseconds)};
        return {};
    }

private:
    mutable base::Mutex lock_;
    Timestamp atime_, mtime_, ctime_;
};

}  // namespace cella::fs
