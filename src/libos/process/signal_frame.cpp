#include "signal_frame.h"

#include <asm-generic/errno.h>

#include <cstring>

#include "libos/mm/user_memory.h"

namespace cella::process {
namespace {

using base::Error;

using entry::kFxsaveSize;
using entry::kSwBytesOffset;
using entry::kXstateMagic1;
using entry::kXstateMagic2;
constexpr std::size_t kMaxFpstate = 64 * 1024;
constexpr std::uint64_t kRedZone = 128;
constexpr unsigned long kSaRestorer = 0x04000000;
constexpr unsigned long kSaOnStack = 0x08000000;
constexpr std::uint64_t kUcFpXstate = 0x1, kUcSigcontextSs = 0x2, kUcStrictRestoreSs = 0x4;
// The flags an application may change through sigreturn: CF PF AF ZF SF TF DF OF AC (not IF/IOPL/...).
constexpr std::uint64_t kUserEflags = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000;

struct FpxSwBytes {
    std::uint32_t magic1;
    std::uint32_t extended_size;
    std::uint64_t xfeatures;
    std::uint32_t xstate_size;
    std::uint32_t padding[7];
};

struct AppUcontext {
    std::uint64_t uc_flags;
    std::uint64_t uc_link;
    AppSignalStack uc_stack;
    entry::KernelMcontext uc_mcontext;
    std::uint64_t uc_sigmask;
};
static_assert(sizeof(AppUcontext) == 304);

struct AppRtSigframe {
    std::uint64_t pretcode;
    AppUcontext uc;
    AppSiginfo info;
};
static_assert(sizeof(AppRtSigframe) == 440);

}  // namespace

// XSAVE with its software bytes and trailing magic, or a plain FXSAVE image.
std::size_t fpstate_size(const std::uint8_t* fpstate) {
    FpxSwBytes sw;
    std::memcpy(&sw, fpstate + kSwBytesOffset, sizeof sw);
    if (sw.magic1 != kXstateMagic1 || sw.extended_size < kFxsaveSize + 4 || sw.extended_size > kMaxFpstate)
        return kFxsaveSize;
    std::uint32_t magic2;
    std::memcpy(&magic2, fpstate + sw.xstate_size, sizeof magic2);
    return magic2 == kXstateMagic2 ? sw.extended_size : kFxsaveSize;
}

namespace {

// The state a handler starts with, as Linux gives it: default x87 and SSE
// control words, every XSAVE component in its initial state.
void reset_fpu(std::uint8_t* fpstate, std::size_t size) {
    const std::uint16_t fcw = 0x37f;
    const std::uint32_t mxcsr = 0x1f80;
    std::memcpy(fpstate + 0, &fcw, sizeof fcw);
    std::memset(fpstate + 2, 0, 2);   // FSW
    std::memset(fpstate + 4, 0, 2);   // FTW (abridged)
    std::memcpy(fpstate + 24, &mxcsr, sizeof mxcsr);
    if (size > kFxsaveSize + 64) {
        // XSAVE header right after the legacy area: XSTATE_BV = 0 means
        // every component is restored to its initial state.
        std::memset(fpstate + kFxsaveSize, 0, 8);
    }
}

}  // namespace

bool on_signal_stack(const AppSignalStack& stack, std::uint64_t sp) {
    if (stack.flags & kSsDisable) return false;
    return sp > stack.sp && sp - stack.sp <= stack.size;
}

base::Result<void> enter_handler(entry::KernelUcontext& context, const SignalAction& action, const AppSiginfo& info,
                                 std::uint64_t saved_mask, AppSignalStack& stack) {
    if (!(action.flags & kSaRestorer) || !action.restorer) return Error::from_errno(EFAULT);
    entry::KernelMcontext& regs = context.uc_mcontext;
    auto* host_fp = reinterpret_cast<std::uint8_t*>(regs.fpstate);

    AppSignalStack reported = stack;
    std::uint64_t sp = regs.rsp - kRedZone;
    bool on_stack = on_signal_stack(stack, regs.rsp);
    if ((action.flags & kSaOnStack) && !(stack.flags & kSsDisable) && !on_stack) {
        sp = stack.sp + stack.size;
        if (stack.flags & kSsAutoDisarm) stack = AppSignalStack{};
    }
    reported.flags = on_stack ? kSsOnStack : (reported.flags & kSsDisable);

    std::size_t fp_size = host_fp ? fpstate_size(host_fp) : 0;
    std::uint64_t fp_address = 0;
    if (host_fp) {
        sp = (sp - fp_size) & ~std::uint64_t{63};
        fp_address = sp;
    }
    std::uint64_t frame_address = ((sp - sizeof(AppRtSigframe)) & ~std::uint64_t{15}) - 8;

    AppRtSigframe frame{};
    frame.pretcode = action.restorer;
    frame.uc.uc_flags = kUcSigcontextSs | kUcStrictRestoreSs | (fp_size > kFxsaveSize ? kUcFpXstate : 0);
    frame.uc.uc_stack = reported;
    frame.uc.uc_mcontext = regs;
    frame.uc.uc_mcontext.fpstate = reinterpret_cast<decltype(regs.fpstate)>(fp_address);
    frame.uc.uc_mcontext.oldmask = saved_mask;
    frame.uc.uc_sigmask = saved_mask;
    frame.info = info;
    if (host_fp) TRY(mm::copy_to_user(fp_address, host_fp, fp_size));
    TRY(mm::copy_to_user(frame_address, &frame, sizeof frame));

    if (host_fp) reset_fpu(host_fp, fp_size);
    regs.rip = action.handler;
    regs.rsp = frame_address;
    regs.rdi = static_cast<std::uint64_t>(info.signo);
    regs.rsi = frame_address + __builtin_offsetof(AppRtSigframe, info);
    regs.rdx = frame_address + __builtin_offsetof(AppRtSigframe, uc);
    regs.rax = 0;
    regs.eflags &= ~std::uint64_t{0x400 | 0x100};  // DF and TF clear, as the ABI expects at a call
    return {};
}

base::Result<std::uint64_t> leave_handler(entry::KernelUcontext& context, AppSignalStack& stack) {
    entry::KernelMcontext& regs = context.uc_mcontext;
    // The handler's `ret` popped pretcode: the ucontext is where rsp points.
    std::uint64_t uc_address = regs.rsp;
    AppUcontext uc = TRY(mm::read_user<AppUcontext>(uc_address));

    auto* host_fp = reinterpret_cast<std::uint8_t*>(regs.fpstate);
    auto app_fp = reinterpret_cast<std::uint64_t>(uc.uc_mcontext.fpstate);
    if (host_fp) {
        std::size_t host_size = fpstate_size(host_fp);
        if (app_fp) {
            std::uint8_t legacy[kFxsaveSize];
            TRY(mm::copy_from_user(legacy, app_fp, kFxsaveSize));
            std::size_t app_size = fpstate_size(legacy);
            // Only as much as the host's area holds, and only if the
            // application's copy is of the same kind.
            std::size_t size = app_size == host_size ? host_size : kFxsaveSize;
            TRY(mm::copy_from_user(host_fp, app_fp, size));
            // A corrupt MXCSR would make the host's XRSTOR fault: keep reserved bits clear.
            std::uint32_t mxcsr;
            std::memcpy(&mxcsr, host_fp + 24, sizeof mxcsr);
            mxcsr &= 0xffff;
            std::memcpy(host_fp + 24, &mxcsr, sizeof mxcsr);
        } else {
            reset_fpu(host_fp, host_size);
        }
    }

    const entry::KernelMcontext& saved = uc.uc_mcontext;
    std::uint64_t host_eflags = regs.eflags;
    auto host_cs = regs.cs;
    auto host_ss = regs.ss;
    auto host_fpstate = regs.fpstate;
    regs = saved;
    regs.eflags = (host_eflags & ~kUserEflags) | (saved.eflags & kUserEflags);
    regs.cs = host_cs;
    regs.ss = host_ss;
    regs.fpstate = host_fpstate;

    // sigaltstack as it was when the handler ran (restore_altstack).
    AppSignalStack restored = uc.uc_stack;
    if (!on_signal_stack(stack, regs.rsp)) {
        if (restored.flags & kSsDisable) {
            stack = AppSignalStack{};
        } else {
            restored.flags &= kSsAutoDisarm;
            stack = restored;
        }
    }
    return uc.uc_sigmask;
}

}  // namespace cella::process
