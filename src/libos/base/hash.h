#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace cella::base {

// FNV-1a: fast, and good enough for in-LibOS tables whose keys are not
// chosen by an attacker outside the enclave.
constexpr std::uint64_t hash_bytes(const void* data, std::size_t size) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
        h ^= bytes[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

constexpr std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

template <typename T>
struct Hash;

template <typename T>
    requires std::is_integral_v<T> || std::is_enum_v<T>
struct Hash<T> {
    std::uint64_t operator()(T value) const { return mix64(static_cast<std::uint64_t>(value)); }
};

template <typename T>
struct Hash<T*> {
    std::uint64_t operator()(T* value) const { return mix64(reinterpret_cast<std::uintptr_t>(value)); }
};

template <>
struct Hash<std::string_view> {
    std::uint64_t operator()(std::string_view value) const { return hash_bytes(value.data(), value.size()); }
};

}  // namespace cella::base
