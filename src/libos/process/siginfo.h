#pragma once
// The siginfo an application's handler receives (Linux x86-64 layout),
// and constructors for the kinds the LibOS produces.
#include <cstdint>
#include <cstring>

namespace cella::process {

struct AppSiginfo {
    int signo;
    int error;
    int code;
    int pad;
    std::uint8_t fields[112];

    template <typename T>
    void put(std::size_t offset, T value) {
        std::memcpy(fields + offset - 16, &value, sizeof value);
    }
    template <typename T>
    T get(std::size_t offset) const {
        T value;
        std::memcpy(&value, fields + offset - 16, sizeof value);
        return value;
    }
};
static_assert(sizeof(AppSiginfo) == 128);

// si_code values
inline constexpr int kSiUser = 0;
inline constexpr int kSiKernel = 0x80;
inline constexpr int kSiQueue = -1;
inline constexpr int kSiTimer = -2;
inline constexpr int kSiTkill = -6;

inline AppSiginfo make_siginfo(int signo, int code) {
    AppSiginfo info{};
    info.signo = signo;
    info.code = code;
    return info;
}

// kill(), tkill(), tgkill(): sender's pid and uid.
inline AppSiginfo kill_siginfo(int signo, int code, int sender_pid) {
    AppSiginfo info = make_siginfo(signo, code);
    info.put<int>(16, sender_pid);
    info.put<std::uint32_t>(20, 0);
    return info;
}

// SIGCHLD (or a clone's exit signal): the child, how it changed (CLD_*),
// its status and CPU time in clock ticks.
inline constexpr int kCldExited = 1, kCldKilled = 2, kCldDumped = 3, kCldStopped = 5, kCldContinued = 6;
inline AppSiginfo child_siginfo(int signo, int code, int pid, int status, std::int64_t cpu_ticks) {
    AppSiginfo info = make_siginfo(signo, code);
    info.put<int>(16, pid);
    info.put<std::uint32_t>(20, 0);
    info.put<int>(24, status);
    info.put<std::int64_t>(32, cpu_ticks);
    info.put<std::int64_t>(40, 0);
    return info;
}

// Faults: the address.
inline AppSiginfo fault_siginfo(int signo, int code, std::uint64_t address) {
    AppSiginfo info = make_siginfo(signo, code);
    info.put<std::uint64_t>(16, address);
    return info;
}

// POSIX timers: timer id, overrun count, sigval.
inline AppSiginfo timer_siginfo(int signo, int timer_id, int overrun, std::uint64_t value) {
    AppSiginfo info = make_siginfo(signo, kSiTimer);
    info.put<int>(16, timer_id);
    info.put<int>(20, overrun);
    info.put<std::uint64_t>(24, value);
    return info;
}

}  // namespace cella::process
