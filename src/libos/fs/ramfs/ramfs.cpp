#include "ramfs.h"

#include <asm-generic/errno.h>

#include <cstring>

#include "abi/file_mode.h"
#include "libos/base/lock.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "libos/fs/xattr.h"
#include "libos/host/host.h"
#include "libos/ipc/fifo.h"
#include "file_data.h"
#include "directory_index.h"

namespace cella::fs::ramfs {
namespace {

using base::Error;

constexpr std::size_t kMaxNameLength = 255;
constexpr int kOpenPath = 010000000;  // O_PATH

Timestamp now() {
    std::int64_t seconds = 0, nanoseconds = 0;
    (void)host::clock_gettime(0 /* CLOCK_REALTIME */, seconds, nanoseconds);
    return {seconds, static_cast<std::uint32_t>(nanoseconds)};
}

// One ramfs instance: its device number, inode numbers, the lock that
// serialises every change to its tree (renames span two directories), and
// what it holds against its limits: the pages its files hold (as tmpfs
// counts them, FileData::allocated) and its inodes. A file system that is
// full says ENOSPC.
struct Volume final : FileSystem {
    std::uint64_t device;
    std::uint64_t next_ino = 1;
    base::Mutex lock;
    std::uint64_t size_limit = 0;
    std::uint64_t inode_limit = 0;
    std::uint64_t bytes_used = 0;  // atomics: files account under their own locks
    std::uint64_t inodes_used = 0;

    // Bytes a file may still take.
    std::uint64_t room() const {
        std::uint64_t used = __atomic_load_n(&bytes_used, __ATOMIC_RELAXED);
        return used < size_limit ? size_limit - used : 0;
    }
    void account(std::uint64_t before, std::uint64_t after) {
        if (after >= before) __atomic_fetch_add(&bytes_used, after - before, __ATOMIC_RELAXED);
        else __atomic_fetch_sub(&bytes_used, before - after, __ATOMIC_RELAXED);
    }
    Result<void> charge_inode() {
        if (__atomic_add_fetch(&inodes_used, 1, __ATOMIC_RELAXED) <= inode_limit) return {};
        __atomic_fetch_sub(&inodes_used, 1, __ATOMIC_RELAXED);
        return Error::from_errno(ENOSPC);
    }
    void uncharge_inode() { __atomic_fetch_sub(&inodes_used, 1, __ATOMIC_RELAXED); }

    std::string_view type_name() const override { return "tmpfs"; }
    std::string_view source() const override { return "tmpfs"; }
    FsStats stats() const override {
        FsStats stats;
        stats.type = kTmpfsMagic;
        stats.blocks = size_limit / abi::kRamfsPageSize;
        std::uint64_t used = (__atomic_load_n(&bytes_used, __ATOMIC_RELAXED) + abi::kRamfsPageSize - 1) /
                             abi::kRamfsPageSize;
        stats.blocks_free = stats.blocks_available = used < stats.blocks ? stats.blocks - used : 0;
        stats.files = inode_limit;
        std::uint64_t inodes = __atomic_load_n(&inodes_used, __ATOMIC_RELAXED);
        stats.files_free = inodes < inode_limit ? inode_limit - inodes : 0;
        stats.fsid = device;
        return stats;
    }
    void describe_options(base::FormatBuilder& out) const override {
        out.append("relatime,size=%luk,nr_inodes=%lu", static_cast<unsigned long>(size_limit >> 10),
                   static_cast<unsigned long>(inode_limit));
    }
};

std::uint64_t g_next_device = 0x100;

class RamInode final : public Inode {
public:
    RamInode(base::RefPtr<Volume> volume, std::uint32_t mode)
        : volume_(static_cast<base::RefPtr<Volume>&&>(volume)), mode_(mode) {
        ino_ = volume_->next_ino++;
        mtime_ = ctime_ = atime_ = now();
    }
    // The pages and the inode go back to the volume with the last reference.
    ~RamInode() override {
        volume_->account(charged_, 0);
        volume_->uncharge_inode();
    }
    // Every node is made here: it takes one of the volume's inodes.
    static Result<RefPtr<RamInode>> make_node(const base::RefPtr<Volume>& volume, std::uint32_t mode) {
        TRY(volume->charge_inode());
        auto made = base::make_ref<RamInode>(volume, mode);
        if (made.is_error()) volume->uncharge_inode();
        return made;
    }

