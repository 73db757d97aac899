#include "threads.h"

#include <asm-generic/errno.h>
#include <asm/signal.h>
#include <linux/sched.h>

#include <cstring>

#include "libos/base/format.h"
#include "libos/base/global.h"
#include "libos/entry/asm_symbols.h"
#include "libos/entry/enclave.h"
#include "libos/entry/host_signals.h"
#include "libos/entry/text_range.h"
#include "libos/host/host.h"
#include "libos/mm/heap.h"
#include "libos/mm/exhaustion.h"
#include "libos/mm/memory_ops.h"
#include "libos/mm/user_memory.h"
#include "libos/runtime/log.h"
#include "libos/runtime/service_thread.h"
#include "libos/time/cpu_clocks.h"
#include "libos/ipc/sysv/sem.h"
#include "libos/ipc/sysv/shm.h"
#include "libos/time/timers.h"
#include "libos/tty/session.h"
#include "children.h"
#include "fork.h"
#include "process_table.h"
#include "robust_list.h"
#include "signal_frame.h"
#include "signals.h"
#include "spawn.h"

extern "C" [[noreturn]] void cella_sigreturn_to(void* ucontext);

namespace cella::process {
namespace {

using base::Error;

constexpr std::size_t kBootstrapStackSize = 32 * 1024;
constexpr int kFirstPid = 1;
constexpr std::uint64_t kHostCloneFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                                          CLONE_SYSVSEM | CLONE_CHILD_CLEARTID;

// A thread the LibOS started, kept until its host thread is gone.
struct StartedThread {
    base::OwnPtr<Thread> thread;
    void* bootstrap_stack = nullptr;
    // The child's first state, consumed by cella_sigreturn_to.
    entry::KernelUcontext* start_context = nullptr;
    std::uint64_t fs_base = 0;
};

struct ThreadRegistry {
    base::Mutex lock;
    base::Vector<base::OwnPtr<StartedThread>> started;
    Thread* first = nullptr;
    std::uint32_t max_threads = 64;
    std::uint32_t live = 0;  // application threads not yet exited
    // The enclave's end, written once by the thread that ends process 1.
    std::uint32_t ended = 0;
    int exit_code = 0;
    int term_signal = 0;
    char message[240] = {};
};
base::Global<ThreadRegistry> g_registry;

// Frees the stacks and records of threads whose host thread is gone.
void reap(ThreadRegistry& registry) {
    for (std::size_t i = 0; i < registry.started.size();) {
        StartedThread& entry = *registry.started[i];
        // The host kernel clears host_thread_alive once the host thread is gone.
        bool gone = __atomic_load_n(&entry.thread->cpu().host_thread_alive, __ATOMIC_ACQUIRE) == 0;
        if (!gone) {
            ++i;
            continue;
        }
        mm::kernel_heap().deallocate(entry.bootstrap_stack);
        mm::kernel_heap().deallocate(reinterpret_cast<void*>(entry.thread->cpu().altstack_base));
        registry.started.remove(i);
    }
}

// The child's first LibOS code, on its bootstrap stack.
void thread_trampoline(void* raw) {
    auto* started = static_cast<StartedThread*>(raw);
    Thread& thread = *started->thread;
    (void)host::set_fs_base(started->fs_base);
    entry::enter_thread(thread.cpu(), /*allocate_altstack=*/false);
    {
        // Under the signal lock, as interrupt_locked reads it: a signal
        // sent before this is seen by the restorer's look at the flag in
        // cella_sigreturn_to, one sent after kicks this host thread.
        base::ScopedLock guard(thread.process().signal_lock());
        thread.host_tid = host::gettid();
    }
    thread.cpu().sud_selector = 1;
    cella_sigreturn_to(started->start_context);
}

[[noreturn]] void leave_when_alone(ThreadRegistry& registry) {
    // Every other host thread must be gone before the host unmaps the
    // enclave. No thread starts or is reaped once the end is recorded.
    while (true) {
        volatile std::uint32_t* alive = nullptr;
        {
            base::ScopedLock guard(registry.lock);
            for (auto& started : registry.started) {
                if (__atomic_load_n(&started->thread->cpu().host_thread_alive, __ATOMIC_ACQUIRE)) {
                    alive = &started->thread->cpu().host_thread_alive;
                    break;
                }
            }
        }
        if (!alive) break;
        host::wait_for_thread_exit(alive);
    }
    runtime::stop_service_thread();
    entry::leave_enclave(registry.exit_code, registry.term_signal, registry.message);
}

// The host side of a thread's end: the entry thread waits for the enclave
// to end and leaves it; any other host thread just exits.
[[noreturn]] void end_host_thread(Thread& thread) {
    ThreadRegistry& registry = g_registry.get();
    if (&thread == registry.first) {
        while (!__atomic_load_n(&registry.ended, __ATOMIC_ACQUIRE)) host::futex_wait(&registry.ended, 0);
        leave_when_alone(registry);
    }
    host::exit_thread();
}

void record_enclave_end(ThreadRegistry& registry, int status, int term_signal, const char* message) {
    registry.exit_code = status;
    registry.term_signal = term_signal;
    std::size_t n = message ? std::strlen(message) : 0;
    if (n >= sizeof registry.message) n = sizeof registry.message - 1;
    std::memcpy(registry.message, message ? message : "", n);
    registry.message[n] = '\0';
    __atomic_store_n(&registry.ended, 1, __ATOMIC_RELEASE);
    host::futex_wake(&registry.ended, 1);
}

// What every ending thread does for the application: robust futexes,
// leaving its process's lists, and CLONE_CHILD_CLEARTID last, so that a
// joiner woken by it no longer finds the thread anywhere.
void detach_thread(Thread& thread) {
    time::CpuTimes used = time::thread_cpu_times(thread).value_or(time::CpuTimes{});
    Process& process = thread.process();
    __atomic_fetch_add(&process.ended_threads_system_ns, used.system_ns, __ATOMIC_RELAXED);
    __atomic_fetch_add(&process.ended_threads_cpu_ns, used.total(), __ATOMIC_RELAXED);
    // A zombie shows its main thread's name (or the last thread's, when
    // the main thread ended first).
    if (thread.tid() == process.pid() || !process.exit_name[0]) {
        std::string_view name = thread.name();
        std::memcpy(process.exit_name, name.data(), name.size());
        process.exit_name[name.size()] = '\0';
    }
    release_robust_futexes(thread);
    process_table().remove_thread(thread.tid());
    thread.process().remove_thread(thread);
    if (thread.clear_child_tid) {
        if (!mm::write_user(thread.clear_child_tid, std::uint32_t{0}).is_error())
            host::futex_wake_all_kinds(reinterpret_cast<std::uint32_t*>(thread.clear_child_tid), 1);
    }
}

// The first process is ending: so does every other, before the enclave.
void end_other_processes(Process& first) {
    base::Vector<base::RefPtr<Process>> others;
    process_table().for_each_process([&](Process& process) {
        if (&process != &first) (void)others.try_append(base::RefPtr<Process>(&process));
    });
    for (base::RefPtr<Process>& process : others) {
        {
            base::ScopedLock guard(process->signal_lock());
            if (!process->exiting) {
                process->exiting = true;
                process->term_signal = SIGKILL;
            }
            process->group_stopped = false;
        }
        interrupt_others(*process, nullptr);
    }
}

// After the last thread of `process` is gone.
[[noreturn]] void finish_process(Thread& last) {
    Process& process = last.process();
    ThreadRegistry& registry = g_registry.get();
    time::remove_timers(process);
    ipc::sysv::sem_exit(process.pid());
    ipc::sysv::shm_exit(process);
    return_parent_memory(process);
    mm::release_all(process);
    process.fds().close_all();
    tty::session_leader_exited(process);
    release_vfork_parent(process);
    if (process.pid() != kFirstPid) {
        if (process.exit_message[0]) log::debug("process %d: %s", process.pid(), process.exit_message);
        become_zombie(process);
        end_host_thread(last);
    }
    // The first process's end is the enclave's end. A program that failed
    // after running out of user space is told why.
    end_other_processes(process);
    char message[240];
    std::size_t n = base::format_to(message, sizeof message, "%s", process.exit_message);
    if ((process.exit_code || process.term_signal) && mm::user_space_exhausted() && n < sizeof message - 2) {
        if (n) message[n++] = ';', message[n++] = ' ';
        mm::describe_user_space_exhaustion(message + n, sizeof message - n);
    }
    registry.lock.lock();
    record_enclave_end(registry, process.exit_code, process.term_signal, message);
    registry.lock.unlock();
    end_host_thread(last);
}

[[noreturn]] void thread_gone(Thread& thread) {
    ThreadRegistry& registry = g_registry.get();
    bool last;
    {
        base::ScopedLock guard(registry.lock);
        --registry.live;
        last = thread.process().thread_count() == 0;
    }
    if (last) finish_process(thread);
    end_host_thread(thread);
}

}  // namespace

void init_threads(Thread& first, std::uint32_t max_threads) {
    ThreadRegistry& registry = g_registry.construct();
    registry.first = &first;
    registry.max_threads = max_threads ? max_threads : 64;
    registry.live = 1;
    first.host_tid = host::gettid();
}

std::uint32_t live_thread_count() {
    ThreadRegistry& registry = g_registry.get();
    base::ScopedLock guard(registry.lock);
    return registry.live;
}

base::Result<int> create_thread(Thread& parent, const entry::KernelUcontext& context, const CloneRequest& request) {
    int tid = process_table().allocate_id();
    TRY(start_thread(parent, parent.process(), tid, context, request));
    return tid;
}

base::Result<void> start_thread(Thread& parent, Process& process, int tid, const entry::KernelUcontext& context,
                                const CloneRequest& request) {
    ThreadRegistry& registry = g_registry.get();
    {
        base::ScopedLock guard(registry.lock);
        if (__atomic_load_n(&registry.ended, __ATOMIC_ACQUIRE)) return Error::from_errno(EAGAIN);
        reap(registry);
        if (registry.live >= registry.max_threads) {
            log::warn("resource_limits.max_num_of_threads (%u) reached: clone fails with EAGAIN", registry.max_threads);
            return Error::from_errno(EAGAIN);
        }
    }
    auto started = TRY(base::make_own<StartedThread>());
    started->thread = TRY(base::make_own<Thread>(tid, base::RefPtr<Process>(&process)));
    Thread& thread = *started->thread;
    thread.cpu().thread = &thread;
    thread.set_name(parent.name());
    thread.signal_mask = parent.signal_mask;
    {
        base::ScopedLock guard(process_table().lock());
        thread.scheduling = parent.scheduling;
    }
    if (thread.scheduling.reset_on_fork) thread.scheduling = {thread.scheduling.affinity, 0, 0, false};
    if (request.flags & CLONE_CHILD_CLEARTID) thread.clear_child_tid = request.child_tid;

    // Stacks: the bootstrap stack holds the child's first context; the
    // LibOS signal stack is where its syscalls are served.
    started->bootstrap_stack = mm::kernel_heap().allocate(kBootstrapStackSize);
    void* altstack = mm::kernel_heap().allocate(entry::kLibosStackAllocation);
    if (!started->bootstrap_stack || !altstack) {
        mm::kernel_heap().deallocate(started->bootstrap_stack);
        mm::kernel_heap().deallocate(altstack);
        return Error::from_errno(ENOMEM);
    }
    thread.cpu().altstack_base = reinterpret_cast<std::uint64_t>(altstack);
    thread.cpu().altstack_size = entry::kLibosSignalStackSize;

    // The child's first state: the caller's registers after the syscall,
    // with rax = 0 and the new stack, restored by rt_sigreturn together
    // with the caller's FPU state.
    auto top = reinterpret_cast<std::uint64_t>(started->bootstrap_stack) + kBootstrapStackSize;
    const auto* parent_fp = reinterpret_cast<const std::uint8_t*>(context.uc_mcontext.fpstate);
    std::size_t fp_size = parent_fp ? fpstate_size(parent_fp) : 0;
    std::uint64_t fp_address = (top - fp_size) & ~std::uint64_t{63};
    if (parent_fp) std::memcpy(reinterpret_cast<void*>(fp_address), parent_fp, fp_size);
    std::uint64_t uc_address = (fp_address - sizeof(entry::KernelUcontext) - 256) & ~std::uint64_t{15};
    auto* start = reinterpret_cast<entry::KernelUcontext*>(uc_address);
    std::memcpy(start, &context, sizeof *start);
    start->uc_mcontext.rax = 0;
    if (request.stack) start->uc_mcontext.rsp = request.stack;
    start->uc_mcontext.fpstate = parent_fp ? reinterpret_cast<decltype(start->uc_mcontext.fpstate)>(fp_address) : nullptr;
    start->uc_stack.ss_sp = altstack;
    start->uc_stack.ss_flags = 0;
    start->uc_stack.ss_size = entry::kLibosSignalStackSize;
    std::memcpy(&start->uc_sigmask, &entry::kApplicationHostMask, sizeof(std::uint64_t));
    started->start_context = start;
    started->fs_base = (request.flags & CLONE_SETTLS) ? request.tls : host::fs_base();

    if (request.flags & CLONE_PARENT_SETTID) TRY(mm::write_user(request.parent_tid, static_cast<std::uint32_t>(tid)));
    if (request.flags & CLONE_CHILD_SETTID) TRY(mm::write_user(request.child_tid, static_cast<std::uint32_t>(tid)));

    TRY(process_table().add_thread(thread));
    process.add_thread(thread);
    thread.cpu().host_thread_alive = 1;
    StartedThread* raw = started.get();
    {
        base::ScopedLock guard(registry.lock);
        if (auto appended = registry.started.try_append(static_cast<base::OwnPtr<StartedThread>&&>(started));
            appended.is_error()) {
            process.remove_thread(thread);
            process_table().remove_thread(tid);
            return appended.error();
        }
        ++registry.live;
    }
    long host_tid = cella_host_clone(kHostCloneFlags, reinterpret_cast<void*>(uc_address - 64),
                                     &thread.cpu().host_thread_alive, &thread_trampoline, raw);
    if (host_tid < 0) {
        base::ScopedLock guard(registry.lock);
        --registry.live;
        process.remove_thread(thread);
        process_table().remove_thread(tid);
        thread.cpu().host_thread_alive = 0;
        return Error::from_errno(static_cast<int>(-host_tid));
    }
    // host_tid is the new thread's to publish (thread_trampoline): by now
    // it may even have ended and been reaped.
    return {};
}

void exit_thread(Thread& thread, int status) {
    Process& process = thread.process();
    bool last = process.thread_count() == 1;
    if (last) {
        base::ScopedLock guard(process.signal_lock());
        if (!process.exiting) {
            process.exiting = true;
            process.exit_code = status & 0xff;
        }
    }
    detach_thread(thread);
    thread_gone(thread);
}

void exit_thread_for_group(Thread& thread) {
    detach_thread(thread);
    thread_gone(thread);
}

void end_process(Process& process, int status, int term_signal, const char* message) {
    {
        base::ScopedLock guard(process.signal_lock());
        if (!process.exiting) {
            process.exiting = true;
            process.exit_code = status & 0xff;
            process.term_signal = term_signal;
            std::size_t n = message ? std::strlen(message) : 0;
            if (n >= sizeof process.exit_message) n = sizeof process.exit_message - 1;
            std::memcpy(process.exit_message, message ? message : "", n);
            process.exit_message[n] = '\0';
        }
    }
    Thread* self = entry::current_cpu()->thread;
    interrupt_others(process, self);
    exit_thread_for_group(*self);
}

}  // namespace cella::process
