#include "process_table.h"

#include "libos/base/global.h"

namespace cella::process {
namespace {
base::Global<ProcessTable> g_table;
}

ProcessTable& process_table() {
    if (!g_table.is_constructed()) g_table.construct();
    return g_table.get();
}

int ProcessTable::allocate_id() {
    base::ScopedLock guard(lock_);
    return next_id_++;
}

Result<void> ProcessTable::add_process(base::RefPtr<Process> process) {
    base::ScopedLock guard(lock_);
    return processes_.try_set(process->pid(), process);
}

void ProcessTable::remove_process(int pid) {
    base::RefPtr<Process> dropped;  // released after the lock
    base::ScopedLock guard(lock_);
    if (auto* found = processes_.find(pid)) dropped = *found;
    processes_.remove(pid);
}

base::RefPtr<Process> ProcessTable::find_process(int pid) {
    base::ScopedLock guard(lock_);
    auto* found = processes_.find(pid);
    return found ? *found : nullptr;
}

Result<void> ProcessTable::add_thread(Thread& thread) {
    base::ScopedLock guard(lock_);
    TRY(threads_.try_set(thread.tid(), &thread));
    __atomic_store_n(&thread_count_, threads_.size(), __ATOMIC_RELEASE);
    return {};
}

void ProcessTable::remove_thread(int tid) {
    base::ScopedLock guard(lock_);
    threads_.remove(tid);
    __atomic_store_n(&thread_count_, threads_.size(), __ATOMIC_RELEASE);
}

Thread* ProcessTable::find_thread(int tid) {
    auto* found = threads_.find(tid);
    return found ? *found : nullptr;
}

}  // namespace cella::process
