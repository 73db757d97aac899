#include "credentials.h"

#include <asm-generic/errno.h>

namespace cella::process {

using base::Error;

base::Result<void> Credentials::set_id(Ids& ids, std::uint32_t id) {
    if (id == kUnchanged) return Error::from_errno(EINVAL);
    if (privileged()) {
        ids.real = ids.effective = ids.saved = ids.filesystem = id;
        return {};
    }
    if (id != ids.real && id != ids.saved) return Error::from_errno(EPERM);
    ids.effective = ids.filesystem = id;
    return {};
}

base::Result<void> Credentials::set_re(Ids& ids, std::uint32_t real, std::uint32_t effective) {
    Ids next = ids;
    if (real != kUnchanged) {
        if (!privileged() && real != ids.real && real != ids.effective) return Error::from_errno(EPERM);
        next.real = real;
    }
    if (effective != kUnchanged) {
        if (!privileged() && !is_one_of(ids, effective)) return Error::from_errno(EPERM);
        next.effective = effective;
    }
    // Linux: the saved id follows the effective one when the real id was
    // set or the effective id now differs from the old real id.
    if (real != kUnchanged || (effective != kUnchanged && effective != ids.real)) next.saved = next.effective;
    next.filesystem = next.effective;
    ids = next;
    return {};
}

base::Result<void> Credentials::set_res(Ids& ids, std::uint32_t real, std::uint32_t effective, std::uint32_t saved) {
    for (std::uint32_t id : {real, effective, saved})
        if (id != kUnchanged && !privileged() && !is_one_of(ids, id)) return Error::from_errno(EPERM);
    if (real != kUnchanged) ids.real = real;
    if (effective != kUnchanged) ids.effective = effective;
    if (saved != kUnchanged) ids.saved = saved;
    ids.filesystem = ids.effective;
    return {};
}

std::uint32_t Credentials::set_fs(Ids& ids, std::uint32_t id) {
    std::uint32_t old = ids.filesystem;
    if (id != kUnchanged && (privileged() || is_one_of(ids, id) || id == ids.filesystem)) ids.filesystem = id;
    return old;
}

base::Result<void> Credentials::set_groups(base::Vector<std::uint32_t> groups) {
    if (groups.size() > kMaxGroups) return Error::from_errno(EINVAL);
    if (!privileged()) return Error::from_errno(EPERM);
    groups_ = static_cast<base::Vector<std::uint32_t>&&>(groups);
    return {};
}

base::Result<void> Credentials::copy_from(const Credentials& other) {
    uids_ = other.uids_;
    gids_ = other.gids_;
    base::Vector<std::uint32_t> groups;
    TRY(groups.try_append(std::span<const std::uint32_t>(other.groups_.data(), other.groups_.size())));
    groups_ = static_cast<base::Vector<std::uint32_t>&&>(groups);
    return {};
}

}  // namespace cella::process
