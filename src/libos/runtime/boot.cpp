// cella_libos_main: from the host's boot record to the first instruction
// of the application.
#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include <cstring>

#include "abi/boot.h"
#include "abi/mount_options.h"
#include "libos/base/format.h"
#include "libos/base/global.h"
#include "libos/entry/asm_symbols.h"
#include "libos/entry/enclave.h"
#include "libos/entry/text_range.h"
#include "libos/fs/devfs/devfs.h"
#include "libos/tty/devpts.h"
#include "libos/fs/host_stream.h"
#include "libos/fs/imagefs/imagefs.h"
#include "libos/fs/procfs/procfs.h"
#include "libos/fs/ramfs/ramfs.h"
#include "libos/fs/vfs.h"
#include "libos/host/host.h"
#include "libos/net/uring/ring.h"
#include "libos/mm/address_space.h"
#include "libos/mm/heap.h"
#include "libos/process/exec.h"
#include "libos/process/process.h"
#include "libos/process/process_table.h"
#include "libos/process/system_stats.h"
#include "libos/syscall/syscall.h"
#include "libos/process/threads.h"
#include "libos/rewrite/syscall_sites.h"
#include "log.h"
#include "service_thread.h"
#include "system_info.h"

namespace cella::runtime {
namespace {

using base::Error;
using base::Result;
using base::String;
using base::Vector;

// The boot record is host memory: it is copied in whole, then every
// offset and length is checked against what was copied.
class BootRecord {
public:
    static Result<BootRecord> copy_in(const abi::BootInfo* untrusted) {
        BootRecord record;
        std::memcpy(&record.info_, untrusted, sizeof record.info_);
        if (record.info_.magic != abi::kBootMagic || record.info_.version != abi::kBootVersion ||
            record.info_.total_size < sizeof(abi::BootInfo) || record.info_.total_size > (16u << 20))
            return Error::from_errno(EINVAL);
        TRY(record.blob_.try_resize(record.info_.total_size));
        std::memcpy(record.blob_.data(), untrusted, record.info_.total_size);
        return record;
    }

    const abi::BootInfo& info() const { return info_; }

    Result<std::string_view> string(abi::BootString s) const {
        if (s.offset > blob_.size() || s.length > blob_.size() - s.offset) return Error::from_errno(EINVAL);
        return std::string_view(reinterpret_cast<const char*>(blob_.data()) + s.offset, s.length);
    }

    template <typename T>
    Result<T> element(std::uint32_t array_offset, std::uint32_t index, std::uint32_t count) const {
        if (index >= count) return Error::from_errno(EINVAL);
        std::uint64_t at = array_offset + std::uint64_t{index} * sizeof(T);
        if (at + sizeof(T) > blob_.size()) return Error::from_errno(EINVAL);
        T value;
        std::memcpy(&value, blob_.data() + at, sizeof value);
        return value;
    }

