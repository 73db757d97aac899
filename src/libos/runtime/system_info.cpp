#include "system_info.h"

#include <cstring>

#include "libos/base/lock.h"

namespace cella::runtime {
namespace {
base::SpinLock g_names_lock;
NodeName g_hostname = {"cella"};
NodeName g_domainname = {"(none)"};

void set_name(NodeName& name, std::string_view text) {
    base::ScopedLock guard(g_names_lock);
    std::size_t n = text.size() < sizeof name.text - 1 ? text.size() : sizeof name.text - 1;
    std::memcpy(name.text, text.data(), n);
    name.text[n] = '\0';
}
NodeName get_name(const NodeName& name) {
    base::ScopedLock guard(g_names_lock);
    return name;
}
std::uint32_t g_cpu_count = 1;
}  // namespace

void set_hostname(std::string_view name) { set_name(g_hostname, name); }
NodeName hostname() { return get_name(g_hostname); }
void set_domainname(std::string_view name) { set_name(g_domainname, name); }
NodeName domainname() { return get_name(g_domainname); }
void set_cpu_count(std::uint32_t count) { g_cpu_count = count ? count : 1; }
std::uint32_t cpu_count() { return g_cpu_count; }

}  // namespace cella::runtime
