#include "fifo.h"

#include <asm-generic/errno.h>
#include <asm/ioctls.h>
#include <linux/fcntl.h>

#include "libos/mm/user_memory.h"
#include "libos/process/signals.h"

namespace cella::ipc {

using base::Error;

// An open FIFO: a pipe end for reading, writing or both (O_RDWR).
class FifoEnd final : public fs::OpenFile {
public:
    FifoEnd(base::RefPtr<Fifo> fifo, base::RefPtr<Pipe> pipe, base::RefPtr<fs::Inode> node, int flags)
        : OpenFile(flags),
          fifo_(static_cast<base::RefPtr<Fifo>&&>(fifo)),
          pipe_(static_cast<base::RefPtr<Pipe>&&>(pipe)),
          node_(static_cast<base::RefPtr<fs::Inode>&&>(node)) {
        if (readable()) pipe_->attach(false);
        if (writable()) pipe_->attach(true);
    }
    ~FifoEnd() override {
        (void)set_async(false, -1);
        if (readable()) pipe_->detach(false);
        if (writable()) pipe_->detach(true);
        fifo_->close(readable(), writable());
    }

    Result<std::size_t> read(std::span<std::uint8_t> out) override {
        if (!readable()) return Error::from_errno(EBADF);
        return pipe_->read({reinterpret_cast<std::uint64_t>(out.data())}, out.size(), flags() & O_NONBLOCK);
    }
    Result<std::size_t> write(std::span<const std::uint8_t> data) override {
        if (!writable()) return Error::from_errno(EBADF);
        return pipe_->write({reinterpret_cast<std::uint64_t>(data.data())}, data.size(), flags() & O_NONBLOCK);
    }
    Result<fs::FileStat> stat() override { return node_->stat(); }
    fs::Inode* inode() override { return node_.get(); }
    Result<long> ioctl(unsigned long request, std::uint64_t arg) override {
        if (request != FIONREAD) return Error::from_errno(ENOTTY);
        TRY(mm::write_user(arg, static_cast<int>(pipe_->available())));
        return 0;
    }
    std::uint32_t poll_events() override {
        std::uint32_t events = 0;
        if (readable()) events |= pipe_->poll_events(false);
        if (writable()) events |= pipe_->poll_events(true);
        return events;
    }
    Waitable* waitable() override { return &pipe_->waitable(); }
    bool accepts_async() const override { return true; }
    Result<void> set_async(bool on, int fd) override {
        if (!on) {
            pipe_->async_readers().unsubscribe(*this);
            pipe_->async_writers().unsubscribe(*this);
            return {};
        }
        if (readable()) TRY(pipe_->async_readers().subscribe(*this, fd));
        if (writable()) TRY(pipe_->async_writers().subscribe(*this, fd));
        return {};
    }

private:
    base::RefPtr<Fifo> fifo_;
    base::RefPtr<Pipe> pipe_;
    base::RefPtr<fs::Inode> node_;
};

Result<base::RefPtr<fs::OpenFile>> Fifo::open(base::RefPtr<fs::Inode> node, int flags) {
    bool reads = (flags & 3) != O_WRONLY, writes = (flags & 3) != O_RDONLY;
    bool nonblocking = flags & O_NONBLOCK;
    Waiter waiter;
    waiter.watch(opened_);
    base::RefPtr<FifoEnd> end;
    std::uint64_t partner_opens;
    bool must_wait;
    {
        base::ScopedLock guard(lock_);
        if (writes && !reads && nonblocking && readers_ == 0) return Error::from_errno(ENXIO);
        if (!pipe_) pipe_ = TRY(Pipe::create());
        // The end joins the pipe before a waiting partner is woken, so the
        // partner's first read already sees this writer (or reader).
        end = TRY(base::make_ref<FifoEnd>(base::RefPtr<Fifo>(this), pipe_,
                                          static_cast<base::RefPtr<fs::Inode>&&>(node), flags));
        if (reads) {
            ++readers_;
            ++reader_opens_;
        }
        if (writes) {
            ++writers_;
            ++writer_opens_;
        }
        partner_opens = reads ? writer_opens_ : reader_opens_;
        // Wait only when the other side is missing now, and then until
        // it has opened once: it may already be gone again when we look.
        must_wait = !nonblocking && reads != writes && (reads ? writers_ : readers_) == 0;
    }
    opened_.notify_all();
    // An interrupted wait drops `end`, which closes this side again.
    while (must_wait) {
        {
            base::ScopedLock guard(lock_);
            if ((reads ? writer_opens_ : reader_opens_) != partner_opens) break;
        }
        if (waiter.wait(-1) == WaitResult::Interrupted)
            return Error::from_errno(static_cast<int>(process::kRestartSys));
    }
    return base::RefPtr<fs::OpenFile>(static_cast<base::RefPtr<FifoEnd>&&>(end));
}

void Fifo::close(bool reads, bool writes) {
    {
        base::ScopedLock guard(lock_);
        if (reads) --readers_;
        if (writes) --writers_;
        if (readers_ == 0 && writers_ == 0) pipe_ = nullptr;
    }
    opened_.notify_all();
}

}  // namespace cella::ipc