    FileStat stat() const override {
        FileStat s;
        s.dev = volume_->device;
        s.ino = ino_;
        s.mode = mode_;
        s.uid = uid_;
        s.gid = gid_;
        s.nlink = is_dir() ? 2 + subdirectories_ : links_;
        s.size = is_dir() ? entries_.size() * 32 : is_link() ? target_.size() : data_.size();
        s.blocks = (is_dir() || is_link() ? s.size + 511 : data_.allocated()) / 512;
        s.atime = atime_;
        s.mtime = mtime_;
        s.ctime = ctime_;
        return s;
    }

    std::uint32_t mode() const override { return mode_; }

    Result<RefPtr<Inode>> lookup(std::string_view name) override {
        if (!is_dir()) return Error::from_errno(ENOTDIR);
        base::ScopedLock guard(volume_->lock);
        RefPtr<RamInode>* entry = entries_.find(name);
        if (!entry) return Error::from_errno(ENOENT);
        return RefPtr<Inode>(entry->get());
    }

    Result<bool> entry_at(std::size_t index, DirEntry& out) override {
        if (!is_dir()) return Error::from_errno(ENOTDIR);
        base::ScopedLock guard(volume_->lock);
        DirectoryIndex<RefPtr<RamInode>>::Entry entry;
        if (!entries_.at_or_after(index, entry)) return false;
        RamInode& node = **entry.value;
        out = {node.ino_, static_cast<std::uint8_t>((node.mode_ >> 12) & 0xf), entry.name, entry.next};
        return true;
    }

    Result<RefPtr<Inode>> create_file(std::string_view name, std::uint32_t mode) override {
        return add_new(name, abi::kModeRegular | (mode & 07777), {});
    }
    Result<RefPtr<Inode>> make_directory(std::string_view name, std::uint32_t mode) override {
        return add_new(name, abi::kModeDirectory | (mode & 07777), {});
    }
    Result<RefPtr<Inode>> make_symlink(std::string_view name, std::string_view target) override {
        if (target.empty()) return Error::from_errno(ENOENT);
        return add_new(name, abi::kModeSymlink | 0777, target);
    }

    Result<RefPtr<Inode>> create_unnamed(std::uint32_t mode, bool linkable) override {
        if (!is_dir()) return Error::from_errno(ENOTDIR);
        auto node = TRY(make_node(volume_, abi::kModeRegular | (mode & 07777)));
        node->links_ = 0;
        node->linkable_ = linkable;
        return RefPtr<Inode>(node.get());
    }

    Result<RefPtr<Inode>> make_special(std::string_view name, std::uint32_t mode) override {
        auto made = TRY(add_new(name, mode, {}));
        auto* node = static_cast<RamInode*>(made.get());
        if ((mode & abi::kModeTypeMask) == abi::kModeFifo) node->fifo_ = TRY(base::make_ref<ipc::Fifo>());
        return made;
    }

    // A FIFO opens as a pipe end, a socket cannot be opened (ENXIO, as
    // Linux without a connect), O_PATH opens anything.
    Result<RefPtr<OpenFile>> open(int flags) override {
        if (!(flags & kOpenPath)) {
            if (fifo_) return fifo_->open(RefPtr<Inode>(this), flags);
            if ((mode_ & abi::kModeTypeMask) == abi::kModeSocket) return Error::from_errno(ENXIO);
        }
        return Inode::open(flags);
    }

    Result<void> add_link(std::string_view name, Inode& existing) override {
        if (!is_dir()) return Error::from_errno(ENOTDIR);
        auto* target = same_volume(existing);
        if (!target) return Error::from_errno(EXDEV);
        if (target->is_dir()) return Error::from_errno(EPERM);
        base::ScopedLock guard(volume_->lock);
        // A file whose last name is gone gets no new one, unless it was
        // made nameless on purpose (O_TMPFILE without O_EXCL).
        if (target->links_ == 0 && !target->linkable_) return Error::from_errno(ENOENT);
        TRY(check_new_name(name));
        TRY(entries_.insert(name, RefPtr<RamInode>(target)));
        target->linkable_ = false;
        ++target->links_;
        target->ctime_ = mtime_ = ctime_ = now();
        return {};
    }

    Result<void> remove(std::string_view name, bool directory) override {
        if (!is_dir()) return Error::from_errno(ENOTDIR);
        base::ScopedLock guard(volume_->lock);
        RefPtr<RamInode>* entry = entries_.find(name);
        if (!entry) return Error::from_errno(ENOENT);
        RamInode& node = **entry;
        if (directory && !node.is_dir()) return Error::from_errno(ENOTDIR);
        if (!directory && node.is_dir()) return Error::from_errno(EISDIR);
        if (node.is_dir() && !node.entries_.is_empty()) return Error::from_errno(ENOTEMPTY);
        detach(name);
        return {};
    }

