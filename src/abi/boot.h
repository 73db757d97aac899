#pragma once
// The boot record: everything `cella run` hands the LibOS when it enters the
// enclave. The host builds it in untrusted memory; the LibOS validates every
// field and copies what it keeps before use (as an ECALL argument would be).
// Strings and arrays live in the trailing blob and are named by offset and
// length relative to the start of the record.
#include <cstdint>

namespace cella::abi {

inline constexpr std::uint64_t kBootMagic = 0x544f4f42414c4c43ull;  // "CLLABOOT"
inline constexpr std::uint32_t kBootVersion = 1;

struct BootString {
    std::uint32_t offset;
    std::uint32_t length;  // without a terminating NUL (one is present anyway)
};

struct BootMount {
    BootString type;  // "hostfs", "ramfs", ...
    BootString target;
    BootString source;
    BootString options;
};

// Flags for BootInfo::flags.
inline constexpr std::uint32_t kBootFlagStrace = 1u << 0;
inline constexpr std::uint32_t kBootFlagLogDebug = 1u << 1;
inline constexpr std::uint32_t kBootFlagSequentialFork = 1u << 2;  // cella.json process.fork = "sequential"
inline constexpr std::uint32_t kBootFlagNoSyscallRewrite = 1u << 3;  // feature.syscall_rewrite false, or CELLA_SYSCALL_REWRITE=0
inline constexpr std::uint32_t kBootFlagIoUring = 1u << 4;  // feature.io_uring true, or CELLA_IO_URING=1

struct BootInfo {
    std::uint64_t magic;
    std::uint32_t version;
    std::uint32_t total_size;  // record plus blob

    // The reserved enclave range and how the host laid it out.
    std::uint64_t enclave_base;
    std::uint64_t enclave_size;
    std::uint64_t libos_base;  // load bias of libos.so
    std::uint64_t libos_end;
    std::uint64_t libos_text_start;  // Syscall User Dispatch's allowed range
    std::uint64_t libos_text_end;
    std::uint64_t libos_heap_base;
    std::uint64_t libos_heap_size;
    std::uint64_t user_base;  // application memory
    std::uint64_t user_size;

    // From cella.json.
    std::uint64_t default_stack_size;
    std::uint64_t default_heap_size;
    std::uint64_t default_mmap_size;
    std::uint32_t max_threads;
    std::uint32_t flags;

    // Host resources the LibOS may use: the image file and the stdio fds.
    std::int32_t image_fd;
    std::int32_t stdio_fds[3];
    std::uint64_t image_size;
    // The SHA-256 of the image's block 0 that `cella build` recorded
    // (abi/image_format.h): the LibOS mounts no other image.
    std::uint8_t image_measurement[32];

    // What the host kernel told the host process, for the application's auxv.
    std::uint64_t vdso_base;
    std::uint64_t hwcap;
    std::uint64_t hwcap2;
    std::uint64_t clock_ticks;
    std::uint64_t boot_time_ns;  // CLOCK_REALTIME at start, for logs
    std::uint64_t min_signal_stack;  // AT_MINSIGSTKSZ
    std::uint32_t cpu_count;
    std::uint32_t reserved0;

    BootString program;   // path inside the image
    std::uint32_t argc;
    std::uint32_t argv_offset;  // argc BootStrings
    std::uint32_t envc;
    std::uint32_t envp_offset;  // envc BootStrings, "NAME=value"
    std::uint32_t mount_count;
    std::uint32_t mounts_offset;  // mount_count BootMounts
    BootString hostname;
    std::uint32_t reserved[2];
};

// How the LibOS answers the host when it leaves the enclave for good.
struct ExitRecord {
    std::int32_t exit_code;    // valid when term_signal == 0
    std::int32_t term_signal;  // the signal that ended the first process, or 0
    // One line for the host to print on the way out (a fatal signal's
    // report, a configuration limit that was hit), NUL-terminated.
    char message[240];
};

// libos.so's ELF entry point.
using LibosEntry = void (*)(const BootInfo* boot, ExitRecord* exit);

}  // namespace cella::abi
