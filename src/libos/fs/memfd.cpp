#include "memfd.h"

#include <asm-generic/errno.h>
#include <linux/falloc.h>
#include <linux/fcntl.h>
#include <linux/mman.h>

#include "libos/base/atomic.h"
#include "libos/base/format.h"
#include "libos/base/global.h"
#include "libos/base/lock.h"
#include "libos/mm/address_space.h"
#include "ramfs/ramfs.h"
#include "vfs.h"

namespace cella::fs {
namespace {

using base::Error;

constexpr unsigned kSealSeal = 0x1, kSealShrink = 0x2, kSealGrow = 0x4, kSealWrite = 0x8, kSealFutureWrite = 0x10,
                   kSealExec = 0x20, kAllSeals = 0x3f;
constexpr int kAddSeals = 1033, kGetSeals = 1034;  // F_LINUX_SPECIFIC_BASE + 9, + 10

// Where memfd data lives: one ramfs no path reaches (Linux's internal shm mount).
base::Global<RefPtr<Inode>> g_volume;
base::Mutex g_volume_lock;

Result<RefPtr<Inode>> volume() {
    base::ScopedLock guard(g_volume_lock);
    if (!g_volume.is_constructed()) {
        // Linux's internal mount has no size of its own: memory is the limit.
        mm::AddressSpace& space = mm::address_space();
        abi::RamfsOptions options = abi::default_ramfs_options(space.user_end() - space.user_base());
        options.size = space.user_end() - space.user_base();
        ramfs::Mounted made = TRY(ramfs::make(options));
        TRY(vfs().add_internal(made.root, made.file_system));
        g_volume.construct(made.root);
    }
    return g_volume.get();
}

// The memfd's inode: the unnamed ramfs file's data and metadata, with the
// seals checked in front of every change.
class MemfdInode final : public Inode {
public:
    MemfdInode(RefPtr<Inode> data, unsigned seals) : data_(static_cast<RefPtr<Inode>&&>(data)), seals_(seals) {}

    FileStat stat() const override { return data_->stat(); }
    Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
        return data_->read_at(offset, out);
    }

    Result<std::size_t> write_at(std::uint64_t offset, std::span<const std::uint8_t> data) override {
        unsigned seals = seals_.load();
        if (seals & (kSealWrite | kSealFutureWrite)) return Error::from_errno(EPERM);
        if ((seals & kSealGrow) && offset + data.size() > data_->stat().size) return Error::from_errno(EPERM);
        return data_->write_at(offset, data);
    }

    Result<void> truncate(std::uint64_t size) override {
        unsigned seals = seals_.load();
        std::uint64_t current = data_->stat().size;
        if ((seals & kSealShrink) && size < current) return Error::from_errno(EPERM);
        if ((seals & kSealGrow) && size > current) return Error::from_errno(EPERM);
        return data_->truncate(size);
    }

    Result<void> allocate(int mode, std::uint64_t offset, std::uint64_t length) override {
        unsigned seals = seals_.load();
        // As shmem_fallocate: a hole is a write, and allocating past the end grows.
        if ((mode & FALLOC_FL_PUNCH_HOLE) && (seals & (kSealWrite | kSealFutureWrite)))
            return Error::from_errno(EPERM);
        if (!(mode & FALLOC_FL_PUNCH_HOLE) && (seals & kSealGrow) && offset + length > data_->stat().size)
            return Error::from_errno(EPERM);
        return data_->allocate(mode, offset, length);
    }
    Result<std::uint64_t> seek_data(std::uint64_t offset, bool hole) override {
        return data_->seek_data(offset, hole);
    }
    // Every shared mapping maps the data's page cache.
    Result<RefPtr<mm::SharedPages>> shared_pages() override { return data_->shared_pages(); }

    Result<void> set_mode(std::uint32_t mode) override {
        if ((seals_.load() & kSealExec) && ((mode ^ data_->stat().mode) & 0111)) return Error::from_errno(EPERM);
        return data_->set_mode(mode);
    }
    Result<void> set_times(const Timestamp* access, const Timestamp* modify) override {
        return data_->set_times(access, modify);
    }

    Result<long> fcntl_special(int command, std::uint64_t arg, const OpenFile& file) override {
        if (command == kGetSeals) return static_cast<long>(seals_.load());
        if (command != kAddSeals) return Error::from_errno(EINVAL);
        if (!file.writable()) return Error::from_errno(EPERM);
        if (arg & ~std::uint64_t{kAllSeals}) return Error::from_errno(EINVAL);
        base::ScopedLock guard(seal_lock_);
        unsigned seals = seals_.load();
        if (seals & kSealSeal) return Error::from_errno(EPERM);
        // F_SEAL_WRITE cannot hold while a shared mapping may still write.
        if ((arg & kSealWrite) && !(seals & kSealWrite) && has_writable_shared_mapping())
            return Error::from_errno(EBUSY);
        seals_.store(seals | static_cast<unsigned>(arg));
        return 0;
    }