    Result<void> rename(std::string_view name, Inode& new_parent_inode, std::string_view new_name,
                        bool no_replace) override {
        if (!is_dir()) return Error::from_errno(ENOTDIR);
        auto* new_parent = same_volume(new_parent_inode);
        if (!new_parent) return Error::from_errno(EXDEV);
        if (!new_parent->is_dir()) return Error::from_errno(ENOTDIR);
        base::ScopedLock guard(volume_->lock);
        RefPtr<RamInode>* entry = entries_.find(name);
        if (!entry) return Error::from_errno(ENOENT);
        RefPtr<RamInode> moving = *entry;
        if (new_name.size() > kMaxNameLength) return Error::from_errno(ENAMETOOLONG);
        // A directory cannot move into itself or below itself.
        if (moving->is_dir())
            for (RamInode* up = new_parent; up; up = up->parent_)
                if (up == moving.get()) return Error::from_errno(EINVAL);
        if (RefPtr<RamInode>* existing = new_parent->entries_.find(new_name)) {
            if (*existing == moving) return {};  // same file: nothing to do
            if (no_replace) return Error::from_errno(EEXIST);
            RamInode& victim = **existing;
            if (moving->is_dir() && !victim.is_dir()) return Error::from_errno(ENOTDIR);
            if (!moving->is_dir() && victim.is_dir()) return Error::from_errno(EISDIR);
            if (victim.is_dir() && !victim.entries_.is_empty()) return Error::from_errno(ENOTEMPTY);
            new_parent->detach(new_name);
        }
        // Added under the new name first, so that running out of memory
        // leaves the file where it was.
        TRY(new_parent->entries_.insert(new_name, moving));
        detach(name, /*keep_links=*/true);
        if (moving->is_dir()) {
            moving->parent_ = new_parent;
            ++new_parent->subdirectories_;
        }
        moving->ctime_ = new_parent->mtime_ = new_parent->ctime_ = now();
        return {};
    }

    Result<std::size_t> read_link(std::span<char> out) override {
        if (!is_link()) return Error::from_errno(EINVAL);
        std::size_t n = target_.size() < out.size() ? target_.size() : out.size();
        std::memcpy(out.data(), target_.c_str(), n);
        return n;
    }

    Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
        if (is_dir()) return Error::from_errno(EISDIR);
        return data_.read(offset, out);
    }

    // A write takes at most the pages it spans. When the volume has not
    // that much room, only what fits is written (tmpfs's short write), and
    // nothing is ENOSPC; so a write over pages the file holds already can
    // be refused when the volume is nearly full.
    Result<std::size_t> write_at(std::uint64_t offset, std::span<const std::uint8_t> data) override {
        if (is_dir()) return Error::from_errno(EISDIR);
        base::ScopedLock guard(space_lock_);
        std::uint64_t room = volume_->room();
        std::uint64_t first_page = offset / abi::kRamfsPageSize * abi::kRamfsPageSize;
        std::uint64_t end = offset + data.size();
        if (end - first_page > room) {
            std::uint64_t fits_end = first_page + room / abi::kRamfsPageSize * abi::kRamfsPageSize;
            if (fits_end <= offset) return Error::from_errno(ENOSPC);
            data = data.first(static_cast<std::size_t>(fits_end - offset));
        }
        auto written = data_.write(offset, data);
        settle_space();
        std::size_t n = TRY(static_cast<Result<std::size_t>&&>(written));
        mtime_ = ctime_ = now();
        return n;
    }

    Result<void> truncate(std::uint64_t size) override {
        if (is_dir()) return Error::from_errno(EISDIR);
        base::ScopedLock guard(space_lock_);
        auto resized = data_.resize(size);
        settle_space();
        TRY(static_cast<Result<void>&&>(resized));
        mtime_ = ctime_ = now();
        return {};
    }

    Result<void> allocate(int mode, std::uint64_t offset, std::uint64_t length) override {
        base::ScopedLock guard(space_lock_);
        // All or nothing, as tmpfs's fallocate.
        if (mode == 0 || mode == 1 /* FALLOC_FL_KEEP_SIZE */) {
            std::uint64_t first_page = offset / abi::kRamfsPageSize * abi::kRamfsPageSize;
            if (offset + length - first_page > volume_->room()) return Error::from_errno(ENOSPC);
        }
        auto allocated = data_.allocate(mode, offset, length);
        settle_space();
        TRY(static_cast<Result<void>&&>(allocated));
        mtime_ = ctime_ = now();
        return {};
    }

