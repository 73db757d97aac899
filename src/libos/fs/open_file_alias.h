#pragma once
// A node standing for an open file that has no inode of its own (a pipe,
// a socket, the host's stdin): what following /proc/PID/fd/N (and so
// /dev/fd/N, /dev/stdin) reaches for such a file. Opening it gives the
// open file itself, as devfs's stdin did before it became a link; a
// socket's gives ENXIO, as on Linux.
#include "inode.h"
#include "open_file.h"

namespace cella::fs {

class OpenFileAlias final : public Inode {
public:
    explicit OpenFileAlias(RefPtr<OpenFile> file) : file_(static_cast<RefPtr<OpenFile>&&>(file)) {}

    FileStat stat() const override;
    Result<RefPtr<OpenFile>> open(int flags) override;

private:
    RefPtr<OpenFile> file_;
};

}  // namespace cella::fs
