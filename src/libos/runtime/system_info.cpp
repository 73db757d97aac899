#include "system_info.h"

#include <cstring>

namespace cella::runtime {
namespace {
char g_hostname[65] = "cella";
std::uint32_t g_cpu_count = 1;
}  // namespace

void set_hostname(std::string_view name) {
    std::size_t n = name.size() < sizeof g_hostname - 1 ? name.size() : sizeof g_hostname - 1;
    std::memcpy(g_hostname, name.data(), n);
    g_hostname[n] = '\0';
}
std::string_view hostname() { return g_hostname; }
void set_cpu_count(std::uint32_t count) { g_cpu_count = count ? count : 1; }
std::uint32_t cpu_count() { return g_cpu_count; }

}  // namespace cella::runtime
