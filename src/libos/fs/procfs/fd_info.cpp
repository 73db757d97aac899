#include "fd_info.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>
#include <linux/fs.h>

#include "libos/fs/open_file.h"
#include "libos/ipc/eventfd.h"
#include "mounts.h"
#include "process_info.h"

namespace cella::fs::procfs {
namespace {

using base::Error;

constexpr int kLargeFile = 0100000;  // O_LARGEFILE, which x86-64 Linux adds to every open()

}  // namespace

// Linux's seq_show in fs/proc/fd.c: "pos:\t%lli\nflags:\t0%o\nmnt_id:\t%i\nino:\t%lu\n".
Result<void> generate_fdinfo(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    auto found = process->fds().get(subject.fd);
    if (found.is_error()) return Error::from_errno(ENOENT);
    RefPtr<OpenFile> file = found.release_value();
    bool cloexec = process->fds().cloexec(subject.fd).value_or(false);
    // Files that have no position (pipes, sockets) show 0, as on Linux.
    std::int64_t position = file->seek(0, SEEK_CUR).value_or(0);
    std::uint32_t flags = static_cast<std::uint32_t>(file->flags());
    // Files opened by path carry O_LARGEFILE; pipes, sockets and the
    // anonymous files made by their own calls do not.
    if (file->inode()) flags |= kLargeFile;
    if (cloexec) flags |= O_CLOEXEC;
    FileStat stat = file->stat().value_or(FileStat{});
    TRY(out.appendf("pos:\t%ld\nflags:\t0%s\nmnt_id:\t%d\nino:\t%lu\n", position, Octal(flags).text,
                    mount_id_of(stat.dev), stat.ino));
    // What Linux's eventfd adds (eventfd_show_fdinfo).
    if (file->kind() == FileKind::EventFd) {
        auto& eventfd = static_cast<ipc::EventFd&>(*file);
        TRY(out.appendf("eventfd-count: %16lx\neventfd-id: %d\neventfd-semaphore: %d\n", eventfd.count(), eventfd.id(),
                        eventfd.semaphore() ? 1 : 0));
    }
    return {};
}

}  // namespace cella::fs::procfs
