#include "byte_size.h"

#include <array>
#include <cstdio>

#include "abi/mount_options.h"

namespace cella::cli {
namespace {

struct Unit {
    char letter;
    unsigned shift;
};
constexpr std::array<Unit, 4> kUnits{{{'K', 10}, {'M', 20}, {'G', 30}, {'T', 40}}};

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) { return abi::parse_byte_size(text); }

std::string format_exact_byte_size(std::uint64_t bytes) {
    if (bytes != 0) {
        for (auto unit = kUnits.rbegin(); unit != kUnits.rend(); ++unit) {
            std::uint64_t multiple = std::uint64_t{1} << unit->shift;
            if (bytes % multiple == 0) return std::to_string(bytes / multiple) + unit->letter + "B";
        }
    }
    return std::to_string(bytes) + "B";
}

std::string format_approximate_byte_size(std::uint64_t bytes) {
    for (auto unit = kUnits.rbegin(); unit != kUnits.rend(); ++unit) {
        std::uint64_t multiple = std::uint64_t{1} << unit->shift;
        if (bytes >= multiple) {
            char text[32];
            std::snprintf(text, sizeof text, "%.1f%cB", static_cast<double>(bytes) / static_cast<double>(multiple),
                          unit->letter);
            return text;
        }
    }
    return std::to_string(bytes) + "B";
}

}  // namespace cella::cli
