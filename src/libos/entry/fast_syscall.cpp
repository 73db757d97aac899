#include "fast_syscall.h"

#include <cstddef>
#include <cstring>

#include "cpu.h"
#include "enclave.h"
#include "host_signals.h"
#include "libos/process/process.h"
#include "libos/process/signals.h"
#include "libos/syscall/syscall.h"
#include "signal_types.h"

namespace cella::entry {
namespace {

// fast_entry.S writes the frame by these offsets.
static_assert(offsetof(KernelUcontext, uc_mcontext) == 40);
static_assert(offsetof(KernelMcontext, r8) == 0 && offsetof(KernelMcontext, r11) == 24);
static_assert(offsetof(KernelMcontext, rdi) == 64 && offsetof(KernelMcontext, rax) == 104);
static_assert(offsetof(KernelMcontext, rcx) == 112 && offsetof(KernelMcontext, rsp) == 120);
static_assert(offsetof(KernelMcontext, rip) == 128 && offsetof(KernelMcontext, eflags) == 136);
static_assert(offsetof(KernelMcontext, cs) == 144 && offsetof(KernelMcontext, fpstate) == 184);

constexpr std::size_t kXsaveHeaderOffset = 512;
constexpr std::size_t kFastStackReserve = 4096;  // the XSAVE area at the top of the fast stack
constexpr std::size_t kFrameReserve = 512;       // the ucontext below it

// What the host kernel puts in every signal frame of this machine and a
// frame built here must match for the kernel to take it back
// (rt_sigreturn of a new thread's first state): the ucontext flags, the
// segment word (cs, ss) and the FPU area's software-reserved bytes, which
// name the XSAVE features and size.
struct FrameTemplate {
    std::uint64_t uc_flags = 0;
    std::uint64_t segments = 0;
    std::uint8_t sw_bytes[kSwBytesSize] = {};
    std::uint64_t xfeatures = 0;
    std::uint32_t xstate_size = 0;
};
FrameTemplate g_template;
// g_template is written once, by the first thread to claim it, and read
// only after kTemplateReady is published.
enum : int { kTemplateEmpty, kTemplateWriting, kTemplateReady };
int g_template_state = kTemplateEmpty;

// Whether the syscall reads or replaces the FPU state in its frame.
bool needs_fpstate(long nr) {
    switch (nr) {
    case 15:   // rt_sigreturn
    case 56:   // clone
    case 57:   // fork
    case 58:   // vfork
    case 59:   // execve
    case 322:  // execveat
    case 435:  // clone3
        return true;
    default: return false;
    }
}

// After the LibOS changed the saved state (a handler's fresh one, or what
// rt_sigreturn took from the application's frame), keep only what XRSTOR
// accepts, as the kernel does before it restores a signal frame.
void sanitize_fpstate(std::uint8_t* buffer) {
    std::uint32_t mxcsr, mask;
    std::memcpy(&mxcsr, buffer + 24, 4);
    std::memcpy(&mask, buffer + 28, 4);
    if (mask == 0) mask = 0xffbf;
    mxcsr &= mask;
    std::memcpy(buffer + 24, &mxcsr, 4);
    std::uint64_t xstate_bv;
    std::memcpy(&xstate_bv, buffer + kXsaveHeaderOffset, 8);
    xstate_bv &= g_template.xfeatures;
    std::memcpy(buffer + kXsaveHeaderOffset, &xstate_bv, 8);
    std::memset(buffer + kXsaveHeaderOffset + 8, 0, 56);
}

void finish() {
    ThreadCpu* cpu = current_cpu();
    if (cpu->fp_captured) sanitize_fpstate(reinterpret_cast<std::uint8_t*>(cpu->fp_buffer));
}

}  // namespace

void note_host_frame(const KernelUcontext& context) {
    if (__atomic_load_n(&g_template_state, __ATOMIC_ACQUIRE) != kTemplateEmpty) return;
    const auto* fp = reinterpret_cast<const std::uint8_t*>(context.uc_mcontext.fpstate);
    if (!fp) return;
    FrameTemplate t;
    t.uc_flags = context.uc_flags;
    std::memcpy(&t.segments, &context.uc_mcontext.cs, 8);
    std::memcpy(t.sw_bytes, fp + kSwBytesOffset, kSwBytesSize);
    std::uint32_t magic1;
    std::memcpy(&magic1, t.sw_bytes, 4);
    std::memcpy(&t.xfeatures, t.sw_bytes + 8, 8);
    std::memcpy(&t.xstate_size, t.sw_bytes + 16, 4);
    // Without the XSAVE layout (magic1) the fast path cannot save the FPU.
    if (magic1 != kXstateMagic1 || t.xstate_size == 0 || t.xstate_size + 4 > kFastStackReserve) return;
    int expected = kTemplateEmpty;
    if (!__atomic_compare_exchange_n(&g_template_state, &expected, kTemplateWriting, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED))
        return;
    g_template = t;
    __atomic_store_n(&g_template_state, kTemplateReady, __ATOMIC_RELEASE);
}

bool fast_entry_ready() { return __atomic_load_n(&g_template_state, __ATOMIC_ACQUIRE) == kTemplateReady; }

void setup_fast_entry(ThreadCpu& cpu) {
    std::uint64_t fast_top = cpu.altstack_base + kLibosStackAllocation;
    std::uint64_t buffer = (fast_top - kFastStackReserve) & ~std::uint64_t{63};
    std::uint64_t frame = (buffer - kFrameReserve) & ~std::uint64_t{63};
    cpu.fast_entry = reinterpret_cast<std::uint64_t>(&cella_fast_entry);
    cpu.fp_buffer = buffer;
    cpu.fast_frame = frame;
    cpu.fp_captured = 0;
    std::memset(reinterpret_cast<void*>(frame), 0, kFrameReserve);
    auto* context = reinterpret_cast<KernelUcontext*>(frame);
    context->uc_stack.ss_sp = reinterpret_cast<void*>(cpu.altstack_base);
    context->uc_stack.ss_size = kLibosSignalStackSize;
    std::memcpy(&context->uc_sigmask, &kApplicationHostMask, sizeof(std::uint64_t));
}

void capture_fpstate(KernelUcontext& context) {
    ThreadCpu* cpu = current_cpu();
    auto* buffer = reinterpret_cast<std::uint8_t*>(cpu->fp_buffer);
    if (!cpu->fp_captured) {
        if (!fast_entry_ready()) return;
        // XSAVE writes only XSTATE_BV of the header; XRSTOR wants the rest zero.
        std::memset(buffer + kXsaveHeaderOffset, 0, 64);
        auto low = static_cast<std::uint32_t>(g_template.xfeatures);
        auto high = static_cast<std::uint32_t>(g_template.xfeatures >> 32);
        asm volatile("xsave64 (%0)" : : "r"(buffer), "a"(low), "d"(high) : "memory");
        std::memcpy(buffer + kSwBytesOffset, g_template.sw_bytes, kSwBytesSize);
        std::memcpy(buffer + g_template.xstate_size, &kXstateMagic2, 4);
        cpu->fp_captured = 1;
    }
    context.uc_mcontext.fpstate = reinterpret_cast<decltype(context.uc_mcontext.fpstate)>(buffer);
}

}  // namespace cella::entry

using namespace cella;

extern "C" void cella_fast_syscall(entry::KernelUcontext* context) {
    auto& regs = context->uc_mcontext;
    context->uc_flags = entry::g_template.uc_flags;
    std::memcpy(&regs.cs, &entry::g_template.segments, 8);
    process::Thread& thread = entry::current_thread();
    long nr = static_cast<long>(regs.rax);
    if (entry::needs_fpstate(nr)) entry::capture_fpstate(*context);
    syscall::SyscallArgs args{nr, {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9}, context};
    long result = syscall::dispatch(args);
    if (!args.context_replaced) regs.rax = static_cast<std::uint64_t>(result);
    // A handler's frame takes the FPU state along.
    if (thread.cpu().interrupt_requested) entry::capture_fpstate(*context);
    process::return_to_user(thread, *context, args.context_replaced ? -1 : nr);
    entry::finish();
}

extern "C" void cella_fast_interrupted(entry::KernelUcontext* context) {
    entry::capture_fpstate(*context);
    process::return_to_user(entry::current_thread(), *context, -1);
    entry::finish();
}
