// The syscall-site rewriter's pure parts on real code: the instruction
// decoder, the unwind-table lookup and the site planner, run over
// Debian's own libc.so.6 and ld.so.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "libos/rewrite/function_bounds.h"
#include "libos/rewrite/instruction_length.h"
#include "libos/rewrite/site_analysis.h"

namespace cella::rewrite {
namespace {

class VectorBytes final : public FileBytes {
public:
    explicit VectorBytes(std::vector<std::uint8_t> data) : data_(std::move(data)) {}
    bool read(std::uint64_t offset, std::span<std::uint8_t> out) override {
        if (offset > data_.size() || data_.size() - offset < out.size()) return false;
        std::memcpy(out.data(), data_.data() + offset, out.size());
        return true;
    }
    const std::vector<std::uint8_t>& data() const { return data_; }

private:
    std::vector<std::uint8_t> data_;
};

std::vector<std::uint8_t> load(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t length_of(std::vector<std::uint8_t> bytes) {
    Instruction insn;
    if (!decode_instruction(bytes, insn)) return 0;
    return insn.length;
}

TEST(InstructionLength, KnownEncodings) {
    EXPECT_EQ(length_of({0xb8, 0x27, 0, 0, 0}), 5u);                          // mov $39,%eax
    EXPECT_EQ(length_of({0x48, 0xc7, 0xc0, 0xe7, 0, 0, 0}), 7u);              // mov $231,%rax
    EXPECT_EQ(length_of({0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}), 10u);          // movabs
    EXPECT_EQ(length_of({0x66, 0xb8, 1, 2}), 4u);                             // mov $imm16,%ax
    EXPECT_EQ(length_of({0xf3, 0x0f, 0x1e, 0xfa}), 4u);                       // endbr64
    EXPECT_EQ(length_of({0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}), 10u);  // nopw %cs:0(%rax,%rax)
    EXPECT_EQ(length_of({0x48, 0x8b, 0x44, 0x24, 0x08}), 5u);                 // mov 8(%rsp),%rax
    EXPECT_EQ(length_of({0x62, 0xf1, 0xfd, 0x48, 0x6f, 0x44, 0x24, 0x01}), 8u);  // vmovdqa64 0x40(%rsp),%zmm0
    EXPECT_EQ(length_of({0xc5, 0xfd, 0x6f, 0x05, 0, 0, 0, 0}), 8u);           // vmovdqa rip(%rip),%ymm0
    EXPECT_EQ(length_of({0xc4, 0xe3, 0x7d, 0x18, 0xc1, 0x01}), 6u);           // vinsertf128 $1
    EXPECT_EQ(length_of({0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08}), 6u);           // palignr $8
    EXPECT_EQ(length_of({0xf7, 0xc7, 0, 1, 0, 0}), 6u);                       // test $0x100,%edi
    EXPECT_EQ(length_of({0xf6, 0xc2, 0x01}), 3u);                             // test $1,%dl
    EXPECT_EQ(length_of({0xc8, 0x10, 0, 0}), 4u);                             // enter
    EXPECT_EQ(length_of({0x0f, 0x05}), 2u);                                   // syscall
    EXPECT_EQ(length_of({0x06}), 0u);                                         // push %es: invalid in 64-bit
    EXPECT_EQ(length_of({0xb8, 0x27, 0}), 0u);                                // truncated

    Instruction insn;
    std::vector<std::uint8_t> rip_load{0x48, 0x8b, 0x05, 1, 2, 3, 4};  // mov x(%rip),%rax
    ASSERT_TRUE(decode_instruction(rip_load, insn));
    EXPECT_TRUE(insn.rip_relative);
    std::vector<std::uint8_t> call_r11{0x41, 0xff, 0xd3};
    ASSERT_TRUE(decode_instruction(call_r11, insn));
    EXPECT_TRUE(insn.changes_flow);
    std::vector<std::uint8_t> syscall{0x0f, 0x05};
    ASSERT_TRUE(decode_instruction(syscall, insn));
    EXPECT_TRUE(insn.changes_flow);
}

// Every function the unwind table of a real library names decodes from
// its start to exactly its end, and its syscall sites are planned.
struct LibraryScan {
    std::size_t functions = 0, decoded = 0, sites = 0, planned = 0, islands = 0;
};

LibraryScan scan_library(const char* path) {
    VectorBytes file(load(path));
    LibraryScan scan;
    const auto& data = file.data();
    if (data.size() < sizeof(Elf64_Ehdr)) return scan;
    Elf64_Ehdr eh;
    std::memcpy(&eh, data.data(), sizeof eh);
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr p;
        std::memcpy(&p, data.data() + eh.e_phoff + i * sizeof p, sizeof p);
        if (p.p_type != PT_LOAD || !(p.p_flags & PF_X)) continue;
        std::uint64_t offset = p.p_offset;
        while (offset < p.p_offset + p.p_filesz) {
            FunctionBounds function;
            if (!find_function(file, offset, function)) {
                ++offset;
                continue;
            }
            ++scan.functions;
            std::span<const std::uint8_t> code(data.data() + function.file_offset, function.end - function.start);
            std::size_t at = 0;
            bool ok = true;
            while (at < code.size()) {
                Instruction insn;
                if (!decode_instruction(code.subspan(at), insn)) {
                    ok = false;
                    break;
                }
                if (code[at] == 0x0f && at + 1 < code.size() && code[at + 1] == 0x05 && insn.length == 2) {
                    ++scan.sites;
                    SitePlan plan;
                    if (plan_site(code, at, plan, true)) {
                        ++scan.planned;
                        EXPECT_EQ(plan.prefix_offset + plan.prefix_length, at);
                        if (plan.island_offset != kNoIsland) {
                            ++scan.islands;
                            // Dead bytes: after the function's last reachable instruction before them.
                            EXPECT_TRUE(plan.island_offset + kJumpLength <= plan.prefix_offset ||
                                        plan.island_offset >= at + 2);
                        }
                    }
                }
                at += insn.length;
            }
            if (ok && at == code.size()) ++scan.decoded;
            offset = function.file_offset + (function.end - function.start);
        }
    }
    return scan;
}

TEST(SiteAnalysis, DebianLibc) {
    LibraryScan scan = scan_library("/lib/x86_64-linux-gnu/libc.so.6");
    std::printf("libc.so.6: %zu functions, %zu decoded to their end, %zu syscall sites, %zu rewritable (%zu through an island)\n",
                scan.functions, scan.decoded, scan.sites, scan.planned, scan.islands);
    ASSERT_GT(scan.functions, 2000u);
    // Every function decodes cleanly to its end.
    EXPECT_GE(scan.decoded * 1000, scan.functions * 999) << scan.decoded << " of " << scan.functions;
    EXPECT_GT(scan.sites, 300u);
    // Most sites have a movable instruction of 5 bytes or more before them.
    EXPECT_GE(scan.planned * 10, scan.sites * 7) << scan.planned << " of " << scan.sites;
}

TEST(SiteAnalysis, DebianLoader) {
    LibraryScan scan = scan_library("/lib64/ld-linux-x86-64.so.2");
    ASSERT_GT(scan.functions, 100u);
    EXPECT_GE(scan.decoded * 100, scan.functions * 99);
    EXPECT_GT(scan.planned, 10u);
}

TEST(SiteAnalysis, RefusesWhatItCannotProve) {
    SitePlan plan;
    // mov $39,%eax; syscall: the mov moves.
    std::vector<std::uint8_t> simple{0xb8, 0x27, 0, 0, 0, 0x0f, 0x05};
    ASSERT_TRUE(plan_site(simple, 5, plan));
    EXPECT_EQ(plan.prefix_offset, 0u);
    EXPECT_EQ(plan.prefix_length, 5u);
    // xor %eax,%eax; syscall: too short to hold a jump, and no dead bytes near.
    std::vector<std::uint8_t> short_prefix{0x31, 0xc0, 0x0f, 0x05};
    EXPECT_FALSE(plan_site(short_prefix, 2, plan, true));
    // ... with 8 dead bytes after a ret: an island (what glibc's read has).
    std::vector<std::uint8_t> with_padding{0x31, 0xc0, 0x0f, 0x05, 0xc3, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0,
                                           0x31, 0xc0, 0xc3};
    ASSERT_TRUE(plan_site(with_padding, 2, plan, true));
    EXPECT_EQ(plan.prefix_length, 2u);
    EXPECT_EQ(plan.island_offset, 5u);
    // Taken by another site already: no island left.
    const std::size_t taken[] = {5};
    EXPECT_FALSE(plan_site(with_padding, 2, plan, true, taken));
    // Not the whole function, or a branch into the padding: refused.
    EXPECT_FALSE(plan_site(with_padding, 2, plan, false));
    std::vector<std::uint8_t> padding_targeted{0x74, 0x03, 0x31, 0xc0, 0x0f, 0x05, 0xc3, 0x90, 0x90, 0x90,
                                               0x90, 0x90, 0x90, 0xc3};
    // je +3 lands at offset 5 (the syscall); the padding after the ret at 6 is dead.
    ASSERT_TRUE(plan_site(padding_targeted, 4, plan, true));
    EXPECT_EQ(plan.island_offset, 7u);
    padding_targeted[1] = 0x06;  // je lands inside the padding now: live
    EXPECT_FALSE(plan_site(padding_targeted, 4, plan, true));
    // A function with an indirect jump has branch targets nobody can see.
    std::vector<std::uint8_t> indirect{0x31, 0xc0, 0x0f, 0x05, 0xff, 0xe0, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xc3};
    EXPECT_FALSE(plan_site(indirect, 2, plan, true));
    // mov x(%rip),%eax; syscall: cannot run elsewhere as it is.
    std::vector<std::uint8_t> rip_relative{0x8b, 0x05, 1, 2, 3, 4, 0x0f, 0x05};
    EXPECT_FALSE(plan_site(rip_relative, 6, plan));
    // The decode from the start does not land on the site: refused.
    std::vector<std::uint8_t> misaligned{0x48, 0xb8, 0xb8, 0x27, 0, 0, 0, 0x0f, 0x05, 0, 0x0f, 0x05};
    EXPECT_FALSE(plan_site(misaligned, 7, plan));
}

TEST(SiteAnalysis, TrampolineAndJumpBytes) {
    std::uint8_t slot[kTrampolineSize];
    const std::uint8_t prefix[] = {0xb8, 0x27, 0, 0, 0};
    std::uint64_t trampoline = 0x10000000, site_end = 0x10001007;
    std::size_t n = build_trampoline(prefix, trampoline, site_end, 48, slot);
    ASSERT_EQ(n, 5u + 7 + 8);
    EXPECT_EQ(std::memcmp(slot, prefix, 5), 0);
    EXPECT_EQ(slot[5], 0x48);
    EXPECT_EQ(slot[6], 0x8d);
    EXPECT_EQ(slot[7], 0x0d);
    std::int32_t rel;
    std::memcpy(&rel, slot + 8, 4);
    EXPECT_EQ(trampoline + 12 + rel, site_end);
    EXPECT_EQ(slot[12], 0x65);
    std::uint32_t entry;
    std::memcpy(&entry, slot + 16, 4);
    EXPECT_EQ(entry, 48u);

    std::uint8_t jump[kJumpLength];
    ASSERT_TRUE(build_jump(0x10001000, trampoline, jump));
    EXPECT_EQ(jump[0], 0xe9);
    std::memcpy(&rel, jump + 1, 4);
    EXPECT_EQ(0x10001005 + static_cast<std::int64_t>(rel), static_cast<std::int64_t>(trampoline));
    EXPECT_FALSE(build_jump(0x400000, 0x7f0000000000, jump));
}

}  // namespace
}  // namespace cella::rewrite
