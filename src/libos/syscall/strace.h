#pragma once
// `cella run --strace`: one line per application syscall on the host's
// stderr, in strace's format: name(decoded arguments) = result.
#include "syscall.h"

namespace cella::syscall {

void strace_before(const SyscallArgs& args, const char* kinds);
void strace_after(const SyscallArgs& args, const char* kinds, long result);

}  // namespace cella::syscall
