#pragma once
// User and group ids and capabilities. Everything in the enclave runs as
// one host user, so ids change nothing about file access; but a program
// that drops root or switches ids sees the answers Linux would give (the
// rules of setuid(2), setreuid(2), setresuid(2), setfsuid(2),
// setgroups(2), with "privileged" meaning holding CAP_SETUID/CAP_SETGID),
// and its capability sets follow capabilities(7): root holds them all,
// other users none; changing uids clears them as Linux's
// cap_emulate_setxuid does, unless PR_SET_KEEPCAPS kept the permitted set;
// execve recomputes them as for a file without file capabilities.
#include <cstdint>

#include "libos/base/result.h"
#include "libos/base/vector.h"

namespace cella::process {

class Credentials {
public:
    static constexpr std::uint32_t kUnchanged = 0xffffffffu;
    static constexpr std::size_t kMaxGroups = 65536;

    struct Ids {
        std::uint32_t real = 0, effective = 0, saved = 0, filesystem = 0;
    };
    const Ids& uids() const { return uids_; }
    const Ids& gids() const { return gids_; }
    const base::Vector<std::uint32_t>& groups() const { return groups_; }

    base::Result<void> set_uid(std::uint32_t uid) { return set_id(uids_, uid); }
    base::Result<void> set_gid(std::uint32_t gid) { return set_id(gids_, gid); }
    base::Result<void> set_reuid(std::uint32_t real, std::uint32_t effective) { return set_re(uids_, real, effective); }
    base::Result<void> set_regid(std::uint32_t real, std::uint32_t effective) { return set_re(gids_, real, effective); }
    base::Result<void> set_resuid(std::uint32_t real, std::uint32_t effective, std::uint32_t saved) {
        return set_res(uids_, real, effective, saved);
    }
    base::Result<void> set_resgid(std::uint32_t real, std::uint32_t effective, std::uint32_t saved) {
        return set_res(gids_, real, effective, saved);
    }
    // setfsuid/setfsgid: always return the old id; change it only when allowed.
    std::uint32_t set_fsuid(std::uint32_t id) { return set_fs(uids_, id); }
    std::uint32_t set_fsgid(std::uint32_t id) { return set_fs(gids_, id); }
    base::Result<void> set_groups(base::Vector<std::uint32_t> groups);

    base::Result<void> copy_from(const Credentials& other);

    // Capability sets, one bit per CAP_* number (0 .. kLastCapability).
    static constexpr int kLastCapability = 40;  // CAP_CHECKPOINT_RESTORE
    static constexpr std::uint64_t kAllCapabilities = (std::uint64_t{2} << kLastCapability) - 1;
    struct Capabilities {
        std::uint64_t effective = kAllCapabilities, permitted = kAllCapabilities, inheritable = 0,
                      bounding = kAllCapabilities, ambient = 0;
    };
    const Capabilities& capabilities() const { return caps_; }
    bool has_capability(int capability) const { return caps_.effective & (std::uint64_t{1} << capability); }
    // capset(2)'s rules.
    base::Result<void> set_capabilities(std::uint64_t effective, std::uint64_t permitted, std::uint64_t inheritable);
    // prctl: PR_CAPBSET_DROP, PR_CAP_AMBIENT_RAISE/LOWER/CLEAR_ALL, PR_SET_KEEPCAPS.
    base::Result<void> drop_bounding(int capability);
    base::Result<void> set_ambient(int capability, bool raise);
    void clear_ambient() { caps_.ambient = 0; }
    bool keep_capabilities = false;
    // execve of a file with no file capabilities and no set-id bits.
    void apply_exec();

private:
    static constexpr int kCapSetuid = 7, kCapSetgid = 6, kCapSetpcap = 8;
    // The capability that allows changing these ids.
    bool privileged(const Ids& ids) const { return has_capability(&ids == &uids_ ? kCapSetuid : kCapSetgid); }
    // Linux's cap_emulate_setxuid and the fsuid fix-up, after uids change.
    void update_capabilities(const Ids& old_uids);
    static bool is_one_of(const Ids& ids, std::uint32_t id) {
        return id == ids.real || id == ids.effective || id == ids.saved;
    }
    base::Result<void> set_id(Ids& ids, std::uint32_t id);
    base::Result<void> set_re(Ids& ids, std::uint32_t real, std::uint32_t effective);
    base::Result<void> set_res(Ids& ids, std::uint32_t real, std::uint32_t effective, std::uint32_t saved);
    std::uint32_t set_fs(Ids& ids, std::uint32_t id);

    Ids uids_;
    Ids gids_;
    base::Vector<std::uint32_t> groups_;
    Capabilities caps_;
};

}  // namespace cella::process
