#include "text_range.h"

namespace cella::entry {
namespace {
std::uint64_t g_start, g_end, g_base;
}

void set_text_range(std::uint64_t start, std::uint64_t end, std::uint64_t load_base) {
    g_start = start;
    g_end = end;
    g_base = load_base;
}
std::uint64_t text_start() { return g_start; }
std::uint64_t text_end() { return g_end; }
std::uint64_t load_base() { return g_base; }

}  // namespace cella::entry
