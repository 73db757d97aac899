#include "shm.h"

#include <climits>
#include <linux/shm.h>

#include "libos/base/format.h"
#include "libos/base/global.h"
#include "libos/base/lock.h"
#include "libos/host/host.h"
#include "libos/mm/memory_ops.h"
#include "libos/mm/shared_memory.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/process.h"

namespace cella::ipc::sysv {
namespace {

constexpr std::uint32_t kShmDest = 01000;    // SHM_DEST: removed, waits for its last detach
constexpr std::uint32_t kShmLocked = 02000;  // SHM_LOCKED
constexpr std::uint64_t kShmMax = SHMMAX;    // also SHMALL, in pages
constexpr std::uint64_t kShmLba = 4096;      // SHMLBA on x86-64
constexpr std::uint64_t kPage = 4096;

struct ShmState;
ShmState& state();

class ShmSegment final : public mm::SharedMemory {
public:
    ~ShmSegment() override;
    bool attached_by_shmat() const override { return true; }
    void detached_by(int pid) override;

    IpcPerm perm;
    int cpid = 0, lpid = 0;
    std::int64_t atime = 0, dtime = 0, ctime = 0;

protected:
    void mapping_closed(bool last) override;
};

struct ShmState {
    base::Mutex lock;
    IpcIds<ShmSegment> ids{SHMMNI};
    // Pages of every segment (SHM_INFO's shm_tot, checked against SHMALL);
    // a segment's last reference may go without the lock.
    base::Atomic<std::uint64_t> total_pages{0};
};
base::Global<ShmState> g_shm;

ShmState& state() {
    if (!g_shm.is_constructed()) g_shm.construct();
    return g_shm.get();
}

std::uint64_t pages_of(std::uint64_t size) { return (size + kPage - 1) / kPage; }

ShmSegment::~ShmSegment() { state().total_pages.fetch_sub(pages_of(size()), base::MemoryOrder::Relaxed); }

void ShmSegment::detached_by(int pid) {
    base::ScopedLock guard(state().lock);
    lpid = pid;
}

// Address space lock held (a mapping was just dropped: shmdt, munmap,
// exec or exit). As Linux's shm_close, minus the pid, which only shmdt
// records here.
void ShmSegment::mapping_closed(bool last) {
    ShmState& s = state();
    base::ScopedLock guard(s.lock);
    dtime = now_seconds();
    if (last && (perm.mode & kShmDest) && mappings() == 0) s.ids.remove(*this);
}

// Removed now if nothing maps it, otherwise once the last mapping goes.
void destroy_or_mark(ShmState& s, ShmSegment& segment) {
    segment.perm.mode |= kShmDest;
    segment.perm.key = IPC_PRIVATE;
    if (segment.mappings() == 0) s.ids.remove(segment);
}

// The kernel's struct shmid64_ds (x86-64).
struct UserShmid {
    UserIpcPerm perm;
    std::uint64_t segsz;
    std::int64_t atime, dtime, ctime;
    int cpid, lpid;
    std::uint64_t nattch;
    std::uint64_t unused4, unused5;
};

UserShmid stat_of(const ShmSegment& segment) {
    return {to_user(segment.perm), segment.size(), segment.atime, segment.dtime, segment.ctime, segment.cpid,
            segment.lpid, static_cast<std::uint64_t>(segment.mappings()), 0, 0};
}

Result<long> shm_info(ShmState& s, int cmd, Reply& reply) {
    if (cmd == IPC_INFO) {
        struct shminfo64 info{};
        info.shmmax = kShmMax;
        info.shmmin = SHMMIN;
        info.shmmni = SHMMNI;
        info.shmseg = SHMMNI;
        info.shmall = SHMALL;
        reply.set(info);
    } else {
        struct shm_info info{};
        info.used_ids = s.ids.count();
        info.shm_tot = s.total_pages.load(base::MemoryOrder::Relaxed);
        reply.set(info);
    }
    int max = s.ids.max_index();
    return max < 0 ? 0 : max;
}

}  // namespace

Result<int> shm_get(int key, std::uint64_t size, int flags) {
    ShmState& s = state();
    base::ScopedLock guard(s.lock);
    auto create = [&]() -> Result<int> {
        if (size < SHMMIN || size > kShmMax) return Error::from_errno(EINVAL);
        // No huge pages are reserved on the usual host.
        if (flags & SHM_HUGETLB) return Error::from_errno(ENOMEM);
        std::uint64_t pages = pages_of(size);
        if (s.total_pages.load(base::MemoryOrder::Relaxed) + pages > SHMALL) return Error::from_errno(ENOSPC);
        auto segment = TRY(base::make_ref<ShmSegment>());
        TRY(segment->create(size));
        s.total_pages.fetch_add(pages, base::MemoryOrder::Relaxed);
        segment->perm = new_perm(key, flags);
        segment->cpid = process::current_pid();
        segment->ctime = now_seconds();
        segment->dev = 1;  // as Linux's internal shm mount shows in /proc/PID/maps
        int id = TRY(s.ids.add(base::RefPtr<ShmSegment>(segment.get())));
        segment->ino = static_cast<std::uint64_t>(id);
        return id;
    };
    auto check = [&](const ShmSegment& segment) -> Result<void> {
        if (segment.size() < size) return Error::from_errno(EINVAL);
        return {};
    };
    return get_or_create(s.ids, key, flags, create, check);
}

Result<std::uint64_t> shm_attach(int id, std::uint64_t address, int flags) {
    if (address % kShmLba) {
        if (!(flags & SHM_RND)) return Error::from_errno(EINVAL);
        address -= address % kShmLba;
        if (!address && (flags & SHM_REMAP)) return Error::from_errno(EINVAL);
    }
    bool read_only = flags & SHM_RDONLY;
    int prot = PROT_READ | (read_only ? 0 : PROT_WRITE) | ((flags & SHM_EXEC) ? PROT_EXEC : 0);
    int wanted = (read_only ? 0444 : 0666) | ((flags & SHM_EXEC) ? 0111 : 0);
    Caller caller = Caller::current();
    ShmState& s = state();
    base::RefPtr<ShmSegment> segment;
    char name[32];
    {
        base::ScopedLock guard(s.lock);
        segment = TRY(s.ids.find_id(id));
        if (!permitted(segment->perm, caller, wanted)) return Error::from_errno(EACCES);
        base::format_to(name, sizeof name, "/SYSV%08x (deleted)", static_cast<unsigned>(segment->perm.key));
        segment->lpid = caller.pid;
        segment->atime = now_seconds();
    }
    mm::SharedMapRequest request;
    request.address = address;
    request.replace = flags & SHM_REMAP;
    request.prot = prot;
    request.may_write = !read_only;
    request.name = name;
    return mm::map_shared(process::current_process(), base::RefPtr<mm::SharedMemory>(segment.get()), request);
}

Result<void> shm_detach(std::uint64_t address) {
    base::RefPtr<mm::SharedMemory> memory = TRY(mm::unmap_shared(process::current_process(), address));
    memory->detached_by(process::current_pid());
    return {};
}

namespace {

// Lock held; what goes back to the application is left in `reply`.
Result<long> shm_ctl_locked(ShmState& s, int id, int cmd, const UserShmid& wanted, Reply& reply) {
    Caller caller = Caller::current();
    switch (cmd) {
    case IPC_INFO:
    case SHM_INFO: return shm_info(s, cmd, reply);
    case SHM_STAT:
    case SHM_STAT_ANY: return stat_by_index(s.ids, id, cmd == SHM_STAT_ANY, caller, reply, stat_of);
    default: break;
    }
    base::RefPtr<ShmSegment> segment = TRY(s.ids.find_id(id));
    switch (cmd) {
    case IPC_STAT: TRY(stat_into(*segment, true, caller, reply, stat_of)); return 0;
    case IPC_SET: {
        TRY(check_owner(segment->perm, caller));
        set_owner(segment->perm, wanted.perm.uid, wanted.perm.gid, wanted.perm.mode);
        segment->ctime = now_seconds();
        return 0;
    }
    case IPC_RMID:
        TRY(check_owner(segment->perm, caller));
        destroy_or_mark(s, *segment);
        return 0;
    case SHM_LOCK:
    case SHM_UNLOCK:
        // Nothing is swapped here; the flag is kept for IPC_STAT and ipcs.
        TRY(check_owner(segment->perm, caller));
        if (cmd == SHM_LOCK)
            segment->perm.mode |= kShmLocked;
        else
            segment->perm.mode &= ~kShmLocked;
        return 0;
    default: return Error::from_errno(EINVAL);
    }
}

}  // namespace

void shm_exit(process::Process& process) {
    // A vfork child's mappings are its parent's.
    if (process.borrows_memory()) return;
    mm::AddressSpace& space = mm::address_space();
    base::ScopedLock guard(space.lock());
    space.for_each(process.memory_owner(), [&](const mm::Vma& vma) {
        if (vma.shared && vma.shared.get()->attached_by_shmat()) vma.shared.get()->detached_by(process.pid());
    });
}

Result<long> shm_ctl(int id, int cmd, std::uint64_t address) {
    cmd &= ~0x100;  // IPC_64
    UserShmid wanted{};
    if (cmd == IPC_SET) wanted = TRY(mm::read_user<UserShmid>(address));
    ShmState& s = state();
    Reply reply;
    long result;
    {
        base::ScopedLock guard(s.lock);
        result = TRY(shm_ctl_locked(s, id, cmd, wanted, reply));
    }
    TRY(reply.copy_out(address));
    return result;
}

Result<base::Vector<ShmRow>> shm_rows() {
    ShmState& s = state();
    return rows_of<ShmRow>(s.lock, s.ids, [](const ShmSegment& segment) {
        return ShmRow{segment.perm,  segment.size(),  segment.cpid,
                      segment.lpid,  static_cast<std::uint64_t>(segment.mappings()),
                      segment.atime, segment.dtime, segment.ctime, 0};
    });
}

}  // namespace cella::ipc::sysv