    Result<Vector<String>> strings(std::uint32_t array_offset, std::uint32_t count) const {
        Vector<String> out;
        for (std::uint32_t i = 0; i < count; ++i) {
            abi::BootString s = TRY(element<abi::BootString>(array_offset, i, count));
            TRY(out.try_append(TRY(String::from(TRY(string(s))))));
        }
        return out;
    }

private:
    abi::BootInfo info_{};
    Vector<std::uint8_t> blob_;
};

bool range_inside(std::uint64_t start, std::uint64_t size, std::uint64_t outer_start, std::uint64_t outer_size) {
    return start >= outer_start && size <= outer_size && start - outer_start <= outer_size - size;
}

// Application threads live as long as the enclave for now.
base::Global<base::OwnPtr<process::Thread>> g_first_thread;

template <typename T>
base::RefPtr<fs::FileSystem> as_file_system(base::RefPtr<T> file_system) {
    return base::RefPtr<fs::FileSystem>(file_system.get());
}

Result<void> mount_file_systems(const BootRecord& boot) {
    const abi::BootInfo& info = boot.info();
    crypto::Sha256Digest measurement;
    std::memcpy(measurement.data(), info.image_measurement, measurement.size());
    TRY(fs::vfs().mount("/", TRY(fs::imagefs::mount(info.image_fd, info.image_size, measurement)),
                        TRY(fs::imagefs::file_system(info.image_size))));
    // devtmpfs reports half the memory as its size, all of it free.
    fs::FsStats dev_stats;
    dev_stats.type = fs::kTmpfsMagic;
    dev_stats.blocks = dev_stats.blocks_free = dev_stats.blocks_available = info.user_size / 2 / 4096;
    dev_stats.files = dev_stats.files_free = info.user_size / 2 / 4096;
    dev_stats.fsid = 0x0005;
    dev_stats.flags |= fs::kStNoSuid;
    TRY(fs::vfs().mount("/dev", TRY(fs::devfs::make_root()),
                        as_file_system(TRY(base::make_ref<fs::FixedFileSystem>("devtmpfs", "devtmpfs", "relatime",
                                                                               dev_stats)))));
    fs::FsStats pts_stats;
    pts_stats.type = fs::kDevptsMagic;
    pts_stats.block_size = 4096;
    pts_stats.fsid = tty::kDevptsDevice;
    pts_stats.flags |= fs::kStNoSuid | fs::kStNoExec;
    TRY(fs::vfs().mount("/dev/pts", TRY(tty::make_devpts_root()),
                        as_file_system(TRY(base::make_ref<fs::FixedFileSystem>(
                            "devpts", "devpts", "relatime,gid=5,mode=620,ptmxmode=000", pts_stats)))));
    fs::FsStats proc_stats;
    proc_stats.type = fs::kProcMagic;
    proc_stats.fsid = 0x0014;
    proc_stats.flags |= fs::kStNoSuid | fs::kStNoDev | fs::kStNoExec;
    TRY(fs::vfs().mount("/proc", TRY(fs::procfs::make_root()),
                        as_file_system(TRY(base::make_ref<fs::FixedFileSystem>("proc", "proc", "relatime",
                                                                               proc_stats)))));
    for (std::uint32_t i = 0; i < info.mount_count; ++i) {
        abi::BootMount mount = TRY(boot.element<abi::BootMount>(info.mounts_offset, i, info.mount_count));
        std::string_view type = TRY(boot.string(mount.type));
        std::string_view target = TRY(boot.string(mount.target));
        std::string_view options_text = TRY(boot.string(mount.options));
        // `cella run` refuses other types before boot; this is the LibOS's own check.
        if (type != "ramfs") return Error::from_errno(EOPNOTSUPP);
        abi::RamfsOptions options;
        std::string_view bad;
        if (const char* reason = abi::parse_ramfs_options(options_text, info.user_size, options, bad)) {
            log::warn("ramfs mount option \"%.*s\" %s", static_cast<int>(bad.size()), bad.data(), reason);
            return Error::from_errno(EINVAL);
        }
        fs::ramfs::Mounted made = TRY(fs::ramfs::make(options));
        TRY(fs::vfs().mount(target, made.root, made.file_system));
    }
    // POSIX shared memory (shm_open, sem_open) lives in /dev/shm; an
    // instance whose cella.json predates it still gets one.
    if (!fs::vfs().is_mount_point("/dev/shm")) {
        fs::ramfs::Mounted made = TRY(fs::ramfs::make(abi::default_ramfs_options(info.user_size)));
        TRY(fs::vfs().mount("/dev/shm", made.root, made.file_system));
    }
    return {};
}

Result<base::RefPtr<process::Process>> make_first_process(const abi::BootInfo& info) {
    auto process = TRY(base::make_ref<process::Process>(process::process_table().allocate_id(), 0));
    process->pgid = process->sid = process->pid();
    process->limits.set_defaults(info.default_stack_size);
    TRY(process->set_cwd("/"));
    for (int fd = 0; fd < 3; ++fd) {
        auto stream = TRY(base::make_ref<fs::HostStream>(info.stdio_fds[fd], O_RDWR));
        TRY(stream->set_path(fd == 0 ? "/dev/stdin" : fd == 1 ? "/dev/stdout" : "/dev/stderr"));
        TRY(process->fds().install_at(fd, base::RefPtr<fs::OpenFile>(static_cast<base::RefPtr<fs::HostStream>&&>(stream)),
                                      false));
    }
    return process;
}

[[noreturn]] void fail(int code, const char* fmt, const char* detail) {
    char message[240];
    base::format_to(message, sizeof message, fmt, detail);
    entry::leave_enclave(code, 0, message);
}

int exit_code_for(int error) {
    // As shells report them: 127 not found, 126 found but not runnable.
    if (error == ENOENT || error == ENOTDIR) return 127;
    if (error == EACCES || error == ENOEXEC || error == ELIBBAD || error == ELOOP) return 126;
    return 1;
}

// Microseconds since `cella run` stamped the boot record, for debug logs.
std::uint64_t g_boot_time_ns = 0;
long since_boot_us() {
    std::int64_t seconds = 0, nanoseconds = 0;
    (void)host::clock_gettime(0, seconds, nanoseconds);
    std::uint64_t now = static_cast<std::uint64_t>(seconds) * 1000000000ull + static_cast<std::uint64_t>(nanoseconds);
    return static_cast<long>((now - g_boot_time_ns) / 1000);
}

[[noreturn]] void boot(const abi::BootInfo* untrusted) {
    // The heap first: everything after allocates. Its bounds are checked
    // against the enclave range before the record is copied onto it.
    const std::uint64_t heap_base = untrusted->libos_heap_base, heap_size = untrusted->libos_heap_size;
    if (!range_inside(heap_base, heap_size, untrusted->enclave_base, untrusted->enclave_size))
        fail(70, "%s", "boot record: LibOS heap outside the enclave range");
    mm::kernel_heap().init(heap_base, heap_size);
    auto copied = BootRecord::copy_in(untrusted);
    if (copied.is_error()) fail(70, "%s", "boot record: bad magic, version or size");
    BootRecord boot_record = copied.release_value();
    const abi::BootInfo& info = boot_record.info();
    log::init(info.stdio_fds[2], info.flags & abi::kBootFlagLogDebug);
    g_boot_time_ns = info.boot_time_ns;
    log::debug("LibOS entered %ld us after the host stamped the boot record", since_boot_us());
    if (!range_inside(info.user_base, info.user_size, info.enclave_base, info.enclave_size) ||
        !range_inside(info.libos_text_start, info.libos_text_end - info.libos_text_start, info.libos_base,
                      info.libos_end - info.libos_base))
        fail(70, "%s", "boot record: memory layout outside the enclave range");
    entry::set_text_range(info.libos_text_start, info.libos_text_end, info.libos_base);
    mm::address_space().init(info.user_base, info.user_size);

    process::MachineInfo machine;
    machine.vdso_base = info.vdso_base;
    machine.hwcap = info.hwcap;
    machine.hwcap2 = info.hwcap2;
    machine.clock_ticks = info.clock_ticks ? info.clock_ticks : 100;
    machine.min_signal_stack = info.min_signal_stack ? info.min_signal_stack : 2048;
    machine.default_stack_size = info.default_stack_size;
    machine.default_heap_size = info.default_heap_size;
    machine.sequential_fork = info.flags & abi::kBootFlagSequentialFork;
    process::set_machine_info(machine);
    set_cpu_count(info.cpu_count);
    if (auto name = boot_record.string(info.hostname); !name.is_error() && !name.value().empty())
        set_hostname(name.value());

    if (auto mounted = mount_file_systems(boot_record); mounted.is_error())
        fail(70, "%s",
             mounted.error().code() == 129 /* EKEYREJECTED */
                 ? "the image is not the one `cella build` made for this instance; rebuild it with `cella build`"
             : mounted.error().code() == EOPNOTSUPP ? "cella.json names a mount type the LibOS does not support"
             : mounted.error().code() == EINVAL   ? "cella.json gives a mount an option the LibOS does not accept"
                                                  : "the image is corrupt or unreadable (rebuild it with `cella build`)");
    syscall::init_dispatcher(info.flags & abi::kBootFlagStrace);
    rewrite::init(!(info.flags & abi::kBootFlagNoSyscallRewrite));
    net::uring::Ring::enable(info.flags & abi::kBootFlagIoUring);
    (void)process::load_averages();  // the load averages count from the start
    log::debug("file systems mounted at %ld us", since_boot_us());

    auto made = make_first_process(info);
    if (made.is_error()) fail(70, "%s", "out of LibOS memory while creating the first process");
    base::RefPtr<process::Process> first = made.release_value();
    auto thread = base::make_own<process::Thread>(first->pid(), first);
    if (thread.is_error()) fail(70, "%s", "out of LibOS memory while creating the first thread");
    process::Thread& main_thread = *g_first_thread.construct(thread.release_value());
    main_thread.cpu().thread = &main_thread;
    main_thread.set_name("init");
    first->add_thread(main_thread);
    process::init_threads(main_thread, info.max_threads);
    if (process::process_table().add_process(first).is_error() ||
        process::process_table().add_thread(main_thread).is_error())
        fail(70, "%s", "out of LibOS memory while creating the first process");
    entry::enter_thread(main_thread.cpu());

    process::ExecRequest request;
    auto program = boot_record.string(info.program);
    auto argv = boot_record.strings(info.argv_offset, info.argc);
    auto envp = boot_record.strings(info.envp_offset, info.envc);
    if (program.is_error() || argv.is_error() || envp.is_error()) fail(70, "%s", "boot record: bad program arguments");
    request.path = MUST(String::from(program.value()));
    request.argv = argv.release_value();
    request.envp = envp.release_value();
    char why[200] = {};
    auto started = process::exec(*first, static_cast<process::ExecRequest&&>(request), why, sizeof why);
    if (started.is_error()) fail(exit_code_for(started.error().code()), "%s", why[0] ? why : "cannot start the program");

    entry::install_signal_handlers();
    if (int error = start_service_thread())
        fail(71, "%s",
             error == EAGAIN ? "the host refused the LibOS service thread: a limit on threads is reached (ulimit -u, "
                               "the cgroup's pids.max)"
                             : "the host refused the LibOS service thread");
    entry::use_application_mask();
    log::debug("%.*s loaded at %ld us; starting it", static_cast<int>(program.value().size()), program.value().data(),
               since_boot_us());
    main_thread.cpu().sud_selector = 1;
    cella_enter_user(started.value().entry, started.value().stack_pointer);
}

}  // namespace
}  // namespace cella::runtime

extern "C" __attribute__((visibility("hidden"))) void cella_libos_main(const cella::abi::BootInfo* boot,
                                                                       cella::abi::ExitRecord* exit) {
    cella::entry::save_host_state(exit);
    cella::runtime::boot(boot);
}
