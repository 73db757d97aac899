#include "exec.h"

#include <asm-generic/errno.h>
#include <elf.h>
#include <linux/fcntl.h>
#include <linux/mman.h>

#include <cstring>

#include "elf/elf_file.h"
#include "libos/process/memory_locks.h"
#include "libos/base/format.h"
#include "libos/fs/vfs.h"
#include "libos/host/host.h"
#include "libos/base/lock.h"
#include "libos/mm/lazy_fill.h"
#include "libos/mm/memory_ops.h"
#include "fork.h"

namespace cella::process {
namespace {

using base::Error;
using base::Result;
using base::String;
using base::Vector;

constexpr std::size_t kHeaderBytes = 4096;
constexpr int kMaxInterpreterDepth = 4;

MachineInfo g_machine;

struct LoadedElf {
    std::uint64_t bias = 0;
    std::uint64_t entry = 0;
    std::uint64_t phdr_address = 0;
    std::uint64_t phnum = 0;
};

struct OpenedProgram {
    base::RefPtr<fs::OpenFile> file;
    String path;
    Vector<std::uint8_t> head;  // the first bytes of the file
};

Result<OpenedProgram> open_program(Process& process, std::string_view path) {
    fs::Caller caller = fs::Caller::of(process);
    fs::ResolvedPath resolved = TRY(fs::vfs().resolve_in(process.root(), process.cwd().view(), path, true, 0, &caller));
    if (resolved.inode->is_directory()) return Error::from_errno(EACCES);
    if (!resolved.inode->is_regular()) return Error::from_errno(EACCES);
    // Execute permission only, as Linux (the kernel reads the file); root still needs one x bit.
    TRY(fs::check_permission(*resolved.inode, fs::kMayExec, caller));
    OpenedProgram program;
    program.file = TRY(resolved.inode->open(O_RDONLY));
    program.path = static_cast<String&&>(resolved.path);
    TRY(program.head.try_resize(kHeaderBytes));
    std::size_t n = TRY(program.file->pread(program.head.span(), 0));
    TRY(program.head.try_resize(n));
    return program;
}

int segment_protection(const Elf64_Phdr& ph) {
    return ((ph.p_flags & PF_R) ? PROT_READ : 0) | ((ph.p_flags & PF_W) ? PROT_WRITE : 0) |
           ((ph.p_flags & PF_X) ? PROT_EXEC : 0);
}

// A segment whose file offset and address do not agree modulo the page
// size cannot be a file mapping: its bytes are copied in at once.
Result<void> copy_segment(Process& process, OpenedProgram& program, const Elf64_Phdr& ph, std::uint64_t bias) {
    std::uint64_t start = mm::page_round_down(bias + ph.p_vaddr);
    std::uint64_t end = mm::page_round_up(bias + ph.p_vaddr + ph.p_memsz);
    mm::MapRequest copy;
    copy.address = start;
    copy.length = end - start;
    copy.prot = PROT_READ | PROT_WRITE;
    copy.flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    copy.kind = mm::VmaKind::File;
    copy.name = program.path.view();
    copy.populate = true;
    TRY(mm::map(process, copy));
    auto* at = reinterpret_cast<std::uint8_t*>(bias + ph.p_vaddr);
    for (std::uint64_t done = 0; done < ph.p_filesz;) {
        std::size_t n = TRY(program.file->pread({at + done, ph.p_filesz - done}, ph.p_offset + done));
        if (n == 0) return Error::from_errno(ENOEXEC);  // truncated file
        done += n;
    }
    return mm::protect(process, start, end - start, segment_protection(ph));
}

// One PT_LOAD as Linux's ELF loader maps it: the file's pages privately
// (read in as they are touched, lazy_fill.h, so a program pays only for
// the pages it uses), the rest of the last file page zeroed when the
// segment is writable, and anonymous pages for the bss beyond.
Result<void> map_segment(Process& process, OpenedProgram& program, const Elf64_Phdr& ph, std::uint64_t bias) {
    std::uint64_t address = bias + ph.p_vaddr;
    std::uint64_t in_page = address % mm::kPageSize;
    if (ph.p_offset % mm::kPageSize != in_page) return copy_segment(process, program, ph, bias);
    int prot = segment_protection(ph);
    std::uint64_t file_end = address + ph.p_filesz;
    if (ph.p_filesz) {
        mm::MapRequest file;
        file.address = address - in_page;
        file.length = in_page + ph.p_filesz;
        file.prot = prot;
        file.flags = MAP_PRIVATE | MAP_FIXED;
        file.file = program.file;
        file.offset = ph.p_offset - in_page;
        file.kind = mm::VmaKind::File;
        file.name = program.path.view();
        TRY(mm::map(process, file));
        if (ph.p_memsz > ph.p_filesz && (prot & PROT_WRITE) && file_end % mm::kPageSize) {
            // The bss starts inside the last file page: zero its tail
            // (Linux's padzero), which reads that page in first.
            mm::AddressSpace& space = mm::address_space();
            base::ScopedLock guard(space.lock());
            TRY(mm::fill_range(space, process.memory_owner(), mm::page_round_down(file_end), file_end));
            std::memset(reinterpret_cast<void*>(file_end), 0, mm::page_round_up(file_end) - file_end);
        }
    }
    std::uint64_t bss_start = ph.p_filesz ? mm::page_round_up(file_end) : address - in_page;
    std::uint64_t bss_end = mm::page_round_up(address + ph.p_memsz);
    if (bss_start < bss_end) {
        mm::MapRequest bss;
        bss.address = bss_start;
        bss.length = bss_end - bss_start;
        bss.prot = prot;
        bss.flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
        TRY(mm::map(process, bss));
    }
    return {};
}

// Maps every PT_LOAD of `file` at `bias` (ET_DYN) or at its own addresses
// (ET_EXEC), over a reservation of the whole span that leaves the gaps
// between segments inaccessible.
Result<LoadedElf> load_segments(Process& process, OpenedProgram& program, const elf::ElfFile& image,
                                char* why, std::size_t why_size) {
    auto span = image.load_span();
    if (!span) return Error::from_errno(ENOEXEC);
    std::uint64_t size = span->end - span->start;
    std::uint64_t max_align = mm::kPageSize;
    for (const Elf64_Phdr& ph : image.program_headers())
        if (ph.p_type == PT_LOAD && ph.p_align > max_align && ph.p_align <= (1ull << 21) &&
            (ph.p_align & (ph.p_align - 1)) == 0)
            max_align = ph.p_align;
    // A segment past the file's end would fault when touched; refuse the
    // file instead, as a truncated one.
    std::uint64_t file_size = TRY(program.file->stat()).size;
    for (const Elf64_Phdr& ph : image.program_headers())
        if (ph.p_type == PT_LOAD && (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset))
            return Error::from_errno(ENOEXEC);

    LoadedElf loaded;
    mm::MapRequest whole;
    whole.length = size;
    whole.prot = PROT_NONE;
    whole.kind = mm::VmaKind::File;
    whole.name = program.path.view();
    if (image.is_position_independent()) {
        whole.flags = MAP_PRIVATE | MAP_ANONYMOUS;
        whole.alignment = max_align;
        loaded.bias = TRY(mm::map(process, whole)) - span->start;
    } else {
        whole.flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
        whole.address = span->start;
        auto mapped = mm::map(process, whole);
        if (mapped.is_error()) {
            base::format_to(why, why_size,
                            "%s is a fixed-address executable and its addresses 0x%lx-0x%lx are taken",
                            program.path.c_str(), static_cast<unsigned long>(span->start),
                            static_cast<unsigned long>(span->end));
            return Error::from_errno(EAGAIN);
        }
        loaded.bias = 0;
    }

    for (const Elf64_Phdr& ph : image.program_headers())
        if (ph.p_type == PT_LOAD && ph.p_memsz) TRY(map_segment(process, program, ph, loaded.bias));

    const Elf64_Ehdr& header = image.header();
    loaded.entry = loaded.bias + header.e_entry;
    loaded.phnum = header.e_phnum;
    for (const Elf64_Phdr& ph : image.program_headers())
        if (ph.p_type == PT_PHDR) loaded.phdr_address = loaded.bias + ph.p_vaddr;
    if (!loaded.phdr_address) {
        for (const Elf64_Phdr& ph : image.program_headers())
            if (ph.p_type == PT_LOAD && header.e_phoff >= ph.p_offset && header.e_phoff - ph.p_offset < ph.p_filesz)
                loaded.phdr_address = loaded.bias + ph.p_vaddr + (header.e_phoff - ph.p_offset);
    }
    return loaded;
}

Result<elf::ElfFile> parse_elf(const OpenedProgram& program, char* why, std::size_t why_size) {
    elf::ElfFile image;
    elf::ElfError error = elf::ElfFile::parse(program.head.span(), image);
    if (error != elf::ElfError::None) {
        base::format_to(why, why_size, "%s: %s", program.path.c_str(), elf::describe(error));
        return Error::from_errno(ENOEXEC);
    }
    return image;
}

// Splits a "#!interpreter [argument]" line as Linux does: one optional
// argument, the rest of the line included.
Result<bool> rewrite_for_script(OpenedProgram& program, ExecRequest& request) {
    if (program.head.size() < 2 || program.head[0] != '#' || program.head[1] != '!') return false;
    std::string_view line(reinterpret_cast<const char*>(program.head.data()) + 2, program.head.size() - 2);
    std::size_t newline = line.find('\n');
    if (newline == std::string_view::npos) {
        if (line.size() >= 254) return Error::from_errno(ENOEXEC);
    } else {
        line = line.substr(0, newline);
    }
    auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
    while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && (is_blank(line.back()) || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) return Error::from_errno(ENOEXEC);
    std::size_t split = 0;
    while (split < line.size() && !is_blank(line[split])) ++split;
    std::string_view interpreter = line.substr(0, split);
    std::string_view argument = line.substr(split);
    while (!argument.empty() && is_blank(argument.front())) argument.remove_prefix(1);

    Vector<String> argv;
    TRY(argv.try_append(TRY(String::from(interpreter))));
    if (!argument.empty()) TRY(argv.try_append(TRY(String::from(argument))));
    TRY(argv.try_append(TRY(request.path.try_clone())));
    for (std::size_t i = 1; i < request.argv.size(); ++i) TRY(argv.try_append(TRY(request.argv[i].try_clone())));
    request.argv = static_cast<Vector<String>&&>(argv);
    request.path = TRY(String::from(interpreter));
    return true;
}

class StackBuilder {
public:
    StackBuilder(std::uint64_t bottom, std::uint64_t top) : bottom_(bottom), at_(top) {}

