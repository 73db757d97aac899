#pragma once
// The file operations behind the path-taking syscalls, for one process:
// resolving "dirfd + path" the *at() way, opening, stat, readlink, access,
// chdir. Syscall handlers check and copy arguments and call these.
#include <span>
#include <string_view>

#include "vfs.h"

namespace cella::process {
class Process;
}

namespace cella::fs {

// at_flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH (an empty path names dirfd itself).
// resolve_flags: openat2's RESOLVE_* (vfs.h).
Result<ResolvedPath> lookup_at(process::Process& process, int dirfd, std::string_view path, int at_flags,
                               unsigned resolve_flags = 0);
// O_TMPFILE makes an unnamed file in the directory `path` names.
Result<int> open_at(process::Process& process, int dirfd, std::string_view path, int flags, std::uint32_t mode,
                    unsigned resolve_flags = 0);
Result<FileStat> stat_at(process::Process& process, int dirfd, std::string_view path, int at_flags);
Result<std::size_t> read_link_at(process::Process& process, int dirfd, std::string_view path, std::span<char> out);
// mode: F_OK or a mask of R_OK/W_OK/X_OK, checked with the real ids
// unless at_flags has AT_EACCESS (root: X_OK still needs an x bit).
Result<void> access_at(process::Process& process, int dirfd, std::string_view path, int mode, int at_flags);
Result<void> change_directory(process::Process& process, std::string_view path);

// Creating, removing and renaming names; `mode` is masked by the umask.
Result<void> make_directory_at(process::Process& process, int dirfd, std::string_view path, std::uint32_t mode);
// flags: AT_REMOVEDIR removes a directory (rmdir), otherwise a non-directory (unlink).
Result<void> remove_at(process::Process& process, int dirfd, std::string_view path, int flags);
// flags: RENAME_NOREPLACE (RENAME_EXCHANGE and RENAME_WHITEOUT are EINVAL).
Result<void> rename_at(process::Process& process, int old_dirfd, std::string_view old_path, int new_dirfd,
                       std::string_view new_path, unsigned flags);
// mknod: a regular file, a FIFO or a socket; device nodes are EPERM.
// Returns the new node (bind() of an AF_UNIX socket keeps it).
Result<RefPtr<Inode>> make_node_at(process::Process& process, int dirfd, std::string_view path, std::uint32_t mode);
Result<void> symlink_at(process::Process& process, std::string_view target, int dirfd, std::string_view path);
Result<void> link_at(process::Process& process, int old_dirfd, std::string_view old_path, int new_dirfd,
                     std::string_view new_path, int flags);
Result<void> truncate_at(process::Process& process, std::string_view path, std::int64_t size);
Result<void> change_directory_fd(process::Process& process, int fd);
// A canonical path as a chroot'ed process sees it (getcwd): below its
// root, or "(unreachable)" and the full path when outside it, as Linux shows.
Result<base::String> path_seen_from_root(process::Process& process, std::string_view path);
// chroot(2): `path` becomes the process's root directory.
Result<void> change_root(process::Process& process, std::string_view path);

}  // namespace cella::fs
