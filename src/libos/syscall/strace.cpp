#include "strace.h"

#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/mman.h>

#include "errno_names.h"
#include "libos/base/format.h"
#include "libos/entry/asm_symbols.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/runtime/log.h"
#include "syscall_names.h"

namespace cella::syscall {
namespace {

using base::FormatBuilder;

constexpr std::size_t kShownBytes = 32;

bool never_returns(long nr) { return nr == __NR_exit || nr == __NR_exit_group; }

void append_quoted(FormatBuilder& out, const char* data, std::size_t length, bool truncated) {
    out.append("\"");
    for (std::size_t i = 0; i < length; ++i) {
        unsigned char c = static_cast<unsigned char>(data[i]);
        switch (c) {
        case '\n': out.append("\\n"); break;
        case '\t': out.append("\\t"); break;
        case '\r': out.append("\\r"); break;
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        default:
            if (c >= 32 && c < 127)
                out.append("%c", c);
            else
                out.append("\\%o", c);
        }
    }
    out.append(truncated ? "\"..." : "\"");
}

void append_user_bytes(FormatBuilder& out, std::uint64_t address, std::uint64_t length) {
    char bytes[kShownBytes];
    std::size_t shown = length < kShownBytes ? length : kShownBytes;
    if (mm::copy_from_user(bytes, address, shown).is_error()) {
        out.append("0x%lx", static_cast<unsigned long>(address));
        return;
    }
    append_quoted(out, bytes, shown, shown < length);
}

void append_string(FormatBuilder& out, std::uint64_t address) {
    if (!address) {
        out.append("NULL");
        return;
    }
    auto text = mm::copy_string_from_user(address, 4096);
    if (text.is_error()) {
        out.append("0x%lx", static_cast<unsigned long>(address));
        return;
    }
    std::size_t length = text.value().size();
    append_quoted(out, text.value().c_str(), length < 256 ? length : 256, length > 256);
}

struct FlagName {
    unsigned long bit;
    const char* name;
};

void append_flags(FormatBuilder& out, unsigned long value, const FlagName* names, std::size_t count,
                  const char* zero) {
    bool first = true;
    for (std::size_t i = 0; i < count; ++i) {
        if ((value & names[i].bit) == names[i].bit && names[i].bit) {
            out.append("%s%s", first ? "" : "|", names[i].name);
            value &= ~names[i].bit;
            first = false;
        }
    }
    if (value)
        out.append("%s0x%lx", first ? "" : "|", value);
    else if (first)
        out.append("%s", zero);
}

void append_open_flags(FormatBuilder& out, unsigned long flags) {
    static const char* const kAccess[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
    static const FlagName kFlags[] = {{O_CREAT, "O_CREAT"},       {O_EXCL, "O_EXCL"},
                                      {O_NOCTTY, "O_NOCTTY"},     {O_TRUNC, "O_TRUNC"},
                                      {O_APPEND, "O_APPEND"},     {O_NONBLOCK, "O_NONBLOCK"},
                                      {O_DSYNC, "O_DSYNC"},       {O_DIRECT, "O_DIRECT"},
                                      {O_LARGEFILE, "O_LARGEFILE"}, {O_DIRECTORY, "O_DIRECTORY"},
                                      {O_NOFOLLOW, "O_NOFOLLOW"}, {O_NOATIME, "O_NOATIME"},
                                      {O_CLOEXEC, "O_CLOEXEC"},   {O_PATH, "O_PATH"}};
    out.append("%s", kAccess[flags & 3]);
    flags &= ~3ul;
    if (flags) {
        out.append("|");
        append_flags(out, flags, kFlags, sizeof kFlags / sizeof kFlags[0], "0");
    }
}

void append_argument(FormatBuilder& out, char kind, const SyscallArgs& args, int i, long result) {
    std::uint64_t value = args.arg[i];
    switch (kind) {
    case 'd': out.append("%d", static_cast<int>(value)); break;
    case 'D':
        if (static_cast<int>(value) == AT_FDCWD) out.append("AT_FDCWD");
        else out.append("%d", static_cast<int>(value));
        break;
    case 'l': out.append("%ld", static_cast<long>(value)); break;
    case 'u': out.append("%lu", static_cast<unsigned long>(value)); break;
    case 'x': out.append("0x%lx", static_cast<unsigned long>(value)); break;
    case 'o': out.append("0%lo", static_cast<unsigned long>(value)); break;
    case 'p':
        if (value) out.append("0x%lx", static_cast<unsigned long>(value));
        else out.append("NULL");
        break;
    case 's': append_string(out, value); break;
    case 'b': append_user_bytes(out, value, args.arg[i + 1]); break;
    case 'B':
        if (result >= 0) append_user_bytes(out, value, static_cast<std::uint64_t>(result));
        else out.append("0x%lx", static_cast<unsigned long>(value));
        break;
    case 'O': append_open_flags(out, value); break;
    case 'P': {
        static const FlagName kProt[] = {{PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"}, {PROT_EXEC, "PROT_EXEC"}};
        append_flags(out, value, kProt, 3, "PROT_NONE");
        break;
    }
    case 'M': {
        static const FlagName kMap[] = {{MAP_SHARED, "MAP_SHARED"},       {MAP_PRIVATE, "MAP_PRIVATE"},
                                        {MAP_FIXED, "MAP_FIXED"},         {MAP_ANONYMOUS, "MAP_ANONYMOUS"},
                                        {MAP_NORESERVE, "MAP_NORESERVE"}, {MAP_STACK, "MAP_STACK"},
                                        {MAP_DENYWRITE, "MAP_DENYWRITE"}, {MAP_POPULATE, "MAP_POPULATE"},
                                        {MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"}};
        append_flags(out, value, kMap, sizeof kMap / sizeof kMap[0], "0");
        break;
    }
    default: out.append("0x%lx", static_cast<unsigned long>(value)); break;
    }
}

void emit(const SyscallArgs& args, const char* kinds, bool finished, long result) {
    char line[1024];
    FormatBuilder out(line, sizeof line);
    const char* name = syscall_name(args.nr);
    out.append("[pid %d] ", process::current_pid());
    if (name) out.append("%s(", name);
    else out.append("syscall_%ld(", args.nr);
    if (kinds) {
        for (int i = 0; kinds[i] && i < 6; ++i) {
            if (i) out.append(", ");
            append_argument(out, kinds[i], args, i, result);
        }
    } else {
        for (int i = 0; i < 6; ++i) out.append(i ? ", 0x%lx" : "0x%lx", static_cast<unsigned long>(args.arg[i]));
    }
    if (!finished) {
        out.append(") = ?");
    } else if (result < 0 && result > -4096) {
        const char* errno_text = errno_name(static_cast<int>(-result));
        out.append(") = -1 %s", errno_text ? errno_text : "E?");
        if (result == -38 && !kinds) out.append(" (not supported by cella)");
    } else if (args.nr == __NR_mmap || args.nr == __NR_brk) {
        out.append(") = 0x%lx", static_cast<unsigned long>(result));
    } else {
        out.append(") = %ld", result);
    }
    log::raw("%s", out.view().data());
}

}  // namespace

void strace_before(const SyscallArgs& args, const char* kinds) {
    if (never_returns(args.nr)) emit(args, kinds, false, 0);
}

void strace_after(const SyscallArgs& args, const char* kinds, long result) {
    if (!never_returns(args.nr)) emit(args, kinds, true, result);
}

}  // namespace cella::syscall
