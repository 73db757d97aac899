#include "pty_file.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "devpts.h"
#include "libos/base/format.h"
#include "libos/process/current.h"
#include "session.h"

namespace cella::tty {
namespace {

using base::Error;

constexpr int kOpenFlagsKept = ~(O_NOCTTY | O_CLOEXEC);
constexpr int kSigttin = 21, kSigttou = 22;

}  // namespace

PtyFile::PtyFile(RefPtr<Pty> pty, RefPtr<fs::Inode> node, bool master, int flags)
    : OpenFile(flags),
      pty_(static_cast<RefPtr<Pty>&&>(pty)),
      node_(static_cast<RefPtr<fs::Inode>&&>(node)),
      master_(master) {}

PtyFile::~PtyFile() {
    pty_->async_files(master_).unsubscribe(*this);
    if (!master_) {
        pty_->detach_slave();
        return;
    }
    unregister_pty(*pty_);
    pty_->detach_master();
    hang_up(*pty_);
}

Result<void> PtyFile::set_async(bool on, int fd) {
    ipc::AsyncSubscribers& list = pty_->async_files(master_);
    if (!on) {
        list.unsubscribe(*this);
        return {};
    }
    return list.subscribe(*this, fd);
}

Result<std::size_t> PtyFile::read(std::span<std::uint8_t> out) {
    if (!readable()) return Error::from_errno(EBADF);
    if (!master_) TRY(check_foreground(process::current_process(), *pty_, kSigttin));
    bool nonblocking = flags() & O_NONBLOCK;
    return master_ ? pty_->master_read(out, nonblocking) : pty_->slave_read(out, nonblocking);
}

Result<std::size_t> PtyFile::write(std::span<const std::uint8_t> data) {
    if (!writable()) return Error::from_errno(EBADF);
    if (data.empty()) return std::size_t{0};
    if (!master_ && (pty_->termios().lflag & kTostop))
        TRY(check_foreground(process::current_process(), *pty_, kSigttou));
    bool nonblocking = flags() & O_NONBLOCK;
    return pty_->write(data, nonblocking, master_);
}

Result<RefPtr<fs::OpenFile>> open_master(RefPtr<fs::Inode> ptmx, int flags) {
    process::Process& caller = process::current_process();
    std::uint32_t uid = caller.credentials.uids().filesystem;
    RefPtr<Pty> pty = TRY(register_pty(uid));
    auto made = base::make_ref<PtyFile>(pty, static_cast<RefPtr<fs::Inode>&&>(ptmx), true, flags & kOpenFlagsKept);
    if (made.is_error()) {
        unregister_pty(*pty);
        return made.error();
    }
    return RefPtr<fs::OpenFile>(made.release_value().get());
}

Result<RefPtr<fs::OpenFile>> open_slave(RefPtr<Pty> pty, RefPtr<fs::Inode> node, int flags, bool named) {
    TRY(pty->attach_slave());
    auto made = base::make_ref<PtyFile>(pty, static_cast<RefPtr<fs::Inode>&&>(node), false, flags & kOpenFlagsKept);
    if (made.is_error()) {
        pty->detach_slave();
        return made.error();
    }
    RefPtr<fs::OpenFile> file(made.release_value().get());
    if (!(flags & O_NOCTTY) && file->readable()) acquire_on_open(process::current_process(), *pty);
    if (!named) return file;
    char path[32];
    base::format_to(path, sizeof path, "/dev/pts/%d", pty->index());
    TRY(file->set_path(path));
    return file;
}

}  // namespace cella::tty
