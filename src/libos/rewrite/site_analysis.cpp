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

bool plan_site(std::span<const std::uint8_t> code, std::size_t site_offset, SitePlan& out) {
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
    if (at != site_offset || last.length < kJumpLength || last.rip_relative || last.changes_flow) return false;
    out = SitePlan{previous, last.length};
    return true;
}

bool within_jump_reach(std::uint64_t from, std::uint64_t to) {
    std::int32_t unused;
    return rel32_to(from + kJumpLength, to, unused);
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
