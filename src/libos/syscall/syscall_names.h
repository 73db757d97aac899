#pragma once

namespace cella::syscall {

// One past the highest x86-64 syscall number the LibOS knows by name.
inline constexpr long kSyscallCount = 451;

// The syscall's Linux name, or nullptr for a number Linux does not define.
const char* syscall_name(long nr);

}  // namespace cella::syscall
