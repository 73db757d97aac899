#pragma once
// Which syscall sites can be rewritten, and how: pure logic over code
// bytes, unit-tested on Debian's own libc and ld.so.
//
// A site is the 2-byte `syscall` instruction. It stays where it is, so a
// branch that lands on it still works (it traps, as before). The
// instruction just before it must be at least 5 bytes long, must not
// depend on where it runs (no rip-relative operand, no change of control
// flow), and must be proven to be one instruction: the function is
// decoded forward from its start (its unwind-table entry), and the site
// is taken only if the decode lands exactly on both. That instruction's
// first 5 bytes become `jmp trampoline`; the trampoline runs the moved
// instruction and enters the LibOS.
//
// A shorter instruction (glibc's read has `xor %eax,%eax` before its
// syscall) of at least 2 bytes becomes `jmp rel8` to an island: 5 dead
// bytes of the same function within reach (alignment padding after a
// ret or jmp that no branch of the function targets, in a function with
// no indirect jump), which become `jmp trampoline`. Nothing runs dead
// bytes, so writing them is safe; the 2-byte jump is written like the
// 5-byte one.
#include <cstddef>
#include <cstdint>
#include <span>

namespace cella::rewrite {

inline constexpr std::size_t kJumpLength = 5;

inline constexpr std::size_t kShortJumpLength = 2;
inline constexpr std::size_t kNoIsland = ~std::size_t{0};

struct SitePlan {
    std::size_t prefix_offset = 0;   // where the moved instruction starts
    std::uint8_t prefix_length = 0;  // its length
    // Where the 5-byte jump goes when the moved instruction is shorter
    // than that (it then becomes a 2-byte jump to here).
    std::size_t island_offset = kNoIsland;
};

// `code` is a function's bytes from its first instruction (the whole
// function, or at least up to site_offset + 2: islands are looked for only
// in what is given, and only when it is the whole function).
// `used_islands` lists island offsets other sites took already.
bool plan_site(std::span<const std::uint8_t> code, std::size_t site_offset, SitePlan& out,
               bool whole_function = false, std::span<const std::size_t> used_islands = {});

// The trampoline for a site: the moved instruction, then %rcx = the
// address after the `syscall` (as `syscall` leaves it), then a jump to
// the LibOS entry through %gs:entry_offset. Returns its length.
inline constexpr std::size_t kTrampolineSize = 32;
std::size_t build_trampoline(std::span<const std::uint8_t> prefix, std::uint64_t trampoline_address,
                             std::uint64_t return_address, std::uint32_t entry_offset,
                             std::span<std::uint8_t, kTrampolineSize> out);

// The 2 bytes of `jmp rel8` from `from` to `to`; false if out of reach.
bool build_short_jump(std::uint64_t from, std::uint64_t to, std::span<std::uint8_t, kShortJumpLength> out);
// The 5 bytes of `jmp rel32` from `from` to `to`; false if out of reach.
bool build_jump(std::uint64_t from, std::uint64_t to, std::span<std::uint8_t, kJumpLength> out);
bool within_jump_reach(std::uint64_t from, std::uint64_t to);

}  // namespace cella::rewrite