    Result<std::uint64_t> push_bytes(const void* data, std::size_t size) {
        if (size > at_ - bottom_) return Error::from_errno(E2BIG);
        at_ -= size;
        std::memcpy(reinterpret_cast<void*>(at_), data, size);
        return at_;
    }
    Result<std::uint64_t> push_string(std::string_view text) {
        TRY(push_bytes("", 1));
        return push_bytes(text.data(), text.size());
    }
    std::uint64_t top() const { return at_; }
    Result<void> reserve_words(std::size_t words) {
        std::uint64_t wanted = words * 8;
        if (wanted + 16 > at_ - bottom_) return Error::from_errno(E2BIG);
        at_ = (at_ - wanted) & ~std::uint64_t{15};
        return {};
    }

private:
    std::uint64_t bottom_;
    std::uint64_t at_;
};

Result<std::uint64_t> build_stack(Process& process, const ExecRequest& request, const LoadedElf& program,
                                  const LoadedElf* interpreter, std::string_view exec_path) {
    const MachineInfo& machine = g_machine;
    mm::MapRequest stack;
    stack.length = machine.default_stack_size;
    stack.prot = PROT_READ | PROT_WRITE;
    stack.flags = MAP_PRIVATE | MAP_ANONYMOUS;
    stack.kind = mm::VmaKind::Stack;
    stack.name = "[stack]";
    std::uint64_t bottom = TRY(mm::map(process, stack));
    StackBuilder builder(bottom, bottom + mm::page_round_up(stack.length));

    std::uint8_t random[16];
    TRY(host::random_bytes({random, sizeof random}));
    std::uint64_t random_at = TRY(builder.push_bytes(random, sizeof random));
    std::uint64_t platform_at = TRY(builder.push_string("x86_64"));
    std::uint64_t execfn_at = TRY(builder.push_string(exec_path));
    Vector<std::uint64_t> argv_at, envp_at;
    for (const String& arg : request.argv) TRY(argv_at.try_append(TRY(builder.push_string(arg.view()))));
    for (const String& env : request.envp) TRY(envp_at.try_append(TRY(builder.push_string(env.view()))));

    struct {
        Credentials::Ids first, second;
    } ids;
    {
        base::ScopedLock guard(process.credentials_lock());
        process.credentials.apply_exec();  // the new program's capability sets
        ids = {process.credentials.uids(), process.credentials.gids()};
    }
    process::forget_locks(process);
    std::uint64_t auxv[][2] = {
        {AT_SYSINFO_EHDR, machine.vdso_base},
        {AT_MINSIGSTKSZ, machine.min_signal_stack},
        {AT_HWCAP, machine.hwcap},
        {AT_PAGESZ, mm::kPageSize},
        {AT_CLKTCK, machine.clock_ticks},
        {AT_PHDR, program.phdr_address},
        {AT_PHENT, sizeof(Elf64_Phdr)},
        {AT_PHNUM, program.phnum},
        {AT_BASE, interpreter ? interpreter->bias : 0},
        {AT_FLAGS, 0},
        {AT_ENTRY, program.entry},
        {AT_UID, ids.first.real},
        {AT_EUID, ids.first.effective},
        {AT_GID, ids.second.real},
        {AT_EGID, ids.second.effective},
        {AT_SECURE, 0},
        {AT_RANDOM, random_at},
        {AT_HWCAP2, machine.hwcap2},
        {AT_EXECFN, execfn_at},
        {AT_PLATFORM, platform_at},
        {AT_NULL, 0},
    };
    constexpr std::size_t kAuxCount = sizeof auxv / sizeof auxv[0];
    std::size_t words = 1 + argv_at.size() + 1 + envp_at.size() + 1 + 2 * kAuxCount;
    TRY(builder.reserve_words(words));
    auto* out = reinterpret_cast<std::uint64_t*>(builder.top());
    std::size_t i = 0;
    out[i++] = argv_at.size();
    for (std::uint64_t p : argv_at) out[i++] = p;
    out[i++] = 0;
    for (std::uint64_t p : envp_at) out[i++] = p;
    out[i++] = 0;
    std::size_t auxv_at = i;
    for (std::size_t a = 0; a < kAuxCount; ++a) {
        if (auxv[a][0] == AT_SYSINFO_EHDR && auxv[a][1] == 0) {
            out[i++] = AT_IGNORE;  // no vDSO from the host
            out[i++] = 0;
            continue;
        }
        out[i++] = auxv[a][0];
        out[i++] = auxv[a][1];
    }
    // Kept for /proc/PID/auxv, as Linux keeps mm->saved_auxv.
    TRY(process.set_auxiliary_vector(std::span<const std::uint64_t>(out + auxv_at, i - auxv_at)));
    return builder.top();
}

// Maps the program (and its interpreter), reserves the break and builds
// the initial stack, for `process` as the owner of its memory.
Result<StartState> load_program(Process& process, const ExecRequest& request, OpenedProgram& program,
                                elf::ElfFile& image, OpenedProgram* interpreter, elf::ElfFile& interp_image,
                                char* why, std::size_t why_size) {
    LoadedElf loaded = TRY(load_segments(process, program, image, why, why_size));
    LoadedElf interpreter_loaded;
    if (interpreter) interpreter_loaded = TRY(load_segments(process, *interpreter, interp_image, why, why_size));
    TRY(mm::reserve_break(process, g_machine.default_heap_size));
    std::uint64_t sp =
        TRY(build_stack(process, request, loaded, interpreter ? &interpreter_loaded : nullptr, request.path.view()));
    TRY(process.set_exe_path(program.path.view()));
    TRY(process.set_command_line(request.argv));
    TRY(process.set_environment(request.envp));
    // The thread takes the program's name, as Linux's exec sets comm.
    std::string_view base_name = program.path.view().substr(program.path.view().rfind('/') + 1);
    process.for_each_thread([&](Thread& thread) { thread.set_name(base_name); });
    return StartState{interpreter ? interpreter_loaded.entry : loaded.entry, sp};
}

}  // namespace

void set_machine_info(const MachineInfo& info) { g_machine = info; }
const MachineInfo& machine_info() { return g_machine; }

Result<StartState> exec(Process& process, ExecRequest request, char* why, std::size_t why_size, bool* committed) {
    OpenedProgram program;
    for (int depth = 0;; ++depth) {
        auto opened = open_program(process, request.path.view());
        if (opened.is_error()) {
            base::format_to(why, why_size, "%s: %s", request.path.c_str(),
                            opened.error().code() == ENOENT ? "no such file in the image"
                            : opened.error().code() == EACCES ? "not an executable file"
                                                              : "cannot open");
            return opened.error();
        }
        program = opened.release_value();
        bool is_script = TRY(rewrite_for_script(program, request));
        if (!is_script) break;
        if (depth == kMaxInterpreterDepth) {
            base::format_to(why, why_size, "%s: too many levels of #! interpreters", program.path.c_str());
            return Error::from_errno(ELOOP);
        }
    }
    elf::ElfFile image = TRY(parse_elf(program, why, why_size));
    // The interpreter is found and checked before the old image goes, so a
    // missing one fails the exec rather than the process.
    OpenedProgram interpreter;
    elf::ElfFile interp_image;
    bool has_interpreter = false;
    if (auto interp_path = image.interpreter()) {
        auto interp = open_program(process, *interp_path);
        if (interp.is_error()) {
            base::format_to(why, why_size, "%s: its interpreter %.*s is not in the image", program.path.c_str(),
                            static_cast<int>(interp_path->size()), interp_path->data());
            return interp.error();
        }
        interpreter = interp.release_value();
        interp_image = TRY(parse_elf(interpreter, why, why_size));
        if (!interp_image.is_position_independent()) return Error::from_errno(ELIBBAD);
        has_interpreter = true;
    }

    if (process.borrows_memory() && !process.fork_snapshot) {
        // A vfork child (posix_spawn, system()) still runs on its parent's
        // memory: the new image is loaded beside it first, so a program
        // that cannot be loaded (no room left, its fixed addresses taken)
        // fails the call while the old program is intact, as Linux's
        // separate address spaces let it fail.
        int parent = process.memory_owner();
        ProgramBreak parent_break = process.program_break();
        process.set_memory_owner(process.pid());
        process.program_break() = {};
        auto started = load_program(process, request, program, image, has_interpreter ? &interpreter : nullptr,
                                    interp_image, why, why_size);
        if (started.is_error()) {
            mm::release_all(process);  // what was loaded of the new image
            process.set_memory_owner(parent);
            process.program_break() = parent_break;
            return started.error();
        }
        if (committed) *committed = true;
        return started;
    }
    // From here on the old image is gone: a failure kills the process (as
    // a failure past Linux's point of no return does).
    if (committed) *committed = true;
    return_parent_memory(process);
    mm::release_all(process);
    // A vfork child leaves its parent's memory for an image of its own.
    process.set_memory_owner(process.pid());
    return load_program(process, request, program, image, has_interpreter ? &interpreter : nullptr, interp_image, why,
                        why_size);
}

}  // namespace cella::process
