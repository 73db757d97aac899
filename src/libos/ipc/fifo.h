#pragma once
// Named pipes (mknod S_IFIFO): a pipe that processes reach by opening a
// file. Linux's open rules (fifo_open): a reader waits for a writer and a
// writer for a reader unless O_NONBLOCK (then a reader goes ahead and a
// writer gets ENXIO); O_RDWR never waits. The pipe and its data live while
// some end is open, as Linux frees them at the last close.
#include "libos/base/lock.h"
#include "libos/fs/open_file.h"
#include "pipe.h"
#include "waitable.h"

namespace cella::ipc {

class Fifo : public base::RefCounted<Fifo> {
public:
    // `node` is the file system's inode; its open files report its stat.
    Result<base::RefPtr<fs::OpenFile>> open(base::RefPtr<fs::Inode> node, int flags);

private:
    friend class FifoEnd;
    void close(bool reads, bool writes);

    base::Mutex lock_;
    base::RefPtr<Pipe> pipe_;
    int readers_ = 0, writers_ = 0;
    // Opens so far; a waiting open looks for the other side's count to move.
    std::uint64_t reader_opens_ = 0, writer_opens_ = 0;
    Waitable opened_;
};

}  // namespace cella::ipc
