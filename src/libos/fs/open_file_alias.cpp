#include "open_file_alias.h"

namespace cella::fs {

FileStat OpenFileAlias::stat() const { return file_->stat().value_or(FileStat{}); }

Result<RefPtr<OpenFile>> OpenFileAlias::open(int) { return file_; }

}  // namespace cella::fs
