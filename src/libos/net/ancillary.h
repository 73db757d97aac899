#pragma once
// Control messages (cmsg(3)) of sendmsg and recvmsg on AF_UNIX sockets:
// SCM_RIGHTS passes open files (the receiver gets new fds for them) and
// SCM_CREDENTIALS a sender's pid, uid and gid, with Linux's checks
// (__scm_send, scm_check_creds, put_cmsg, scm_detach_fds).
#include <cstdint>

#include "unix_socket.h"

namespace cella::net {

// sendmsg: the caller's control buffer into `request` (its files and
// credentials). EINVAL for a malformed header or an unknown type, EBADF
// for an fd that is not open, EPERM for credentials that are not the
// caller's, ENOBUFS past INT_MAX bytes.
Result<void> read_control(std::uint64_t control, std::uint64_t length, SendRequest& request);
// recvmsg: SCM_CREDENTIALS, then SCM_RIGHTS (files installed as new fds,
// close-on-exec with MSG_CMSG_CLOEXEC) into the caller's buffer; what
// does not fit is dropped with MSG_CTRUNC. Returns the bytes used.
Result<std::size_t> write_control(std::uint64_t control, std::uint64_t length, ReceiveRequest& request);

}  // namespace cella::net
