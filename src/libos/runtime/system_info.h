#pragma once
// Facts about the enclave that syscalls report: host name, CPU count.
#include <cstdint>
#include <string_view>

namespace cella::runtime {

// The host and NIS domain names uname reports (at most 64 bytes each);
// sethostname and setdomainname change them for the whole enclave.
struct NodeName {
    char text[65];
    std::string_view view() const { return text; }
};
void set_hostname(std::string_view name);
NodeName hostname();
void set_domainname(std::string_view name);
NodeName domainname();
void set_cpu_count(std::uint32_t count);
std::uint32_t cpu_count();

}  // namespace cella::runtime
