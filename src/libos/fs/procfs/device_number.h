#pragma once
// Linux's dev_t encoding: 12 bits of major and 20 of minor, each split
// into a low and a high part.
#include <cstdint>

namespace cella::fs::procfs {

inline constexpr std::uint64_t major_of(std::uint64_t dev) {
    return ((dev >> 8) & 0xfff) | ((dev >> 32) & ~std::uint64_t{0xfff});
}
inline constexpr std::uint64_t minor_of(std::uint64_t dev) {
    return (dev & 0xff) | ((dev >> 12) & ~std::uint64_t{0xff});
}

}  // namespace cella::fs::procfs
