#pragma once
// Facts about the enclave that syscalls report: host name, CPU count.
#include <cstdint>
#include <string_view>

namespace cella::runtime {

void set_hostname(std::string_view name);
std::string_view hostname();
void set_cpu_count(std::uint32_t count);
std::uint32_t cpu_count();

}  // namespace cella::runtime
