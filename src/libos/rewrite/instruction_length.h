#pragma once
// The length of one x86-64 instruction, and the few facts about it that
// decide whether it may be moved elsewhere. Syscall-site rewriting decodes
// a function from its start to prove where instruction boundaries lie:
// bytes before a `syscall` read backwards are ambiguous, a forward decode
// from a known start is not.
#include <cstddef>
#include <cstdint>
#include <span>

namespace cella::rewrite {

struct Instruction {
    std::uint8_t length = 0;
    bool rip_relative = false;    // a ModRM memory operand addressed from rip
    bool changes_flow = false;    // jmp, jcc, call, ret, loop, syscall, int, ...
    // Execution never falls through to the next instruction (ret, jmp, ud2, int3, hlt).
    bool ends_flow = false;
    bool indirect_jump = false;   // jmp through a register or memory (a jump table, perhaps)
    // A direct branch or call: the target, relative to the next instruction.
    bool has_target = false;
    std::int32_t target_displacement = 0;
};

// Decodes the instruction at the start of `code`. Returns false for bytes
// that are not a valid 64-bit instruction this decoder knows, or that run
// past the end of `code`.
bool decode_instruction(std::span<const std::uint8_t> code, Instruction& out);

}  // namespace cella::rewrite
