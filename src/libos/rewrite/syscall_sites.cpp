#include "syscall_sites.h"

#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#include "code_view.h"
#include "function_bounds.h"
#include "libos/base/global.h"
#include "libos/base/hash_map.h"
#include "libos/base/lock.h"
#include "libos/base/vector.h"
#include "libos/entry/asm_symbols.h"
#include "libos/entry/cpu.h"
#include "libos/entry/fast_syscall.h"
#include "libos/host/host.h"
#include "libos/mm/address_space.h"
#include "libos/mm/lazy_fill.h"
#include "libos/process/process_table.h"
#include "libos/runtime/log.h"
#include "site_analysis.h"
#include "trampolines.h"

namespace cella::rewrite {
namespace {

// Decoding a function longer than this up to its site is not worth it.
constexpr std::uint64_t kMaxDecode = 64 * 1024;
constexpr std::uint8_t kBreakpoint = 0xcc;

// A file as the rewriter knows it: its device and inode number, the same
// for every open file and inode object of it (imagefs makes a new inode
// object at each lookup). 0/0 for a file without a number.
struct FileKey {
    std::uint64_t dev = 0, ino = 0;
    bool operator==(const FileKey&) const = default;
    bool known() const { return dev || ino; }
};

FileKey key_of(fs::OpenFile& file) {
    auto stat = file.stat();
    if (stat.is_error()) return {};
    return {stat.value().dev, stat.value().ino};
}

struct SiteRecord {
    // What was at the address when it was looked at: a site of another
    // file mapped there later is looked at anew.
    FileKey file_identity;
    std::uint64_t file_offset;
    std::uint64_t jump_at;     // the jump's address
    std::uint64_t island_at;   // the 5-byte jump a 2-byte one leads to, or 0
    std::uint64_t trampoline;  // 0 when refused
};

// The sites of one file found rewritable, by their place in it, so that
// another mapping of the file (another process running the same library)
// gets them all at its first trap instead of trapping at each.
struct FileSites {
    FileKey identity;
    base::Vector<std::uint64_t> wheres;
};

struct Rewriter {
    bool enabled = false;
    base::Mutex lock;
    base::HashMap<std::uint64_t, SiteRecord> sites;
    base::Vector<FileSites> files;
    // The jump being written, for a thread that meets its breakpoint.
    std::uint64_t patching = 0;
    std::uint64_t traps = 0, rewritten = 0, refused = 0, ahead = 0;
};
base::Global<Rewriter> g_rewriter_storage;

// File bytes through the LibOS's open file of the mapping.
class MappedFileBytes final : public FileBytes {
public:
    explicit MappedFileBytes(fs::OpenFile& file) : file_(file) {}
    bool read(std::uint64_t offset, std::span<std::uint8_t> out) override {
        while (!out.empty()) {
            auto n = file_.pread(out, offset);
            if (n.is_error() || n.value() == 0) return false;
            offset += n.value();
            out = out.subspan(n.value());
        }
        return true;
    }

private:
    fs::OpenFile& file_;
};

struct SiteSource {
    base::RefPtr<fs::OpenFile> file;
    std::uint64_t where = 0;  // the site's offset in the file
    std::uint64_t mapping_start = 0;
};

// The file mapping the site's code comes from: private, executable,
// never writable, filled with file bytes around the site (or staged in
// `view`). Caller holds the address space's lock.
bool find_source(mm::AddressSpace& space, const CodeView& view, std::uint64_t site, SiteSource& out) {
    mm::Vma* vma = space.find(site);
    if (!vma || vma->kind != mm::VmaKind::File || vma->is_shared() || !(vma->prot & PROT_EXEC) ||
        (vma->prot & PROT_WRITE) || site + 2 > vma->end || !vma->file || vma->ever_writable)
        return false;
    std::uint64_t first = mm::page_round_down(site >= 16 ? site - 16 : 0);
    if (first < vma->start) first = vma->start;
    for (std::uint64_t page = first; page < site + 2; page += mm::kPageSize)
        if (vma->is_unfilled(page) && !view.holds(page, mm::kPageSize)) return false;
    out = SiteSource{vma->file, vma->offset_of(site), vma->start};
    return true;
}

// Writes a jump over a live instruction without any thread seeing a torn
// one: a breakpoint first (a thread that meets it waits at the site's
// start, breakpoint_resume), then the tail, then the head.
bool write_jump(const CodeView& view, std::uint64_t at, std::span<const std::uint8_t> jump) {
    if (view.is_staged()) return view.write_dead(at, jump);
    __atomic_store_n(&g_rewriter_storage->patching, at, __ATOMIC_RELEASE);
    const std::uint8_t breakpoint = kBreakpoint;
    bool ok = host::write_code(at, {&breakpoint, 1}).is_error() == false && sync_other_cores() &&
              host::write_code(at + 1, jump.subspan(1)).is_error() == false && sync_other_cores() &&
              host::write_code(at, jump.first(1)).is_error() == false && sync_other_cores();
    __atomic_store_n(&g_rewriter_storage->patching, 0, __ATOMIC_RELEASE);
    return ok;
}

// Islands other sites of the function [start, end) took, as offsets in it.
void used_islands(std::uint64_t start, std::uint64_t end, base::Vector<std::size_t>& out) {
    g_rewriter_storage->sites.for_each([&](const std::uint64_t&, SiteRecord& record) {
        if (record.island_at >= start && record.island_at < end) (void)out.try_append(record.island_at - start);
    });
}

// Tries to rewrite the site; the trampoline address, or 0.
// `reuse` is the trampoline this address had when the same code was
// mapped here before (0: take a new one).
std::uint64_t rewrite_site(const CodeView& view, std::uint64_t site, const SiteSource& source, std::uint64_t& jump_at,
                           std::uint64_t& island_at, std::uint64_t reuse) {
    MappedFileBytes bytes(*source.file);
    FunctionBounds function;
    if (!find_function(bytes, source.where, function)) return 0;
    std::uint64_t site_in_function = source.where - function.file_offset;
    std::uint64_t function_length = function.end - function.start;
    if (site_in_function + 2 > kMaxDecode || site_in_function + 2 > function_length) return 0;
    bool whole = function_length <= kMaxDecode && !function.has_landing_pads;
    base::Vector<std::uint8_t> code;
    if (code.try_resize(whole ? function_length : site_in_function + 2).is_error()) return 0;
    if (!bytes.read(function.file_offset, std::span<std::uint8_t>(code.data(), code.size()))) return 0;
    std::uint64_t function_address = site - site_in_function;
    base::Vector<std::size_t> taken;
    used_islands(function_address, function_address + function_length, taken);
    SitePlan plan;
    if (!plan_site(std::span<const std::uint8_t>(code.data(), code.size()), site_in_function, plan, whole,
                   std::span<const std::size_t>(taken.data(), taken.size())))
        return 0;

    jump_at = site - (site_in_function - plan.prefix_offset);
    if (jump_at < source.mapping_start) return 0;
    bool short_prefix = plan.island_offset != kNoIsland;
    island_at = short_prefix ? function_address + plan.island_offset : 0;
    if (short_prefix) {
        // The island's bytes must be what the file has (dead, and unused).
        std::uint8_t island_bytes[kJumpLength];
        if (island_at < source.mapping_start || !view.read(island_at, island_bytes)) return 0;
        for (std::size_t i = 0; i < kJumpLength; ++i)
            if (island_bytes[i] != code[plan.island_offset + i]) return 0;
    }
    // The memory must still hold what the file does.
    std::uint8_t live[16];
    std::size_t span_length = plan.prefix_length + 2;
    if (span_length > sizeof live || !view.read(jump_at, {live, span_length})) return 0;
    for (std::size_t i = 0; i < span_length; ++i)
        if (live[i] != code[plan.prefix_offset + i]) return 0;

    auto trampoline = reuse ? base::Result<std::uint64_t>(reuse) : allocate_trampoline(jump_at);
    if (trampoline.is_error()) return 0;
    std::uint8_t slot[kTrampolineSize];
    std::span<const std::uint8_t> prefix(live, plan.prefix_length);
    if (!build_trampoline(prefix, trampoline.value(), site + 2, entry::kFastEntryOffset, slot)) return 0;
    std::uint8_t jump[kJumpLength];
    if (!build_jump(short_prefix ? island_at : jump_at, trampoline.value(), jump)) return 0;
    std::uint8_t short_jump[kShortJumpLength];
    if (short_prefix && !build_short_jump(jump_at, island_at, short_jump)) return 0;
    // A slot is never freed or given to another site: one this address had
    // before holds the same bytes unless the plan changed.
    if ((!reuse || std::memcmp(reinterpret_cast<const void*>(reuse), slot, sizeof slot) != 0) &&
        host::write_code(trampoline.value(), slot).is_error())
        return 0;
    std::span<const std::uint8_t> head = short_prefix ? std::span<const std::uint8_t>(short_jump)
                                                      : std::span<const std::uint8_t>(jump);
    // Dead bytes take their jump in one write: nothing runs them yet.
    if (short_prefix && !view.write_dead(island_at, jump)) return 0;
    if (!write_jump(view, jump_at, head)) {
        // Put the instruction back as it was; nothing jumps anywhere yet.
        (void)view.write_dead(jump_at, prefix.first(head.size()));
        return 0;
    }
    return trampoline.value();
}

void on_code_filled(mm::AddressSpace& space, const mm::Vma& vma, std::uint64_t start, std::uint64_t end,
                    std::uint64_t staged_at);

}  // namespace

void init(bool enabled) {
    g_rewriter_storage.construct();
    if (!enabled) return;
    if (auto ready = host::code_patching_init(); ready.is_error()) {
        log::debug("syscall rewriting is off: the host cannot patch code (errno %d)", ready.error().code());
        return;
    }
    g_rewriter_storage->enabled = true;
    mm::set_code_fill_hook(on_code_filled);
}

bool enabled() { return g_rewriter_storage->enabled; }

namespace {

FileKey identity_of(const SiteSource& source) { return key_of(*source.file); }

enum class Outcome { Known, Rewritten, Refused };

// Both locks held. Looks at one site of `source`'s file: rewrites it
// unless it was looked at already with the same code there.
// Through a staged view, a site whose rewrite reaches past it is left to
// the live pass that follows the fill, unrecorded.
Outcome handle_site(const CodeView& view, std::uint64_t site, const SiteSource& source) {
    FileKey identity = identity_of(source);
    std::uint64_t reuse = 0;
    if (SiteRecord* known = g_rewriter_storage->sites.find(site);
        known && known->file_identity == identity && known->file_offset == source.where) {
        // The same code at the same place: refused again, or rewritten
        // already, unless it was mapped here anew (a new process loading
        // the same library where the last one had it).
        if (!known->trampoline) return Outcome::Known;
        std::uint8_t head = 0;
        if (!view.read(known->jump_at, {&head, 1})) return Outcome::Known;
        if (head == 0xe9 || head == 0xeb) return Outcome::Known;
        reuse = known->trampoline;
    }
    std::uint64_t jump_at = 0, island_at = 0;
    std::uint64_t trampoline = rewrite_site(view, site, source, jump_at, island_at, reuse);
    if (!trampoline && view.is_staged()) return Outcome::Refused;
    if (trampoline)
        ++g_rewriter_storage->rewritten;
    else
        ++g_rewriter_storage->refused;
    (void)g_rewriter_storage->sites.try_set(site, SiteRecord{identity, source.where, jump_at, trampoline ? island_at : 0, trampoline});
    return trampoline ? Outcome::Rewritten : Outcome::Refused;
}

FileSites* file_sites(FileKey identity, bool make) {
    if (!identity.known()) return nullptr;
    for (FileSites& file : g_rewriter_storage->files)
        if (file.identity == identity) return &file;
    if (!make) return nullptr;
    if (g_rewriter_storage->files.try_append(FileSites{identity, {}}).is_error()) return nullptr;
    return &g_rewriter_storage->files.last();
}

// Both locks held. Rewrites the sites of `file`'s record whose place in
// the file lies in [first, last), in the mapping that starts at
// `mapping_start` and puts place `where` at address where + bias, wherever
// their code is in memory already.
void rewrite_recorded(mm::AddressSpace& space, const CodeView& view, const FileSites& file, std::uint64_t bias,
                      std::uint64_t first, std::uint64_t last, std::uint64_t mapping_start) {
    for (std::size_t i = 0; i < file.wheres.size(); ++i) {
        std::uint64_t where = file.wheres[i];
        if (where < first || where + 2 > last) continue;
        std::uint64_t site = where + bias;
        SiteSource source;
        if (!find_source(space, view, site, source) || identity_of(source) != file.identity ||
            source.where != where || source.mapping_start != mapping_start)
            continue;
        if (handle_site(view, site, source) == Outcome::Rewritten) ++g_rewriter_storage->ahead;
    }
}

// Address space lock held (mm's fill hook): code of `vma`'s file for
// [start, end) was just read, into `staged_at` where nothing runs it yet
// or (staged_at 0) into place; its known sites there are rewritten
// before any of them runs.
void on_code_filled(mm::AddressSpace& space, const mm::Vma& vma, std::uint64_t start, std::uint64_t end,
                    std::uint64_t staged_at) {
    if (!g_rewriter_storage->enabled || !entry::fast_entry_ready() || !vma.file) return;
    base::ScopedLock guard(g_rewriter_storage->lock);
    if (g_rewriter_storage->files.is_empty()) return;
    FileSites* file = file_sites(key_of(*vma.file), false);
    if (!file) return;
    std::uint64_t first = vma.offset_of(start);
    CodeView view = staged_at ? CodeView::staged(start, end, staged_at) : CodeView::live();
    rewrite_recorded(space, view, *file, start - first, first, vma.offset_of(end), vma.start);
}

}  // namespace

void on_trap(std::uint64_t site) {
    if (!g_rewriter_storage.is_constructed()) return;
    __atomic_fetch_add(&g_rewriter_storage->traps, 1, __ATOMIC_RELAXED);
    if (!g_rewriter_storage->enabled || !entry::fast_entry_ready()) return;
    // The address space stays locked throughout, so the mapping cannot
    // change under the patch (the lock order is address space, then rewriter).
    mm::AddressSpace& space = mm::address_space();
    base::ScopedLock space_guard(space.lock());
    base::ScopedLock guard(g_rewriter_storage->lock);
    CodeView view = CodeView::live();
    SiteSource source;
    if (!find_source(space, view, site, source)) return;
    if (handle_site(view, site, source) != Outcome::Rewritten) return;
    // A site met for the first time in this file joins its record; the
    // mapping then gets every site the record holds that is in memory.
    FileSites* file = file_sites(identity_of(source), true);
    if (!file) return;
    bool listed = false;
    for (std::uint64_t where : file->wheres) listed |= where == source.where;
    if (!listed) (void)file->wheres.try_append(source.where);
    rewrite_recorded(space, view, *file, site - source.where, 0, ~std::uint64_t{0}, source.mapping_start);
}

std::uint64_t breakpoint_resume(std::uint64_t rip) {
    if (!g_rewriter_storage.is_constructed()) return 0;
    std::uint64_t at = rip - 1;
    if (__atomic_load_n(&g_rewriter_storage->patching, __ATOMIC_ACQUIRE) == at) return at;
    // The patch may have finished between the breakpoint and now.
    if (!g_rewriter_storage->enabled) return 0;
    base::ScopedLock guard(g_rewriter_storage->lock);
    std::uint64_t found = 0;
    g_rewriter_storage->sites.for_each([&](const std::uint64_t&, SiteRecord& record) {
        if (record.trampoline && record.jump_at == at) found = at;
    });
    return found;
}

Stats stats() {
    if (!g_rewriter_storage.is_constructed()) return Stats{0, 0, 0, 0};
    return Stats{__atomic_load_n(&g_rewriter_storage->traps, __ATOMIC_RELAXED), g_rewriter_storage->rewritten,
                 g_rewriter_storage->refused, g_rewriter_storage->ahead};
}

void log_stats() {
    if (!g_rewriter_storage.is_constructed()) return;
    Stats s = stats();
    log::debug("syscall rewriting %s: %lu sites rewritten (%lu of them ahead of their first trap, from their "
               "file's record), %lu not rewritable, %lu syscalls trapped",
               g_rewriter_storage->enabled ? "on" : "off", static_cast<unsigned long>(s.rewritten),
               static_cast<unsigned long>(s.ahead), static_cast<unsigned long>(s.refused),
               static_cast<unsigned long>(s.traps));
}

}  // namespace cella::rewrite
