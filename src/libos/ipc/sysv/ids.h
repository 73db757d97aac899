#pragma once
// The objects of one System V IPC family by id and key (Linux's ipc_ids).
// An id is index + 32768 * sequence, as Linux builds it: a slot that is
// used again gets the next sequence number, so a stale id does not reach
// the new object (EINVAL). Pure data: also unit-tested on the host.
#include <asm-generic/errno.h>
#include <linux/ipc.h>

#include <cstdint>

#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/base/vector.h"

namespace cella::ipc::sysv {

using base::Error;
using base::RefPtr;
using base::Result;

inline constexpr int kIndexShift = 15;  // IPCMNI_SHIFT
inline constexpr int kSequenceMax = (1 << 16) - 1;

// Linux's kern_ipc_perm, the part applications can see.
struct IpcPerm {
    int key = IPC_PRIVATE;
    std::uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0;
    std::uint32_t mode = 0;  // low 9 bits: permissions; above: per-family flags
    std::uint16_t seq = 0;
    int id = -1;
    bool deleted = false;  // IPC_RMID done: waiters answer EIDRM
};

// The objects of one family. T has a public `IpcPerm perm` and is
// reference counted. Callers hold the family's lock around every call.
template <typename T>
class IpcIds {
public:
    explicit IpcIds(int max_count) : max_count_(max_count) {}

    int count() const { return count_; }
    // Highest index in use, or -1 (what IPC_INFO and *_INFO return).
    int max_index() const {
        for (std::size_t i = slots_.size(); i > 0; --i)
            if (slots_[i - 1]) return static_cast<int>(i - 1);
        return -1;
    }

    Result<RefPtr<T>> find_id(int id) const {
        if (id < 0) return Error::from_errno(EINVAL);
        std::size_t index = static_cast<std::size_t>(id) & ((1u << kIndexShift) - 1);
        if (index >= slots_.size() || !slots_[index] || slots_[index]->perm.id != id) return Error::from_errno(EINVAL);
        return slots_[index];
    }
    // *_STAT: by index rather than id.
    Result<RefPtr<T>> find_index(int index) const {
        if (index < 0 || static_cast<std::size_t>(index) >= slots_.size() || !slots_[index])
            return Error::from_errno(EINVAL);
        return slots_[index];
    }
    RefPtr<T> find_key(int key) const {
        for (const RefPtr<T>& slot : slots_)
            if (slot && slot->perm.key == key && key != IPC_PRIVATE) return slot;
        return nullptr;
    }

    // Gives `object` the lowest free index and its id (ENOSPC when full).
    Result<int> add(RefPtr<T> object) {
        if (count_ >= max_count_) return Error::from_errno(ENOSPC);
        std::size_t index = 0;
        while (index < slots_.size() && slots_[index]) ++index;
        if (index == slots_.size()) TRY(slots_.try_append(nullptr));
        if (static_cast<int>(index) <= last_index_) sequence_ = sequence_ >= kSequenceMax - 1 ? 0 : sequence_ + 1;
        last_index_ = static_cast<int>(index);
        object->perm.seq = static_cast<std::uint16_t>(sequence_);
        object->perm.id = static_cast<int>(index) + (sequence_ << kIndexShift);
        slots_[index] = static_cast<RefPtr<T>&&>(object);
        ++count_;
        return slots_[index]->perm.id;
    }
    void remove(const T& object) {
        std::size_t index = static_cast<std::size_t>(object.perm.id) & ((1u << kIndexShift) - 1);
        if (index < slots_.size() && slots_[index].get() == &object) {
            slots_[index] = nullptr;
            --count_;
        }
    }

    template <typename F>
    void for_each(F&& visit) const {
        for (const RefPtr<T>& slot : slots_)
            if (slot) visit(*slot);
    }

private:
    int max_count_;
    int count_ = 0;
    int last_index_ = -1;
    int sequence_ = 0;
    base::Vector<RefPtr<T>> slots_;
};

}  // namespace cella::ipc::sysv
