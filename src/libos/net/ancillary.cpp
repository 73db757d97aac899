#include "ancillary.h"

#include <asm-generic/errno.h>

#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/process.h"
#include "libos/process/process_table.h"

namespace cella::net {
namespace {

using base::Error;

constexpr int kSolSocket = 1, kScmRights = 1, kScmCredentials = 2;
constexpr std::size_t kMaxFilesPerMessage = 253;  // SCM_MAX_FD
constexpr int kCapSetgid = 6, kCapSetuid = 7, kCapSysAdmin = 21;

struct ControlHeader {
    std::uint64_t length;
    std::int32_t level;
    std::int32_t type;
};
constexpr std::size_t kHeader = sizeof(ControlHeader);

constexpr std::size_t align(std::size_t n) { return (n + 7) & ~std::size_t{7}; }

// Linux's scm_check_creds: a process may speak only for itself unless privileged.
Result<void> check_credentials(const Credentials& claimed) {
    process::Process& process = process::current_process();
    const process::Credentials& own = process.credentials;
    auto one_of = [](const process::Credentials::Ids& ids, std::uint32_t id) {
        return id == ids.real || id == ids.effective || id == ids.saved;
    };
    if ((claimed.pid == process.pid() || own.has_capability(kCapSysAdmin)) &&
        (one_of(own.uids(), claimed.uid) || own.has_capability(kCapSetuid)) &&
        (one_of(own.gids(), claimed.gid) || own.has_capability(kCapSetgid))) {
        if (!process::process_table().find_process(claimed.pid)) return Error::from_errno(ESRCH);
        return {};
    }
    return Error::from_errno(EPERM);
}

Result<void> add_files(std::uint64_t data, std::size_t count, SendRequest& request) {
    if (count == 0) return {};
    if (count > kMaxFilesPerMessage || request.files.size() + count > kMaxFilesPerMessage)
        return Error::from_errno(EINVAL);
    for (std::size_t i = 0; i < count; ++i) {
        int fd = TRY(mm::read_user<std::int32_t>(data + i * sizeof(std::int32_t)));
        auto file = process::current_process().fds().get(fd);
        if (file.is_error()) return Error::from_errno(EBADF);
        TRY(request.files.try_append(file.release_value()));
    }
    return {};
}

// Writing control messages into the application's buffer, as put_cmsg does.
class ControlWriter {
public:
    ControlWriter(std::uint64_t address, std::size_t length) : address_(address), left_(length) {}

    Result<void> put(int type, const void* data, std::size_t length) {
        if (left_ < kHeader) {
            truncated = true;
            return {};
        }
        std::size_t size = kHeader + length;
        if (left_ < size) {
            truncated = true;
            size = left_;
        }
        ControlHeader header{size, kSolSocket, type};
        TRY(mm::copy_to_user(address_, &header, kHeader));
        TRY(mm::copy_to_user(address_ + kHeader, data, size - kHeader));
        advance(align(kHeader + length));
        return {};
    }

    // SCM_RIGHTS: as many files as fit become new fds; the rest are dropped.
    Result<void> put_files(base::Vector<RefPtr<fs::OpenFile>>& files, bool cloexec) {
        std::size_t room = left_ > kHeader ? (left_ - kHeader) / sizeof(std::int32_t) : 0;
        std::size_t installed = 0;
        Result<void> result;
        for (; installed < room && installed < files.size(); ++installed) {
            auto fd = process::current_process().fds().install(files[installed], cloexec);
            if (fd.is_error()) break;
            std::int32_t number = fd.value();
            result = mm::copy_to_user(address_ + kHeader + installed * sizeof number, &number, sizeof number);
            if (result.is_error()) break;
        }
        if (installed < files.size()) truncated = true;
        if (installed) {
            ControlHeader header{kHeader + installed * sizeof(std::int32_t), kSolSocket, kScmRights};
            TRY(mm::copy_to_user(address_, &header, kHeader));
            advance(align(header.length));
        }
        return result;
    }

    std::size_t used = 0;
    bool truncated = false;

private:
    void advance(std::size_t n) {
        if (n > left_) n = left_;
        address_ += n;
        left_ -= n;
        used += n;
    }
    std::uint64_t address_;
    std::size_t left_;
};

}  // namespace

Result<void> read_control(std::uint64_t control, std::uint64_t length, SendRequest& request) {
    if (length > 0x7fffffff) return Error::from_errno(ENOBUFS);
    std::uint64_t at = 0;
    // CMSG_FIRSTHDR and CMSG_NXTHDR: a header must fit in what is left.
    while (at + kHeader <= length) {
        ControlHeader header = TRY(mm::read_user<ControlHeader>(control + at));
        if (header.length < kHeader || header.length > length - at) return Error::from_errno(EINVAL);
        if (header.level == kSolSocket) {
            std::uint64_t data = control + at + kHeader;
            std::size_t data_length = header.length - kHeader;
            if (header.type == kScmRights) {
                TRY(add_files(data, data_length / sizeof(std::int32_t), request));
            } else if (header.type == kScmCredentials) {
                if (data_length != sizeof(Credentials)) return Error::from_errno(EINVAL);
                Credentials claimed = TRY(mm::read_user<Credentials>(data));
                TRY(check_credentials(claimed));
                request.credentials = claimed;
            } else {
                return Error::from_errno(EINVAL);
            }
        }
        at += align(header.length);
    }
    return {};
}

Result<std::size_t> write_control(std::uint64_t control, std::uint64_t length, ReceiveRequest& request) {
    ControlWriter writer(control, length);
    if (request.has_credentials) TRY(writer.put(kScmCredentials, &request.credentials, sizeof request.credentials));
    if (!request.files.is_empty()) {
        TRY(writer.put_files(request.files, request.flags & kMsgCmsgCloexec));
        request.files.clear();
    }
    if (writer.truncated) request.message_flags |= kMsgCtrunc;
    return writer.used;
}

}  // namespace cella::net
