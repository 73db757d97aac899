#include "open_files.h"

#include "libos/fs/dirent.h"

#include <asm-generic/errno.h>
#include <linux/fs.h>

#include <cstring>

namespace cella::fs::procfs {
namespace {

using base::Error;

}  // namespace

std::size_t copy_text_at(const base::Vector<char>& text, std::uint64_t offset, std::span<std::uint8_t> out) {
    if (offset >= text.size()) return 0;
    std::size_t available = text.size() - static_cast<std::size_t>(offset);
    std::size_t n = available < out.size() ? available : out.size();
    std::memcpy(out.data(), text.data() + offset, n);
    return n;
}

Result<std::size_t> SnapshotFile::read_locked(std::span<std::uint8_t> out, std::uint64_t offset) {
    if (offset == 0 && read_since_generated_) {
        text_ = TRY(node_->generate());
        read_since_generated_ = false;
    }
    std::size_t n = copy_text_at(text_, offset, out);
    read_since_generated_ = true;
    return n;
}

Result<std::size_t> SnapshotFile::read(std::span<std::uint8_t> out) {
    if (!readable()) return Error::from_errno(EBADF);
    base::ScopedLock guard(lock_);
    std::size_t n = TRY(read_locked(out, offset_));
    offset_ += n;
    return n;
}

Result<std::size_t> SnapshotFile::pread(std::span<std::uint8_t> out, std::uint64_t offset) {
    if (!readable()) return Error::from_errno(EBADF);
    base::ScopedLock guard(lock_);
    return read_locked(out, offset);
}

// Only files with a writer open for writing (GeneratedFile::open). Each
// write call is parsed whole, as Linux's proc files take one value per write.
Result<std::size_t> SnapshotFile::write(std::span<const std::uint8_t> data) {
    if (!writable()) return Error::from_errno(EBADF);
    TRY(node_->take_write(std::string_view(reinterpret_cast<const char*>(data.data()), data.size())));
    base::ScopedLock guard(lock_);
    offset_ += data.size();
    return data.size();
}
Result<std::size_t> SnapshotFile::pwrite(std::span<const std::uint8_t> data, std::uint64_t) {
    if (!writable()) return Error::from_errno(EBADF);
    TRY(node_->take_write(std::string_view(reinterpret_cast<const char*>(data.data()), data.size())));
    return data.size();
}

// As seq_file: SEEK_SET and SEEK_CUR only, since the end is not known.
Result<std::int64_t> SnapshotFile::seek(std::int64_t offset, int whence) {
    base::ScopedLock guard(lock_);
    std::int64_t target;
    switch (whence) {
    case SEEK_SET: target = offset; break;
    case SEEK_CUR:
        if (__builtin_add_overflow(static_cast<std::int64_t>(offset_), offset, &target))
            return Error::from_errno(EINVAL);
        break;
    default: return Error::from_errno(EINVAL);
    }
    if (target < 0) return Error::from_errno(EINVAL);
    offset_ = static_cast<std::uint64_t>(target);
    return target;
}

Result<std::size_t> ListingFile::read(std::span<std::uint8_t>) { return Error::from_errno(EISDIR); }
Result<std::size_t> ListingFile::pread(std::span<std::uint8_t>, std::uint64_t) { return Error::from_errno(EISDIR); }

Result<std::int64_t> ListingFile::seek(std::int64_t offset, int whence) {
    if (whence != SEEK_SET || offset < 0) return Error::from_errno(EINVAL);
    base::ScopedLock guard(lock_);
    position_ = static_cast<std::uint64_t>(offset);
    // rewinddir(): list again, so a caller polling /proc sees new processes.
    if (position_ == 0) listed_ = false;
    return offset;
}

Result<std::size_t> ListingFile::getdents64(std::span<std::uint8_t> out) {
    base::ScopedLock guard(lock_);
    if (!listed_) {
        entries_.clear();
        TRY(directory_->list(entries_));
        listed_ = true;
    }
    std::uint64_t self_ino = directory_->stat().ino;
    std::size_t written = 0;
    while (true) {
        std::uint64_t ino;
        std::uint8_t type;
        std::string_view name;
        if (position_ == 0) {
            ino = self_ino, type = kTypeDirectory, name = ".";
        } else if (position_ == 1) {
            ino = self_ino, type = kTypeDirectory, name = "..";
        } else if (position_ - 2 < entries_.size()) {
            const ListedEntry& entry = entries_[static_cast<std::size_t>(position_ - 2)];
            ino = entry.ino, type = entry.type, name = entry.name.view();
        } else {
            break;
        }
        std::size_t record = put_dirent64(out, written, ino, static_cast<std::int64_t>(position_ + 1), type, name);
        if (!record) {
            if (written == 0) return Error::from_errno(EINVAL);
            break;
        }
        written += record;
        ++position_;
    }
    return written;
}

}  // namespace cella::fs::procfs
