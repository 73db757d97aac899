#include "xattr.h"

#include <asm-generic/errno.h>

#include <cstring>

namespace cella::fs {
namespace {

using base::Error;

enum class Space { User, Trusted, Security, Unknown };

constexpr std::string_view kUser = "user.", kTrusted = "trusted.", kSecurity = "security.";

bool starts_with(std::string_view name, std::string_view prefix) { return name.substr(0, prefix.size()) == prefix; }

Space space_of(std::string_view name) {
    if (starts_with(name, kUser)) return Space::User;
    if (starts_with(name, kTrusted)) return Space::Trusted;
    if (starts_with(name, kSecurity)) return Space::Security;
    return Space::Unknown;
}

Result<void> check_name(std::string_view name) {
    if (name.empty() || name.size() > kXattrNameMax) return Error::from_errno(ERANGE);
    return {};
}

// Linux's xattr_permission, then the capability hook (security.* is
// changed by the privileged only).
Result<void> check_access(Inode& inode, std::string_view name, int may, const Caller& caller) {
    bool writing = may & kMayWrite;
    switch (space_of(name)) {
    case Space::Security:
        if (writing && !caller.privileged()) return Error::from_errno(EPERM);
        return {};
    case Space::Trusted:
        if (!caller.privileged()) return Error::from_errno(writing ? EPERM : ENODATA);
        break;
    case Space::User: {
        FileStat stat = inode.stat();
        bool folder = (stat.mode & 0170000) == 0040000, regular = (stat.mode & 0170000) == 0100000;
        if (!folder && !regular) return Error::from_errno(writing ? EPERM : ENODATA);
        if (folder && (stat.mode & kSticky) && writing && !owns(stat, caller)) return Error::from_errno(EPERM);
        return check_permission(stat, may, caller);
    }
    case Space::Unknown: break;
    }
    return check_permission(inode, may, caller);
}

// The file system's handler for `name`: one of the three namespaces, with
// something after the prefix.
Result<XattrSet*> handler_for(Inode& inode, std::string_view name) {
    XattrSet* set = inode.xattrs();
    Space space = space_of(name);
    if (!set || space == Space::Unknown) return Error::from_errno(EOPNOTSUPP);
    std::size_t prefix = space == Space::User ? kUser.size() : space == Space::Trusted ? kTrusted.size() : kSecurity.size();
    if (name.size() == prefix) return Error::from_errno(EINVAL);
    return set;
}

}  // namespace

XattrSet::Entry* XattrSet::find(std::string_view name, std::size_t* index) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].name == name) {
            if (index) *index = i;
            return &entries_[i];
        }
    }
    return nullptr;
}

Result<std::size_t> XattrSet::get(std::string_view name, std::span<std::uint8_t> out) {
    base::ScopedLock guard(lock_);
    Entry* entry = find(name);
    if (!entry) return Error::from_errno(ENODATA);
    std::size_t size = entry->value.size();
    if (out.empty()) return size;
    if (out.size() < size) return Error::from_errno(ERANGE);
    if (size) std::memcpy(out.data(), entry->value.data(), size);
    return size;
}

Result<void> XattrSet::set(std::string_view name, std::span<const std::uint8_t> value, int flags) {
    base::Vector<std::uint8_t> copy;
    TRY(copy.try_append(value));
    base::ScopedLock guard(lock_);
    Entry* entry = find(name);
    if (entry && (flags & kXattrCreate)) return Error::from_errno(EEXIST);
    if (!entry && (flags & kXattrReplace)) return Error::from_errno(ENODATA);
    if (entry) {
        entry->value = static_cast<base::Vector<std::uint8_t>&&>(copy);
        return {};
    }
    return entries_.try_append(Entry{TRY(base::String::from(name)), static_cast<base::Vector<std::uint8_t>&&>(copy)});
}

Result<void> XattrSet::remove(std::string_view name) {
    base::ScopedLock guard(lock_);
    std::size_t index;
    if (!find(name, &index)) return Error::from_errno(ENODATA);
    entries_.remove(index);
    return {};
}

Result<std::size_t> get_xattr(Inode& inode, std::string_view name, std::span<std::uint8_t> out, const Caller& caller) {
    TRY(check_name(name));
    TRY(check_access(inode, name, kMayRead, caller));
    XattrSet* set = TRY(handler_for(inode, name));
    if (out.size() > kXattrSizeMax) out = out.first(kXattrSizeMax);
    return set->get(name, out);
}

Result<void> set_xattr(Inode& inode, std::string_view name, std::span<const std::uint8_t> value, int flags,
                       const Caller& caller) {
    if (flags & ~(kXattrCreate | kXattrReplace)) return Error::from_errno(EINVAL);
    TRY(check_name(name));
    if (value.size() > kXattrSizeMax) return Error::from_errno(E2BIG);
    if (inode.read_only()) return Error::from_errno(EROFS);
    TRY(check_access(inode, name, kMayWrite, caller));
    XattrSet* set = TRY(handler_for(inode, name));
    TRY(set->set(name, value, flags));
    return inode.set_times(nullptr, nullptr)  /* the change time */;
}

Result<void> remove_xattr(Inode& inode, std::string_view name, const Caller& caller) {
    TRY(check_name(name));
    if (inode.read_only()) return Error::from_errno(EROFS);
    TRY(check_access(inode, name, kMayWrite, caller));
    XattrSet* set = TRY(handler_for(inode, name));
    TRY(set->remove(name));
    return inode.set_times(nullptr, nullptr)  /* the change time */;
}

Result<std::size_t> list_xattrs(Inode& inode, std::span<char> out, const Caller& caller) {
    XattrSet* set = inode.xattrs();
    if (!set) return std::size_t{0};
    if (out.size() > kXattrListMax) out = out.first(kXattrListMax);
    bool privileged = caller.privileged();
    return set->list(out, [&](std::string_view name) { return privileged || space_of(name) != Space::Trusted; });
}

}  // namespace cella::fs
