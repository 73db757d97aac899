#include "enclave_runner.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "boot_record.h"
#include "libos_loader.h"

namespace cella::host {
namespace {

constexpr std::uint64_t kAlignment = 2 << 20;
constexpr std::uint64_t kGuard = 2 << 20;  // inaccessible gap between the LibOS's parts and the user range

std::uint64_t round_up(std::uint64_t value) { return (value + kAlignment - 1) / kAlignment * kAlignment; }

// The enclave range: reserved inaccessible and uncommitted; the LibOS
// commits pages inside it as they are needed.
class Reservation {
public:
    explicit Reservation(std::uint64_t size) : size_(size) {
        void* at = mmap(nullptr, size + kAlignment, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (at == MAP_FAILED) throw std::runtime_error("cannot reserve " + std::to_string(size >> 20) +
                                                       " MiB of address space for the enclave");
        raw_ = reinterpret_cast<std::uint64_t>(at);
        base_ = round_up(raw_);
    }
    ~Reservation() { munmap(reinterpret_cast<void*>(raw_), size_ + kAlignment); }
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    std::uint64_t base() const { return base_; }

private:
    std::uint64_t raw_ = 0;
    std::uint64_t base_ = 0;
    std::uint64_t size_;
};

class HostFd {
public:
    explicit HostFd(int fd) : fd_(fd) {}
    ~HostFd() {
        if (fd_ >= 0) close(fd_);
    }
    HostFd(const HostFd&) = delete;
    HostFd& operator=(const HostFd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// The kernel's auxiliary vector entry `type`. glibc's getauxval answers
// AT_HWCAP on x86-64 with its own platform bits, not the kernel's CPUID
// flags, so the vector is read as the kernel wrote it.
std::uint64_t kernel_auxv(std::uint64_t type) {
    HostFd auxv(open("/proc/self/auxv", O_RDONLY | O_CLOEXEC));
    std::uint64_t pair[2];
    while (auxv.get() >= 0 && read(auxv.get(), pair, sizeof pair) == static_cast<ssize_t>(sizeof pair) && pair[0])
        if (pair[0] == type) return pair[1];
    return getauxval(type);
}

std::vector<std::uint8_t> make_boot_record(const EnclaveSpec& spec, const LoadedLibos& libos, std::uint64_t base,
                                           std::uint64_t heap_base, std::uint64_t user_base, std::uint64_t total,
                                           int image_fd, std::uint64_t image_size) {
    BootRecordBuilder builder;
    abi::BootInfo& info = builder.info();
    info.enclave_base = base;
    info.enclave_size = total;
    info.libos_base = libos.base;
    info.libos_end = libos.end;
    info.libos_text_start = libos.text_start;
    info.libos_text_end = libos.text_end;
    info.libos_heap_base = heap_base;
    info.libos_heap_size = spec.libos_heap_size;
    info.user_base = user_base;
    info.user_size = spec.user_space_size;
    info.default_stack_size = spec.default_stack_size;
    info.default_heap_size = spec.default_heap_size;
    info.default_mmap_size = spec.default_mmap_size;
    info.max_threads = spec.max_threads;
    info.flags = (spec.strace ? abi::kBootFlagStrace : 0) | (spec.debug_log ? abi::kBootFlagLogDebug : 0) |
                 (spec.sequential_fork ? abi::kBootFlagSequentialFork : 0) |
                 (spec.syscall_rewrite ? 0 : abi::kBootFlagNoSyscallRewrite) |
                 (spec.io_uring ? abi::kBootFlagIoUring : 0);
    info.image_fd = image_fd;
    info.stdio_fds[0] = 0;
    info.stdio_fds[1] = 1;
    info.stdio_fds[2] = 2;
    info.image_size = image_size;
    std::memcpy(info.image_measurement, spec.image_measurement.data(), sizeof info.image_measurement);
    info.vdso_base = getauxval(AT_SYSINFO_EHDR);
    info.hwcap = kernel_auxv(AT_HWCAP);
    info.hwcap2 = kernel_auxv(AT_HWCAP2);
    info.clock_ticks = static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK));
    info.min_signal_stack = getauxval(AT_MINSIGSTKSZ);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    info.cpu_count = cpus > 0 ? static_cast<std::uint32_t>(cpus) : 1;
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    info.boot_time_ns = static_cast<std::uint64_t>(now.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(now.tv_nsec);

    // Strings go in after the fixed part; `info` may move while the blob grows.
    abi::BootString program = builder.add_string(spec.program);
    abi::BootString hostname = builder.add_string(spec.hostname);
    std::uint32_t argv_offset = builder.add_array<abi::BootString>(spec.argv.size());
    for (std::size_t i = 0; i < spec.argv.size(); ++i) {
        abi::BootString s = builder.add_string(spec.argv[i]);
        builder.at<abi::BootString>(argv_offset, i) = s;
    }
    std::uint32_t envp_offset = builder.add_array<abi::BootString>(spec.envp.size());
    for (std::size_t i = 0; i < spec.envp.size(); ++i) {
        abi::BootString s = builder.add_string(spec.envp[i]);
        builder.at<abi::BootString>(envp_offset, i) = s;
    }
    std::uint32_t mounts_offset = builder.add_array<abi::BootMount>(spec.mounts.size());
    for (std::size_t i = 0; i < spec.mounts.size(); ++i) {
        abi::BootMount mount{builder.add_string(spec.mounts[i].type), builder.add_string(spec.mounts[i].target),
                             builder.add_string(spec.mounts[i].source), builder.add_string(spec.mounts[i].options)};
        builder.at<abi::BootMount>(mounts_offset, i) = mount;
    }
    abi::BootInfo& done = builder.info();
    done.program = program;
    done.hostname = hostname;
    done.argc = static_cast<std::uint32_t>(spec.argv.size());
    done.argv_offset = argv_offset;
    done.envc = static_cast<std::uint32_t>(spec.envp.size());
    done.envp_offset = envp_offset;
    done.mount_count = static_cast<std::uint32_t>(spec.mounts.size());
    done.mounts_offset = mounts_offset;
    return builder.finish();
}

}  // namespace

EnclaveOutcome run_enclave(const EnclaveSpec& spec) {
    std::uint64_t libos_size = round_up(libos_span(spec.libos_file));
    std::uint64_t heap_size = round_up(spec.libos_heap_size);
    std::uint64_t user_size = round_up(spec.user_space_size);
    std::uint64_t total = libos_size + kGuard + heap_size + kGuard + user_size;
    Reservation reservation(total);
    std::uint64_t base = reservation.base();
    std::uint64_t heap_base = base + libos_size + kGuard;
    std::uint64_t user_base = heap_base + heap_size + kGuard;
    LoadedLibos libos = load_libos(spec.libos_file, base);

    HostFd image(open(spec.image_file.c_str(), O_RDONLY | O_CLOEXEC));
    if (image.get() < 0) throw std::runtime_error("cannot open " + spec.image_file.string());
    struct stat image_stat {};
    if (fstat(image.get(), &image_stat) != 0) throw std::runtime_error("cannot stat " + spec.image_file.string());

    std::vector<std::uint8_t> record =
        make_boot_record(spec, libos, base, heap_base, user_base, total, image.get(),
                         static_cast<std::uint64_t>(image_stat.st_size));
    abi::ExitRecord exit{};
    std::fflush(nullptr);
    auto entry = reinterpret_cast<abi::LibosEntry>(libos.entry);
    entry(reinterpret_cast<const abi::BootInfo*>(record.data()), &exit);

    EnclaveOutcome outcome;
    outcome.exit_code = exit.exit_code;
    outcome.term_signal = exit.term_signal;
    exit.message[sizeof exit.message - 1] = '\0';
    outcome.message = exit.message;
    return outcome;
}

int exit_status_of(const EnclaveOutcome& outcome) {
    if (outcome.term_signal > 0 && outcome.term_signal < 128) return 128 + outcome.term_signal;
    return outcome.exit_code & 0xff;
}

}  // namespace cella::host
