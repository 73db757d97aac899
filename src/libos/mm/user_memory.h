#pragma once
// Access to application memory from syscall handlers. A pointer from the
// application is checked against the calling process's mappings and then
// touched only with fault-tolerant routines, so a bad pointer is EFAULT and
// never a LibOS crash.
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "libos/base/result.h"
#include "libos/base/string.h"

namespace cella::process {
class Process;
}

namespace cella::mm {

using base::Result;

// One piece of application memory that an I/O call gathers from or
// scatters into (struct iovec).
struct UserSegment {
    std::uint64_t base;
    std::uint64_t length;
};

Result<void> copy_from_user(void* dst, std::uint64_t src, std::size_t n);
Result<void> copy_to_user(std::uint64_t dst, const void* src, std::size_t n);
// A NUL-terminated string of at most max_length bytes (ENAMETOOLONG past it).
Result<base::String> copy_string_from_user(std::uint64_t src, std::size_t max_length = 4096);

// Application memory the caller may hand straight to an I/O routine
// (fewer copies); checked for the access needed.
Result<std::span<std::uint8_t>> user_writable(std::uint64_t address, std::size_t length);
Result<std::span<const std::uint8_t>> user_readable(std::uint64_t address, std::size_t length);

// Whether `process` may access [address, address + length) with `prot`
// (PROT_READ or PROT_WRITE), as its own touch would: pages of its private
// file mappings are read in, and its MAP_GROWSDOWN stack grows. For
// process_vm_readv/writev, which then copy with cella_user_copy.
bool process_memory_accessible(process::Process& process, std::uint64_t address, std::size_t length, int prot);

template <typename T>
    requires std::is_trivially_copyable_v<T>
Result<T> read_user(std::uint64_t address) {
    T value;
    TRY(copy_from_user(&value, address, sizeof(T)));
    return value;
}

template <typename T>
    requires std::is_trivially_copyable_v<T>
Result<void> write_user(std::uint64_t address, const T& value) {
    return copy_to_user(address, &value, sizeof(T));
}

}  // namespace cella::mm
