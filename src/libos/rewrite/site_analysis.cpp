#include "site_analysis.h"

#include <cstdint>
#include <cstring>

#include "instruction_length.h"

namespace cella::rewrite {
namespace {

bool rel32_to(std::uint64_t next_instruction, std::uint64_t target, std::int32_t& out) {
    auto distance = static_cast<std::int64_t>(target - next_instruction);
    if (distance < INT32_MIN || distance > INT32_MAX) return false;
    out = static_cast<std::int32_t>(distance);
    return true;
}

}  // namespace

namespace {

bool short_reach(std::size_t jump_offset, std::size_t target) {
    auto distance = static_cast<std::int64_t>(target) - static_cast<std::int64_t>(jump_offset + kShortJumpLength);
    return distance >= -128 && distance <= 127;
}

// Dead bytes for a 2-byte prefix's island: after an instruction that never
// falls through, up to the next instruction a branch targets. Returns
// kNoIsland when the function has an indirect jump (its targets are
// unknown) or no such stretch of kJumpLength bytes is in reach.
std::size_t find_island(std::span<const std::uint8_t> code, std::size_t prefix_offset,
                        std::span<const std::size_t> used) {
    constexpr std::size_t kMaxTargets = 512;
    std::size_t targets[kMaxTargets];
    std::size_t target_count = 0;
    // Pass 1: every direct branch target inside the function.
    for (std::size_t at = 0; at < code.size();) {
        Instruction insn;
        if (!decode_instruction(code.subspan(at), insn)) return kNoIsland;
        if (insn.indirect_jump) return kNoIsland;
        if (insn.has_target) {
            auto target = static_cast<std::int64_t>(at + insn.length) + insn.target_displacement;
            if (target >= 0 && static_cast<std::size_t>(target) < code.size()) {
                if (target_count == kMaxTargets) return kNoIsland;
                targets[target_count++] = static_cast<std::size_t>(target);
            }
        }
        at += insn.length;
    }
    auto targeted = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = 0; i < target_count; ++i)
            if (targets[i] >= begin && targets[i] < end) return true;
        return false;
    };
    // Pass 2: stretches after an instruction that never falls through.
    bool dead = false;
    std::size_t dead_start = 0;
    for (std::size_t at = 0; at <= code.size();) {
        bool live = at == code.size() || targeted(at, at + 1);
        if (dead && live) {
            // [dead_start, at) is unreachable; take its first 5 bytes.
            std::size_t island = dead_start;
            bool taken = false;
            for (std::size_t u : used) taken |= u + kJumpLength > island && island + kJumpLength > u;
            if (at - island >= kJumpLength && !taken && short_reach(prefix_offset, island)) return island;
            dead = false;
        }
        if (at == code.size()) break;
        Instruction insn;
        if (!decode_instruction(code.subspan(at), insn)) return kNoIsland;
        if (!dead && insn.ends_flow) {
            dead = true;
            dead_start = at + insn.length;
        }
        at += insn.length;
    }
    return kNoIsland;
}

}  // namespace

bool plan_site(std::span<const std::uint8_t> code, std::size_t site_offset, SitePlan& out, bool whole_function,
               std::span<const std::size_t> used_islands) {
    if (site_offset + 2 > code.size() || code[site_offset] != 0x0f || code[site_offset + 1] != 0x05) return false;
    std::size_t at = 0, previous = 0;
    Instruction last{};
    while (at < site_offset) {
        Instruction insn;
        if (!decode_instruction(code.subspan(at), insn)) return false;
        previous = at;
        last = insn;
        at += insn.length;
    }
    if (at != site_offset || at == 0 || last.rip_relative || last.changes_flow) return false;
    if (last.length >= kJumpLength) {
        out = SitePlan{previous, last.length, kNoIsland};
        return true;
    }
    if (last.length < kShortJumpLength || !whole_function) return false;
    std::size_t island = find_island(code, previous, used_islands);
    if (island == kNoIsland || (island < site_offset + 2 && island + kJumpLength > previous)) return false;
    out = SitePlan{previous, last.length, island};
    return true;
}

bool within_jump_reach(std::uint64_t from, std::uint64_t to) {
    std::int32_t unused;
    return rel32_to(from + kJumpLength, to, unused);
}

bool build_short_jump(std::uint64_t from, std::uint64_t to, std::span<std::uint8_t, kShortJumpLength> out) {
    auto distance = static_cast<std::int64_t>(to - (from + kShortJumpLength));
    if (distance < -128 || distance > 127) return false;
    out[0] = 0xeb;
    out[1] = static_cast<std::uint8_t>(static_cast<std::int8_t>(distance));
    return true;
}

bool build_jump(std::uint64_t from, std::uint64_t to, std::span<std::uint8_t, kJumpLength> out) {
    std::int32_t rel;
    if (!rel32_to(from + kJumpLength, to, rel)) return false;
    out[0] = 0xe9;
    std::memcpy(&out[1], &rel, 4);
    return true;
}

std::size_t build_trampoline(std::span<const std::uint8_t> prefix, std::uint64_t trampoline_address,
                             std::uint64_t return_address, std::uint32_t entry_offset,
                             std::span<std::uint8_t, kTrampolineSize> out) {
    constexpr std::size_t kLeaLength = 7, kGsJumpLength = 8;
    if (prefix.size() + kLeaLength + kGsJumpLength > kTrampolineSize) return 0;
    std::memset(out.data(), 0xcc, out.size());
    std::size_t at = prefix.size();
    std::memcpy(out.data(), prefix.data(), at);
    // lea rel32(%rip), %rcx
    std::int32_t rel;
    if (!rel32_to(trampoline_address + at + kLeaLength, return_address, rel)) return 0;
    const std::uint8_t lea[] = {0x48, 0x8d, 0x0d};
    std::memcpy(out.data() + at, lea, sizeof lea);
    std::memcpy(out.data() + at + 3, &rel, 4);
    at += kLeaLength;
    // jmp *%gs:entry_offset
    const std::uint8_t jump[] = {0x65, 0xff, 0x24, 0x25};
    std::memcpy(out.data() + at, jump, sizeof jump);
    std::memcpy(out.data() + at + 4, &entry_offset, 4);
    at += kGsJumpLength;
    return at;
}

}  // namespace cella::rewrite