    Result<std::uint64_t> seek_data(std::uint64_t offset, bool hole) override { return data_.seek(offset, hole); }

    Result<base::RefPtr<mm::SharedPages>> shared_pages() override { return data_.shared_pages(); }

    Result<void> set_mode(std::uint32_t mode) override {
        mode_ = (mode_ & abi::kModeTypeMask) | (mode & 07777);
        ctime_ = now();
        return {};
    }

    Result<void> set_times(const Timestamp* access, const Timestamp* modify) override {
        if (access) atime_ = *access;
        if (modify) mtime_ = *modify;
        ctime_ = now();
        return {};
    }

    Result<void> set_owner(std::uint32_t uid, std::uint32_t gid) override {
        uid_ = uid;
        gid_ = gid;
        ctime_ = now();
        return {};
    }

    XattrSet* xattrs() override { return &xattrs_; }

private:
    bool is_dir() const { return (mode_ & abi::kModeTypeMask) == abi::kModeDirectory; }
    bool is_link() const { return (mode_ & abi::kModeTypeMask) == abi::kModeSymlink; }

    RamInode* same_volume(Inode& other) {
        if (other.stat().dev != volume_->device) return nullptr;
        return static_cast<RamInode*>(&other);
    }

    Result<void> check_new_name(std::string_view name) {
        if (name.size() > kMaxNameLength) return Error::from_errno(ENAMETOOLONG);
        if (entries_.find(name)) return Error::from_errno(EEXIST);
        return {};
    }

    Result<RefPtr<Inode>> add_new(std::string_view name, std::uint32_t mode, std::string_view target) {
        if (!is_dir()) return Error::from_errno(ENOTDIR);
        base::ScopedLock guard(volume_->lock);
        TRY(check_new_name(name));
        auto node = TRY(make_node(volume_, mode));
        if (!target.empty()) node->target_ = TRY(base::String::from(target));
        TRY(entries_.insert(name, node));
        if (node->is_dir()) {
            node->parent_ = this;
            ++subdirectories_;
        }
        mtime_ = ctime_ = now();
        return RefPtr<Inode>(node.get());
    }

    // Removes the entry `name`, which is there.
    void detach(std::string_view name, bool keep_links = false) {
        RefPtr<RamInode> removed;
        if (!entries_.remove(name, removed)) CELLA_PANIC("ramfs: detaching a missing entry");
        RamInode& node = *removed;
        if (node.is_dir()) {
            --subdirectories_;
            if (!keep_links) node.parent_ = nullptr;
        } else if (!keep_links) {
            --node.links_;
        }
        node.ctime_ = now();
        mtime_ = ctime_ = now();
    }

    // space_lock_ held: charges the volume for what the file now holds
    // (stores through shared mappings allocate pages too).
    void settle_space() {
        std::uint64_t now_allocated = data_.allocated();
        volume_->account(charged_, now_allocated);
        charged_ = now_allocated;
    }

    base::RefPtr<Volume> volume_;
    std::uint64_t ino_;
    std::uint32_t mode_;
    std::uint32_t uid_ = 0, gid_ = 0;
    std::uint32_t links_ = 1;
    bool linkable_ = false;  // O_TMPFILE files linkat may name
    std::uint32_t subdirectories_ = 0;
    RamInode* parent_ = nullptr;  // directories: for the rename loop check
    Timestamp atime_, mtime_, ctime_;
    DirectoryIndex<RefPtr<RamInode>> entries_;  // directories
    FileData data_;                 // files
    base::Mutex space_lock_;        // files: changes of their pages and charged_
    std::uint64_t charged_ = 0;     // what the volume counts for this file
    base::String target_;           // symlinks
    XattrSet xattrs_;
    RefPtr<ipc::Fifo> fifo_;        // FIFOs
};

}  // namespace

Result<Mounted> make(const abi::RamfsOptions& options) {
    auto volume = TRY(base::make_ref<Volume>());
    volume->device = __atomic_fetch_add(&g_next_device, 1, __ATOMIC_RELAXED);
    volume->size_limit = options.size;
    volume->inode_limit = options.max_inodes;
    auto root = TRY(RamInode::make_node(volume, abi::kModeDirectory | (options.mode & 07777)));
    return Mounted{RefPtr<Inode>(root.get()), RefPtr<FileSystem>(volume.get())};
}

}  // namespace cella::fs::ramfs
