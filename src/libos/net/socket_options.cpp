#include "socket_options.h"

#include <asm-generic/errno.h>

#include "libos/mm/user_memory.h"
#include "libos/runtime/log.h"

namespace cella::net {
namespace {

using base::Error;

constexpr int kSolSocket = 1;
enum : int {
    kDebug = 1, kReuseAddr = 2, kType = 3, kError = 4, kDontRoute = 5, kBroadcast = 6, kSndBuf = 7, kRcvBuf = 8,
    kKeepAlive = 9, kOobInline = 10, kLinger = 13, kPassCred = 16, kPeerCred = 17, kRcvLowat = 18,
    kRcvTimeo = 20, kSndTimeo = 21, kAcceptConn = 30, kSndBufForce = 32, kRcvBufForce = 33, kProtocol = 38,
    kDomain = 39,
};
// Options that are only kept and reported back (one bit each).
constexpr std::uint32_t kKeptFlags =
    1u << kReuseAddr | 1u << kDontRoute | 1u << kBroadcast | 1u << kKeepAlive | 1u << kOobInline;
constexpr std::uint32_t kMaxBuffer = 4194304;  // net.core.wmem_max, rmem_max
constexpr std::uint32_t kMinSendBuffer = 4608, kMinReceiveBuffer = 2304;

struct Timeval {
    std::int64_t seconds;
    std::int64_t microseconds;
};
struct Linger {
    std::int32_t on;
    std::int32_t seconds;
};

// Linux's sock_set_timeout: 0 means no limit; a negative time none at all.
Result<std::int64_t> timeout_from_user(std::uint64_t value, std::uint32_t length) {
    if (length < sizeof(Timeval)) return Error::from_errno(EINVAL);
    Timeval time = TRY(mm::read_user<Timeval>(value));
    if (time.microseconds < 0 || time.microseconds >= 1000000) return Error::from_errno(EDOM);
    if (time.seconds < 0) return std::int64_t{0};
    if (time.seconds == 0 && time.microseconds == 0) return std::int64_t{-1};
    return time.seconds * 1000000000 + time.microseconds * 1000;
}

Timeval timeval_of(std::int64_t ns) {
    if (ns < 0) return {0, 0};
    return {ns / 1000000000, (ns % 1000000000) / 1000};
}

Error unknown_option(const char* what, int name) {
    log::debug("AF_UNIX: %s of socket option %d is not supported yet: ENOPROTOOPT", what, name);
    return Error::from_errno(ENOPROTOOPT);
}

// At most *length_address bytes of `value`, then the length used (sk_getsockopt).
Result<void> option_to_user(const void* value, std::uint32_t size, std::uint64_t to, std::uint64_t length_address) {
    std::int32_t length = TRY(mm::read_user<std::int32_t>(length_address));
    if (length < 0) return Error::from_errno(EINVAL);
    if (static_cast<std::uint32_t>(length) > size) length = static_cast<std::int32_t>(size);
    TRY(mm::copy_to_user(to, value, static_cast<std::size_t>(length)));
    return mm::write_user(length_address, length);
}

}  // namespace

Result<void> get_option(UnixSocket& socket, int level, int name, std::uint64_t value, std::uint64_t length_address) {
    if (level != kSolSocket) return Error::from_errno(EOPNOTSUPP);
    UnixSocket::Options options = socket.options();
    std::int32_t number = 0;
    switch (name) {
    case kType: number = socket.type(); break;
    case kDomain: number = kAfUnix; break;
    case kProtocol: number = 0; break;
    case kError: number = socket.take_error(); break;
    case kSndBuf: number = static_cast<std::int32_t>(options.send_buffer); break;
    case kRcvBuf: number = static_cast<std::int32_t>(options.receive_buffer); break;
    case kPassCred: number = options.pass_credentials; break;
    case kAcceptConn: number = socket.is_listening(); break;
    case kRcvLowat: number = options.receive_low_water; break;
    case kPeerCred: {
        Credentials credentials = socket.peer_credentials();
        return option_to_user(&credentials, sizeof credentials, value, length_address);
    }
    case kRcvTimeo:
    case kSndTimeo: {
        Timeval time = timeval_of(name == kRcvTimeo ? options.receive_timeout_ns : options.send_timeout_ns);
        return option_to_user(&time, sizeof time, value, length_address);
    }
    case kLinger: {
        Linger linger{options.linger_on, options.linger_seconds};
        return option_to_user(&linger, sizeof linger, value, length_address);
    }
    default:
        if (name < 32 && (kKeptFlags & (1u << name))) {
            number = (options.flags >> name) & 1;
            break;
        }
        return unknown_option("getsockopt", name);
    }
    return option_to_user(&number, sizeof number, value, length_address);
}

Result<void> set_option(UnixSocket& socket, int level, int name, std::uint64_t value, std::uint32_t length) {
    if (level != kSolSocket) return Error::from_errno(EOPNOTSUPP);
    UnixSocket::Options options = socket.options();
    if (name == kRcvTimeo || name == kSndTimeo) {
        std::int64_t timeout = TRY(timeout_from_user(value, length));
        (name == kRcvTimeo ? options.receive_timeout_ns : options.send_timeout_ns) = timeout;
        socket.set_options(options);
        return {};
    }
    if (name == kLinger) {
        if (length < sizeof(Linger)) return Error::from_errno(EINVAL);
        Linger linger = TRY(mm::read_user<Linger>(value));
        options.linger_on = linger.on != 0;
        options.linger_seconds = linger.seconds;
        socket.set_options(options);
        return {};
    }
    if (length < sizeof(std::int32_t)) return Error::from_errno(EINVAL);
    std::int32_t number = TRY(mm::read_user<std::int32_t>(value));
    std::uint32_t wanted = number < 0 ? 0 : static_cast<std::uint32_t>(number);
    switch (name) {
    case kSndBuf:
    case kSndBufForce:
        if (name == kSndBuf && wanted > kMaxBuffer) wanted = kMaxBuffer;
        options.send_buffer = wanted * 2 > kMinSendBuffer ? wanted * 2 : kMinSendBuffer;
        break;
    case kRcvBuf:
    case kRcvBufForce:
        if (name == kRcvBuf && wanted > kMaxBuffer) wanted = kMaxBuffer;
        options.receive_buffer = wanted * 2 > kMinReceiveBuffer ? wanted * 2 : kMinReceiveBuffer;
        break;
    case kPassCred: options.pass_credentials = number != 0; break;
    case kRcvLowat: options.receive_low_water = number < 1 ? 1 : number; break;
    case kType:
    case kDomain:
    case kProtocol:
    case kError:
    case kPeerCred:
    case kAcceptConn: return Error::from_errno(ENOPROTOOPT);
    default:
        if (name < 32 && (kKeptFlags & (1u << name))) {
            options.flags = (options.flags & ~(1u << name)) | (number ? 1u << name : 0);
            break;
        }
        return unknown_option("setsockopt", name);
    }
    socket.set_options(options);
    return {};
}

}  // namespace cella::net
