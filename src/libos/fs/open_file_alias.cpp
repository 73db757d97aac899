#include "open_file_alias.h"

#include <asm-generic/errno.h>

namespace cella::fs {

FileStat OpenFileAlias::stat() const { return file_->stat().value_or(FileStat{}); }

Result<RefPtr<OpenFile>> OpenFileAlias::open(int) {
    // A socket is not opened by name, as Linux's sockets have no open().
    if ((stat().mode & 0170000) == 0140000) return base::Error::from_errno(ENXIO);
    return file_;
}

}  // namespace cella::fs
