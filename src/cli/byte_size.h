#pragma once
// Byte sizes as users write them in cella.json and read them in messages:
// "64MB", "64M", "64MiB", "512kb", "1GB", "4096". Units are binary
// multiples (K = 1024), as in Occlum.json.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cella::cli {

// Digits, optional blanks, then an optional unit K/M/G/T (any case)
// followed by an optional "B" or "iB", or a bare "B". Nothing when the text
// is not such a size or overflows 64 bits.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// The largest unit that divides `bytes` exactly: "512MB", "6KB", "1000B".
std::string format_exact_byte_size(std::uint64_t bytes);

// One decimal in the largest unit that fits, for reports: "3.4MB", "812B".
std::string format_approximate_byte_size(std::uint64_t bytes);

}  // namespace cella::cli
