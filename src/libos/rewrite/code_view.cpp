#include "code_view.h"

#include <cstring>

#include "libos/entry/asm_symbols.h"
#include "libos/host/host.h"
#include "libos/process/process_table.h"

namespace cella::rewrite {

// x86's cross-modifying code rule. With no other application thread in
// the enclave no other core can be running the code, and this core sees
// its own write (self-modifying code is detected by physical address)
// once the trap returns through a serializing IRET: the membarrier IPIs
// are then skipped, which a short-lived program would pay at every
// rewritten site.
bool sync_other_cores() {
    if (process::process_table().thread_count() <= 1) return true;
    return !host::sync_cores().is_error();
}

std::uint8_t* CodeView::staged(std::uint64_t address, std::size_t n) const {
    if (address < start_ || address > end_ || n > end_ - address) return nullptr;
    return reinterpret_cast<std::uint8_t*>(staged_at_ + (address - start_));
}

bool CodeView::read(std::uint64_t address, std::span<std::uint8_t> out) const {
    if (!is_staged()) return cella_user_copy(out.data(), reinterpret_cast<const void*>(address), out.size()) == 0;
    std::uint8_t* at = staged(address, out.size());
    if (!at) return false;
    std::memcpy(out.data(), at, out.size());
    return true;
}

bool CodeView::write_dead(std::uint64_t address, std::span<const std::uint8_t> bytes) const {
    if (!is_staged()) return !host::write_code(address, bytes).is_error() && sync_other_cores();
    std::uint8_t* at = staged(address, bytes.size());
    if (!at) return false;
    std::memcpy(at, bytes.data(), bytes.size());
    return true;
}

}  // namespace cella::rewrite
