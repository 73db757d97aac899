#pragma once
// The host kernel's signal-delivery structures as a handler receives them.
#include <asm/sigcontext.h>
#include <asm/signal.h>
#include <asm/ucontext.h>

#include <cstddef>
#include <cstdint>

namespace cella::entry {

using KernelUcontext = struct ::ucontext;
using KernelMcontext = struct ::sigcontext;

// Linux's siginfo, with the members the LibOS reads.
struct KernelSiginfo {
    int si_signo;
    int si_errno;
    int si_code;
    int pad0;
    union {
        struct {
            void* call_addr;
            int syscall;
            unsigned arch;
        } sigsys;
        struct {
            void* addr;
        } fault;
        std::uint8_t bytes[112];
    };
};
static_assert(sizeof(KernelSiginfo) == 128);

// The FPU state in a signal frame: the 512-byte FXSAVE area, whose unused
// tail holds struct _fpx_sw_bytes (FP_XSTATE_MAGIC1 there says XSAVE data
// follows), and FP_XSTATE_MAGIC2 right after the XSAVE data.
inline constexpr std::size_t kFxsaveSize = 512;
inline constexpr std::size_t kSwBytesOffset = 464;
inline constexpr std::size_t kSwBytesSize = 48;
inline constexpr std::uint32_t kXstateMagic1 = 0x46505853;
inline constexpr std::uint32_t kXstateMagic2 = 0x46505845;

inline constexpr int kSysUserDispatch = 2;  // si_code of a Syscall User Dispatch SIGSYS

}  // namespace cella::entry
