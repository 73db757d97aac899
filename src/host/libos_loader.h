#pragma once
// Loads libos.so into the enclave range: maps its segments, applies its
// relocations (only R_X86_64_RELATIVE: the LibOS is self-contained), and
// reports where its code lies for Syscall User Dispatch.
#include <cstdint>
#include <filesystem>

namespace cella::host {

struct LoadedLibos {
    std::uint64_t base;  // load bias
    std::uint64_t end;
    std::uint64_t text_start;
    std::uint64_t text_end;
    std::uint64_t entry;
};

// Bytes of address space libos.so needs (page-rounded span of its segments).
std::uint64_t libos_span(const std::filesystem::path& file);
// Loads at `base`, which must be reserved and hold libos_span() bytes.
// Throws std::runtime_error naming the file and the problem.
LoadedLibos load_libos(const std::filesystem::path& file, std::uint64_t base);

}  // namespace cella::host
