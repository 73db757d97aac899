#pragma once
// memfd_create: an anonymous file in LibOS memory (an unnamed ramfs file),
// with Linux's seals (F_ADD_SEALS / F_GET_SEALS).
#include <string_view>

#include "open_file.h"

namespace cella::fs {

inline constexpr unsigned kMfdCloexec = 0x1, kMfdAllowSealing = 0x2, kMfdHugetlb = 0x4, kMfdNoexecSeal = 0x8,
                          kMfdExec = 0x10;
// The longest name: NAME_MAX less "memfd:".
inline constexpr std::size_t kMaxMemfdName = 249;

// A new memfd opened O_RDWR, its /proc/PID/fd link "/memfd:NAME (deleted)".
// `flags` are memfd_create's, checked by the caller except what they ask
// of the file: MFD_HUGETLB is EINVAL (there are no huge pages here, as on
// a kernel without hugetlbfs).
Result<RefPtr<OpenFile>> create_memfd(std::string_view name, unsigned flags);

// memfd_secret: memory only its shared mappings reach (read, write, seek
// and private or executable mappings refused as Linux refuses them). In an
// enclave every page is out of the host's reach already.
Result<RefPtr<OpenFile>> create_secret_memory();

}  // namespace cella::fs
