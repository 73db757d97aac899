#pragma once
// Signal-driven I/O (O_ASYNC): the open files that asked to be told when
// an object becomes readable or writable, and the signal each one's owner
// gets then (Linux's fasync lists and kill_fasync). An object keeps one
// list per direction (a pipe: its readers and its writers).
#include <cstdint>

#include "libos/base/lock.h"
#include "libos/base/vector.h"
#include "libos/fs/async_owner.h"

namespace cella::fs {
class OpenFile;
}

namespace cella::ipc {

// si_code of an I/O signal sent with F_SETSIG.
enum class IoReason : int { In = 1, Out = 2, Message = 3, Error = 4, Priority = 5, HangUp = 6 };

class AsyncSubscribers {
public:
    // O_ASYNC turned on (through `fd`) or off for `file`; a file unsubscribes
    // before it goes.
    base::Result<void> subscribe(fs::OpenFile& file, int fd);
    void unsubscribe(fs::OpenFile& file);
    // Signals every subscriber's owner. Call without the object's own lock.
    void signal(IoReason reason);
    bool empty() const { return __atomic_load_n(&count_, __ATOMIC_RELAXED) == 0; }

private:
    struct Entry {
        fs::OpenFile* file;
        int fd;
    };
    base::Mutex lock_;
    base::Vector<Entry> entries_;
    int count_ = 0;
};

// Sends an owner its I/O signal for `fd`: SIGIO (si_code SI_KERNEL)
// without F_SETSIG, else that signal with si_code, si_band and si_fd.
void send_io_signal(const fs::AsyncOwner& owner, int fd, IoReason reason);

}  // namespace cella::ipc
