#include "byte_size.h"

#include <array>
#include <cctype>
#include <cstdio>

namespace cella::cli {
namespace {

struct Unit {
    char letter;
    unsigned shift;
};
constexpr std::array<Unit, 4> kUnits{{{'K', 10}, {'M', 20}, {'G', 30}, {'T', 40}}};

bool equals_ignoring_case(std::string_view text, std::string_view expected) {
    if (text.size() != expected.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(expected[i])))
            return false;
    return true;
}

// The shift of a unit suffix ("", "b", "k", "kb", "kib", ...), if valid.
std::optional<unsigned> unit_shift(std::string_view suffix) {
    if (suffix.empty() || equals_ignoring_case(suffix, "B")) return 0;
    char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(suffix[0])));
    std::string_view rest = suffix.substr(1);
    if (!rest.empty() && !equals_ignoring_case(rest, "B") && !equals_ignoring_case(rest, "iB")) return std::nullopt;
    for (const Unit& unit : kUnits)
        if (unit.letter == letter) return unit.shift;
    return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
    std::size_t position = 0;
    std::uint64_t number = 0;
    while (position < text.size() && std::isdigit(static_cast<unsigned char>(text[position]))) {
        std::uint64_t digit = static_cast<std::uint64_t>(text[position] - '0');
        if (number > (UINT64_MAX - digit) / 10) return std::nullopt;
        number = number * 10 + digit;
        ++position;
    }
    if (position == 0) return std::nullopt;
    while (position < text.size() && (text[position] == ' ' || text[position] == '\t')) ++position;
    std::optional<unsigned> shift = unit_shift(text.substr(position));
    if (!shift) return std::nullopt;
    if (*shift != 0 && number > (UINT64_MAX >> *shift)) return std::nullopt;
    return number << *shift;
}

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
