#pragma once
// Where libos.so's code lies: Syscall User Dispatch lets syscalls from
// this range through, and a fault inside it is a LibOS bug.
#include <cstdint>

namespace cella::entry {

void set_text_range(std::uint64_t start, std::uint64_t end, std::uint64_t load_base);
std::uint64_t text_start();
std::uint64_t text_end();
std::uint64_t load_base();
inline bool in_libos_text(std::uint64_t address) { return address >= text_start() && address < text_end(); }

}  // namespace cella::entry
