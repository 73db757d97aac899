#include "process_records.h"

#include <asm-generic/errno.h>
#include <linux/resource.h>

#include "libos/mm/memory_ops.h"
#include "libos/process/current.h"
#include "libos/process/system_stats.h"
#include "process_info.h"

namespace cella::fs::procfs {
namespace {

using base::Error;

constexpr int kOomScoreAdjMin = -1000, kOomScoreAdjMax = 1000;

// Linux's names and units for each RLIMIT_*, in order (fs/proc/base.c).
struct LimitName {
    const char* name;
    const char* unit;  // nullptr: none
};
constexpr LimitName kLimitNames[process::ResourceLimits::kCount] = {
    {"Max cpu time", "seconds"},        {"Max file size", "bytes"},
    {"Max data size", "bytes"},         {"Max stack size", "bytes"},
    {"Max core file size", "bytes"},    {"Max resident set", "bytes"},
    {"Max processes", "processes"},     {"Max open files", "files"},
    {"Max locked memory", "bytes"},     {"Max address space", "bytes"},
    {"Max file locks", "locks"},        {"Max pending signals", "signals"},
    {"Max msgqueue size", "bytes"},     {"Max nice priority", nullptr},
    {"Max realtime priority", nullptr}, {"Max realtime timeout", "us"},
};

Result<void> append_limit_value(TextBuilder& out, std::uint64_t value) {
    if (value == process::ResourceLimits::kInfinity) return out.appendf("%-20s ", "unlimited");
    return out.appendf("%-20lu ", value);
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// kstrtoint(strstrip(text), 0, ...): optional sign, then decimal, 0x hex or 0 octal.
Result<int> parse_int(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    int base = 10;
    if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    } else if (text.size() > 1 && text[0] == '0') {
        base = 8;
        text.remove_prefix(1);
    }
    if (text.empty()) return Error::from_errno(EINVAL);
    std::int64_t value = 0;
    for (char c : text) {
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
        if (digit >= base) return Error::from_errno(EINVAL);
        value = value * base + digit;
        if (value > 0x80000000LL) return Error::from_errno(ERANGE);
    }
    if (negative) value = -value;
    if (value > 0x7fffffffLL || value < -0x80000000LL) return Error::from_errno(ERANGE);
    return static_cast<int>(value);
}

}  // namespace

// The auxiliary vector exec put on the stack: native-endian (type, value) pairs up to AT_NULL.
Result<void> generate_auxv(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    const base::Vector<std::uint64_t>& words = process->auxiliary_vector();
    return out.append(std::string_view(reinterpret_cast<const char*>(words.data()), words.size() * sizeof(std::uint64_t)));
}

Result<void> generate_limits(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    TRY(out.appendf("%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units"));
    for (int resource = 0; resource < process::ResourceLimits::kCount; ++resource) {
        process::Rlimit limit = TRY(process->limits.get(resource));
        TRY(out.appendf("%-25s ", kLimitNames[resource].name));
        TRY(append_limit_value(out, limit.current));
        TRY(append_limit_value(out, limit.maximum));
        if (kLimitNames[resource].unit) TRY(out.appendf("%-10s", kLimitNames[resource].unit));
        TRY(out.append('\n'));
    }
    return {};
}

// Calls and bytes of the read and write families; storage I/O is not
// told apart from them (read_bytes and write_bytes stay 0).
Result<void> generate_io(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    const process::IoCounters& io = process->io;
    return out.appendf("rchar: %lu\nwchar: %lu\nsyscr: %lu\nsyscw: %lu\nread_bytes: 0\nwrite_bytes: 0\n"
                       "cancelled_write_bytes: 0\n",
                       __atomic_load_n(&io.read_bytes, __ATOMIC_RELAXED),
                       __atomic_load_n(&io.write_bytes, __ATOMIC_RELAXED),
                       __atomic_load_n(&io.read_calls, __ATOMIC_RELAXED),
                       __atomic_load_n(&io.write_calls, __ATOMIC_RELAXED));
}

Result<void> generate_oom_score_adj(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    return out.appendf("%d\n", __atomic_load_n(&process->oom_score_adj, __ATOMIC_RELAXED));
}

Result<void> write_oom_score_adj(const Subject& subject, std::string_view text) {
    auto process = TRY(find_live_process(subject.pid));
    // Linux reads at most PROC_NUMBUF - 1 bytes of one write.
    if (text.size() > 12) text = text.substr(0, 12);
    int value = TRY(parse_int(text));
    if (value < kOomScoreAdjMin || value > kOomScoreAdjMax) return Error::from_errno(EINVAL);
    // As Linux's __set_oom_adj: below the floor only with CAP_SYS_RESOURCE,
    // and a writer with it sets the floor.
    constexpr int kCapSysResource = 24;
    process::Process& writer = process::current_process();
    bool capable;
    {
        base::ScopedLock guard(writer.credentials_lock());
        capable = writer.credentials.has_capability(kCapSysResource);
    }
    base::ScopedLock guard(process->signal_lock());
    if (value < process->oom_score_adj_min && !capable) return Error::from_errno(EACCES);
    process->oom_score_adj = value;
    if (capable) process->oom_score_adj_min = value;
    return {};
}

// Linux's badness: the share of memory the process has resident, in
// thousandths, plus the adjustment, within 0..1000 (-1000 is never
// chosen). The LibOS never kills for want of memory; programs read it.
Result<void> generate_oom_score(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    int adj = __atomic_load_n(&process->oom_score_adj, __ATOMIC_RELAXED);
    if (adj == kOomScoreAdjMin) return out.append("0\n");
    std::uint64_t total = process::memory_usage().total;
    std::uint64_t resident = mm::resident_bytes(subject.pid).value_or(0);
    std::int64_t score = total ? static_cast<std::int64_t>(resident / (total / 1000 ? total / 1000 : 1)) : 0;
    score += adj;
    if (score < 0) score = 0;
    if (score > 1000) score = 1000;
    return out.appendf("%ld\n", score);
}

Result<void> generate_personality(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    return out.appendf("%08x\n", process->personality);
}

// No audit subsystem: the login uid is unset ((uid_t)-1), without a newline as Linux prints it.
Result<void> generate_loginuid(const Subject& subject, TextBuilder& out) {
    TRY(find_live_process(subject.pid));
    return out.append("4294967295");
}

// One cgroup v2 hierarchy, with every process at its root.
Result<void> generate_cgroup(const Subject& subject, TextBuilder& out) {
    TRY(find_live_process(subject.pid));
    return out.append("0::/\n");
}

// Linux shows no wait channel to anyone since 5.16 (only "0").
Result<void> generate_wchan(const Subject& subject, TextBuilder& out) {
    TRY(find_live_process(subject.pid));
    return out.append("0");
}

}  // namespace cella::fs::procfs
