#include "credentials.h"

#include <asm-generic/errno.h>

namespace cella::process {

using base::Error;

base::Result<void> Credentials::set_id(Ids& ids, std::uint32_t id) {
    if (id == kUnchanged) return Error::from_errno(EINVAL);
    Ids old = ids;
    if (privileged(ids)) {
        ids.real = ids.effective = ids.saved = ids.filesystem = id;
    } else {
        if (id != ids.real && id != ids.saved) return Error::from_errno(EPERM);
        ids.effective = ids.filesystem = id;
    }
    if (&ids == &uids_) update_capabilities(old);
    return {};
}

base::Result<void> Credentials::set_re(Ids& ids, std::uint32_t real, std::uint32_t effective) {
    Ids next = ids;
    if (real != kUnchanged) {
        if (!privileged(ids) && real != ids.real && real != ids.effective) return Error::from_errno(EPERM);
        next.real = real;
    }
    if (effective != kUnchanged) {
        if (!privileged(ids) && !is_one_of(ids, effective)) return Error::from_errno(EPERM);
        next.effective = effective;
    }
    // Linux: the saved id follows the effective one when the real id was
    // set or the effective id now differs from the old real id.
    if (real != kUnchanged || (effective != kUnchanged && effective != ids.real)) next.saved = next.effective;
    next.filesystem = next.effective;
    Ids old = ids;
    ids = next;
    if (&ids == &uids_) update_capabilities(old);
    return {};
}

base::Result<void> Credentials::set_res(Ids& ids, std::uint32_t real, std::uint32_t effective, std::uint32_t saved) {
    for (std::uint32_t id : {real, effective, saved})
        if (id != kUnchanged && !privileged(ids) && !is_one_of(ids, id)) return Error::from_errno(EPERM);
    Ids old = ids;
    if (real != kUnchanged) ids.real = real;
    if (effective != kUnchanged) ids.effective = effective;
    if (saved != kUnchanged) ids.saved = saved;
    ids.filesystem = ids.effective;
    if (&ids == &uids_) update_capabilities(old);
    return {};
}

std::uint32_t Credentials::set_fs(Ids& ids, std::uint32_t id) {
    std::uint32_t old = ids.filesystem;
    Ids before = ids;
    if (id != kUnchanged && (privileged(ids) || is_one_of(ids, id) || id == ids.filesystem)) ids.filesystem = id;
    if (&ids == &uids_) update_capabilities(before);
    return old;
}

base::Result<void> Credentials::set_groups(base::Vector<std::uint32_t> groups) {
    if (groups.size() > kMaxGroups) return Error::from_errno(EINVAL);
    if (!has_capability(kCapSetgid)) return Error::from_errno(EPERM);
    groups_ = static_cast<base::Vector<std::uint32_t>&&>(groups);
    return {};
}

base::Result<void> Credentials::copy_from(const Credentials& other) {
    uids_ = other.uids_;
    gids_ = other.gids_;
    base::Vector<std::uint32_t> groups;
    TRY(groups.try_append(std::span<const std::uint32_t>(other.groups_.data(), other.groups_.size())));
    groups_ = static_cast<base::Vector<std::uint32_t>&&>(groups);
    caps_ = other.caps_;
    keep_capabilities = other.keep_capabilities;
    return {};
}

namespace {
// What a file-system uid of 0 brings: CAP_CHOWN, DAC_OVERRIDE,
// DAC_READ_SEARCH, FOWNER, FSETID, LINUX_IMMUTABLE, MAC_OVERRIDE, MKNOD.
constexpr std::uint64_t kFsCapabilities = 0x1f | (1u << 9) | (std::uint64_t{1} << 32) | (1u << 27);
}  // namespace

void Credentials::update_capabilities(const Ids& old) {
    const Ids& now = uids_;
    bool had_root = old.real == 0 || old.effective == 0 || old.saved == 0;
    bool has_root = now.real == 0 || now.effective == 0 || now.saved == 0;
    if (had_root && !has_root) {
        if (!keep_capabilities) caps_.permitted = 0;
        caps_.effective = 0;
        caps_.ambient = 0;
    }
    if (old.effective == 0 && now.effective != 0) caps_.effective = 0;
    if (old.effective != 0 && now.effective == 0) caps_.effective = caps_.permitted;
    if (old.filesystem == 0 && now.filesystem != 0) caps_.effective &= ~kFsCapabilities;
    if (old.filesystem != 0 && now.filesystem == 0) caps_.effective |= caps_.permitted & kFsCapabilities;
}

base::Result<void> Credentials::set_capabilities(std::uint64_t effective, std::uint64_t permitted,
                                                 std::uint64_t inheritable) {
    if ((effective | permitted | inheritable) & ~kAllCapabilities) return Error::from_errno(EPERM);
    if (!has_capability(kCapSetpcap) && (inheritable & ~(caps_.inheritable | caps_.permitted)))
        return Error::from_errno(EPERM);
    if (inheritable & ~(caps_.inheritable | caps_.bounding)) return Error::from_errno(EPERM);
    if (permitted & ~caps_.permitted) return Error::from_errno(EPERM);
    if (effective & ~permitted) return Error::from_errno(EPERM);
    caps_.effective = effective;
    caps_.permitted = permitted;
    caps_.inheritable = inheritable;
    caps_.ambient &= permitted & inheritable;
    return {};
}

base::Result<void> Credentials::drop_bounding(int capability) {
    if (capability < 0 || capability > kLastCapability) return Error::from_errno(EINVAL);
    if (!has_capability(kCapSetpcap)) return Error::from_errno(EPERM);
    caps_.bounding &= ~(std::uint64_t{1} << capability);
    return {};
}

base::Result<void> Credentials::set_ambient(int capability, bool raise) {
    if (capability < 0 || capability > kLastCapability) return Error::from_errno(EINVAL);
    std::uint64_t bit = std::uint64_t{1} << capability;
    if (!raise) {
        caps_.ambient &= ~bit;
        return {};
    }
    if (!(caps_.permitted & bit) || !(caps_.inheritable & bit)) return Error::from_errno(EPERM);
    caps_.ambient |= bit;
    return {};
}

void Credentials::apply_exec() {
    keep_capabilities = false;
    if (uids_.effective == 0 || uids_.real == 0) {
        // Root runs every program as if it had all file capabilities.
        caps_.permitted = caps_.bounding | caps_.inheritable | caps_.ambient;
        caps_.effective = uids_.effective == 0 ? caps_.permitted : caps_.ambient;
        return;
    }
    caps_.permitted = caps_.ambient;
    caps_.effective = caps_.ambient;
}

}  // namespace cella::process
