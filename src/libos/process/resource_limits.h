#pragma once
// A process's resource limits (getrlimit/setrlimit/prlimit64), inherited
// by its children and kept across exec. RLIMIT_NOFILE bounds the fd table
// and RLIMIT_MEMLOCK mlock; the others are recorded and reported.
#include <cstdint>

#include "libos/base/lock.h"
#include "libos/base/result.h"

namespace cella::process {

struct Rlimit {
    std::uint64_t current;
    std::uint64_t maximum;
};

class ResourceLimits {
public:
    static constexpr int kCount = 16;  // RLIM_NLIMITS
    static constexpr std::uint64_t kInfinity = ~std::uint64_t{0};
    static constexpr std::uint64_t kMaxOpenFiles = 1048576;  // fs.nr_open

    // Linux's defaults for a root session on Debian; the stack's is
    // process.default_stack_size.
    void set_defaults(std::uint64_t stack_size);
    void copy_from(ResourceLimits& other);
    base::Result<Rlimit> get(int resource);
    // Raising a hard limit needs CAP_SYS_RESOURCE (`privileged`).
    base::Result<void> set(int resource, Rlimit limit, bool privileged);

private:
    base::SpinLock lock_;
    Rlimit limits_[kCount] = {};
};

}  // namespace cella::process
