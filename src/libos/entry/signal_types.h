#pragma once
// The host kernel's signal-delivery structures as a handler receives them.
#include <asm/sigcontext.h>
#include <asm/signal.h>
#include <asm/ucontext.h>

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

inline constexpr int kSysUserDispatch = 2;  // si_code of a Syscall User Dispatch SIGSYS

}  // namespace cella::entry
