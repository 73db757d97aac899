#pragma once
// Options of a ramfs mount as cella.json's `mount[].options` give them
// ("size=64MB", "size=25%", "mode=1777", "nr_inodes=10000"). The host
// checks them when it reads cella.json and the LibOS parses them again
// from the boot record, with this one grammar; header-only and
// freestanding so both sides include it.
#include <cstdint>
#include <optional>
#include <string_view>

namespace cella::abi {

// Digits, optional blanks, then an optional unit K/M/G/T (any case)
// followed by an optional "B" or "iB", or a bare "B". Units are binary
// multiples. Nothing when the text is not such a size or overflows.
constexpr std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
    std::size_t position = 0;
    std::uint64_t number = 0;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
        std::uint64_t digit = static_cast<std::uint64_t>(text[position] - '0');
        if (number > (UINT64_MAX - digit) / 10) return std::nullopt;
        number = number * 10 + digit;
        ++position;
    }
    if (position == 0) return std::nullopt;
    while (position < text.size() && (text[position] == ' ' || text[position] == '\t')) ++position;
    std::string_view suffix = text.substr(position);
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    unsigned shift = 0;
    if (!suffix.empty()) {
        switch (lower(suffix[0])) {
        case 'b': shift = 0; break;
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        case 't': shift = 40; break;
        default: return std::nullopt;
        }
        std::string_view rest = suffix.substr(1);
        bool bare_b = lower(suffix[0]) == 'b';
        if (bare_b && !rest.empty()) return std::nullopt;
        if (!rest.empty() && !(rest.size() == 1 && lower(rest[0]) == 'b') &&
            !(rest.size() == 2 && lower(rest[0]) == 'i' && lower(rest[1]) == 'b'))
            return std::nullopt;
    }
    if (shift != 0 && number > (UINT64_MAX >> shift)) return std::nullopt;
    return number << shift;
}

struct RamfsOptions {
    std::uint64_t size = 0;         // bytes of file data the mount may hold
    std::uint64_t max_inodes = 0;   // files, directories and links
    std::uint32_t mode = 01777;     // of its root directory
};

inline constexpr std::uint64_t kRamfsPageSize = 4096;

// Linux tmpfs's defaults: half of the memory for data, and as many inodes
// as half of the memory has pages.
constexpr RamfsOptions default_ramfs_options(std::uint64_t memory_size) {
    RamfsOptions options;
    options.size = memory_size / 2 / kRamfsPageSize * kRamfsPageSize;
    options.max_inodes = memory_size / kRamfsPageSize / 2;
    return options;
}

// Parses a comma-separated option list. `memory_size` (user_space_size)
// is what "size=N%" is a percentage of. On error, returns a reason and
// leaves `bad` naming the option at fault.
constexpr const char* parse_ramfs_options(std::string_view text, std::uint64_t memory_size, RamfsOptions& out,
                                          std::string_view& bad) {
    out = default_ramfs_options(memory_size);
    while (!text.empty()) {
        std::size_t comma = text.find(',');
        std::string_view option = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        bad = option;
        std::size_t equals = option.find('=');
        if (equals == std::string_view::npos) return "is not of the form name=value (size, mode or nr_inodes)";
        std::string_view name = option.substr(0, equals), value = option.substr(equals + 1);
        if (name == "size") {
            if (!value.empty() && value.back() == '%') {
                auto percent = parse_byte_size(value.substr(0, value.size() - 1));
                if (!percent || value.size() < 2 || value[value.size() - 2] < '0' || value[value.size() - 2] > '9' ||
                    *percent == 0 || *percent > 100)
                    return "must be a size (\"64MB\") or a percentage of user_space_size from 1% to 100%";
                out.size = memory_size / 100 * *percent;
            } else {
                auto bytes = parse_byte_size(value);
                if (!bytes || *bytes == 0) return "must be a size (\"64MB\") or a percentage of user_space_size (\"25%\")";
                out.size = *bytes;
            }
            // tmpfs counts whole pages.
            out.size = (out.size + kRamfsPageSize - 1) / kRamfsPageSize * kRamfsPageSize;
        } else if (name == "mode") {
            std::uint32_t mode = 0;
            if (value.empty() || value.size() > 4) return "must be octal permission bits such as 1777";
            for (char c : value) {
                if (c < '0' || c > '7') return "must be octal permission bits such as 1777";
                mode = mode * 8 + static_cast<std::uint32_t>(c - '0');
            }
            out.mode = mode;
        } else if (name == "nr_inodes") {
            auto count = parse_byte_size(value);
            if (!count || *count == 0) return "must be a positive number of inodes";
            out.max_inodes = *count;
        } else {
            return "is not a ramfs option (size, mode and nr_inodes are)";
        }
    }
    bad = {};
    return nullptr;
}

}  // namespace cella::abi
