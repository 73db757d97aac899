#pragma once
// Where the code a rewrite reads and writes is. Live: in place, where
// other threads may be running it, so a jump goes in behind a breakpoint
// and every write is followed by a cross-modifying-code sync. Staged: a
// lazy fill's bytes in its scratch area before they are mapped, which no
// thread can run yet: plain writes, no host call and no sync, which is
// what makes re-applying a file's record at each new mapping cheap.
#include <cstddef>
#include <cstdint>
#include <span>

namespace cella::rewrite {

class CodeView {
public:
    static CodeView live() { return CodeView(); }
    // The bytes of [start, end) are at `staged_at` for now; the view
    // reaches nothing outside that range.
    static CodeView staged(std::uint64_t start, std::uint64_t end, std::uint64_t staged_at) {
        return CodeView(start, end, staged_at);
    }

    bool is_staged() const { return staged_at_ != 0; }
    // Whether the view holds all of [address, address + n) staged.
    bool holds(std::uint64_t address, std::size_t n) const { return is_staged() && staged(address, n); }
    bool read(std::uint64_t address, std::span<std::uint8_t> out) const;
    // Bytes no thread can be running: any bytes of a staged view; in a
    // live one an island in dead padding, or an instruction put back
    // before anything jumps to it. (A live jump over an instruction a
    // thread may be running takes the breakpoint protocol instead.)
    bool write_dead(std::uint64_t address, std::span<const std::uint8_t> bytes) const;

private:
    CodeView() = default;
    CodeView(std::uint64_t start, std::uint64_t end, std::uint64_t staged_at)
        : start_(start), end_(end), staged_at_(staged_at) {}
    // The staged copy of [address, address + n), or nullptr when the view
    // does not hold it all.
    std::uint8_t* staged(std::uint64_t address, std::size_t n) const;

    std::uint64_t start_ = 0, end_ = 0, staged_at_ = 0;
};

// Makes other cores see code just written before they run it.
bool sync_other_cores();

}  // namespace cella::rewrite