    Result<void> check_map(bool shared, int prot) override {
        if (shared && (prot & PROT_WRITE) && (seals_.load() & (kSealWrite | kSealFutureWrite)))
            return Error::from_errno(EPERM);
        return {};
    }

private:
    // Linux counts VM_SHARED mappings with VM_MAYWRITE: a read-only
    // mapping of an fd opened for writing could become writable.
    bool has_writable_shared_mapping() {
        mm::AddressSpace& space = mm::address_space();
        base::ScopedLock guard(space.lock());
        bool found = false;
        space.for_each_in(0, ~std::uint64_t{0}, [&](const mm::Vma& vma) {
            if (vma.file && vma.is_shared() && vma.may_write && vma.file->inode() == this) found = true;
        });
        return found;
    }

    RefPtr<Inode> data_;
    base::Atomic<unsigned> seals_;
    base::Mutex seal_lock_;  // serialises F_ADD_SEALS
};

// memfd_secret's inode: the data of an unnamed file, given a size once
// (ftruncate of an empty file), reached only through shared mappings.
class SecretMemInode final : public Inode {
public:
    explicit SecretMemInode(RefPtr<Inode> data) : data_(static_cast<RefPtr<Inode>&&>(data)) {}

    FileStat stat() const override { return data_->stat(); }
    Result<std::size_t> read_at(std::uint64_t, std::span<std::uint8_t>) override { return Error::from_errno(EINVAL); }
    Result<std::size_t> write_at(std::uint64_t, std::span<const std::uint8_t>) override {
        return Error::from_errno(EINVAL);
    }
    Result<void> truncate(std::uint64_t size) override {
        base::ScopedLock guard(size_lock_);
        if (data_->stat().size) return Error::from_errno(EINVAL);
        return data_->truncate(size);
    }
    Result<RefPtr<mm::SharedPages>> shared_pages() override { return data_->shared_pages(); }
    Result<void> check_map(bool shared, int prot) override {
        if (!shared) return Error::from_errno(EINVAL);
        if (prot & PROT_EXEC) return Error::from_errno(EPERM);  // its mount is noexec
        return {};
    }
    Result<void> set_mode(std::uint32_t mode) override { return data_->set_mode(mode); }
    Result<void> set_times(const Timestamp* access, const Timestamp* modify) override {
        return data_->set_times(access, modify);
    }
    Result<void> set_owner(std::uint32_t uid, std::uint32_t gid) override { return data_->set_owner(uid, gid); }
    // /proc/PID/fd/N cannot open it again.
    Result<RefPtr<OpenFile>> open(int) override { return Error::from_errno(ENXIO); }

private:
    RefPtr<Inode> data_;
    base::Mutex size_lock_;
};

// Its open file: no read, write or seek (OpenFile's EINVAL and ESPIPE), as
// Linux's secretmem file has none.
class SecretMemFile final : public OpenFile {
public:
    SecretMemFile(RefPtr<Inode> inode, int flags) : OpenFile(flags), inode_(static_cast<RefPtr<Inode>&&>(inode)) {}
    Result<FileStat> stat() override { return inode_->stat(); }
    Inode* inode() override { return inode_.get(); }
    FileKind kind() const override { return FileKind::SecretMem; }

private:
    RefPtr<Inode> inode_;
};

}  // namespace

Result<RefPtr<OpenFile>> create_secret_memory() {
    RefPtr<Inode> data = TRY(TRY(volume())->create_unnamed(0600, false));
    auto inode = TRY(base::make_ref<SecretMemInode>(static_cast<RefPtr<Inode>&&>(data)));
    auto file = TRY(base::make_ref<SecretMemFile>(RefPtr<Inode>(inode.get()), O_RDWR | O_LARGEFILE));
    TRY(file->set_path("/secretmem (deleted)"));
    return RefPtr<OpenFile>(file.get());
}

Result<RefPtr<OpenFile>> create_memfd(std::string_view name, unsigned flags) {
    if (flags & kMfdHugetlb) return Error::from_errno(EINVAL);
    bool noexec = flags & kMfdNoexecSeal;
    RefPtr<Inode> data = TRY(TRY(volume())->create_unnamed(noexec ? 0666 : 0777, false));
    // Without MFD_ALLOW_SEALING the file is sealed against more seals.
    unsigned seals = noexec ? kSealExec : (flags & kMfdAllowSealing) ? 0 : kSealSeal;
    auto inode = TRY(base::make_ref<MemfdInode>(static_cast<RefPtr<Inode>&&>(data), seals));
    RefPtr<OpenFile> file = TRY(inode->open(O_RDWR | O_LARGEFILE));
    base::String path = TRY(base::String::from("/memfd:"));
    TRY(path.try_append(name));
    TRY(path.try_append(" (deleted)"));
    TRY(file->set_path(path.view()));
    return file;
}

}  // namespace cella::fs
