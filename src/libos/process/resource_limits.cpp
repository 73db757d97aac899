#include "resource_limits.h"

#include <asm-generic/errno.h>
#include <linux/resource.h>

#include <new>

namespace cella::process {

using base::Error;

void ResourceLimits::set_defaults(std::uint64_t stack_size) {
    base::ScopedLock guard(lock_);
    for (Rlimit& limit : limits_) limit = {kInfinity, kInfinity};
    limits_[RLIMIT_STACK] = {stack_size, kInfinity};
    limits_[RLIMIT_CORE] = {0, kInfinity};
    limits_[RLIMIT_NPROC] = {4096, 4096};
    limits_[RLIMIT_NOFILE] = {1024, 1024};
    limits_[RLIMIT_MEMLOCK] = {8 << 20, 8 << 20};
    limits_[RLIMIT_SIGPENDING] = {4096, 4096};
    limits_[RLIMIT_MSGQUEUE] = {819200, 819200};
    limits_[RLIMIT_NICE] = {0, 0};
    limits_[RLIMIT_RTPRIO] = {0, 0};
}

void ResourceLimits::copy_from(ResourceLimits& other) {
    Rlimit copy[kCount];
    {
        base::ScopedLock guard(other.lock_);
        for (int i = 0; i < kCount; ++i) copy[i] = other.limits_[i];
    }
    base::ScopedLock guard(lock_);
    for (int i = 0; i < kCount; ++i) limits_[i] = copy[i];
}

base::Result<Rlimit> ResourceLimits::get(int resource) {
    if (resource < 0 || resource >= kCount) return Error::from_errno(EINVAL);
    base::ScopedLock guard(lock_);
    return limits_[resource];
}

base::Result<void> ResourceLimits::set(int resource, Rlimit limit, bool privileged) {
    if (resource < 0 || resource >= kCount) return Error::from_errno(EINVAL);
    if (limit.current > limit.maximum) return Error::from_errno(EINVAL);
    if (resource == RLIMIT_NOFILE && limit.maximum > kMaxOpenFiles) return Error::from_errno(EPERM);
    base::ScopedLock guard(lock_);
    if (limit.maximum > limits_[resource].maximum && !privileged) return Error::from_errno(EPERM);
    limits_[resource] = limit;
    return {};
}

}  // namespace cella::process
