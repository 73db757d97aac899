#pragma once
// SHA-256 from BearSSL (cmake/bearssl.cmake), the LibOS's only hash: the
// image's hash tree is checked with it. Freestanding, no allocation.
#include <bearssl_hash.h>

#include <array>
#include <cstdint>
#include <span>

namespace cella::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

class Sha256 {
public:
    Sha256() { br_sha256_init(&context_); }
    Sha256& update(std::span<const std::uint8_t> bytes) {
        br_sha256_update(&context_, bytes.data(), bytes.size());
        return *this;
    }
    Sha256Digest finish() const {
        Sha256Digest digest;
        br_sha256_out(&context_, digest.data());
        return digest;
    }
    static Sha256Digest of(std::span<const std::uint8_t> bytes) { return Sha256().update(bytes).finish(); }

private:
    br_sha256_context context_;
};

}  // namespace cella::crypto
