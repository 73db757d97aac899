#pragma once
// Every process and thread of the enclave by id. Pids and tids share one
// number space, as on Linux: the first process is pid 1, its main thread
// tid 1.
#include "libos/base/hash_map.h"
#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "process.h"

namespace cella::process {

class ProcessTable {
public:
    // A fresh id for a process or thread.
    int allocate_id();

    Result<void> add_process(base::RefPtr<Process> process);
    void remove_process(int pid);
    base::RefPtr<Process> find_process(int pid);

    Result<void> add_thread(Thread& thread);
    void remove_thread(int tid);
    // The thread stays valid only while the caller holds lock().
    Thread* find_thread(int tid);
    // Application threads alive in the enclave, without the lock: a thread
    // that reads 1 knows it is the only one running application code.
    std::size_t thread_count() const { return __atomic_load_n(&thread_count_, __ATOMIC_ACQUIRE); }

    template <typename F>
    void for_each_process(F&& visit) {
        base::ScopedLock guard(lock_);
        processes_.for_each([&](int, base::RefPtr<Process>& process) { visit(*process); });
    }

    base::Mutex& lock() { return lock_; }
    // Guards every process's family and wait state (Linux's tasklist_lock).
    // Order: tree lock, then the table's lock or a process's signal lock.
    base::Mutex& tree_lock() { return tree_lock_; }

private:
    base::Mutex tree_lock_;
    base::Mutex lock_;
    int next_id_ = 1;
    base::HashMap<int, base::RefPtr<Process>> processes_;
    base::HashMap<int, Thread*> threads_;
    std::size_t thread_count_ = 0;
};

ProcessTable& process_table();

}  // namespace cella::process
