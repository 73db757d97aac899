#include "instruction_length.h"

namespace cella::rewrite {
namespace {

// A set of opcode bytes, built from ranges at compile time.
struct ByteSet {
    std::uint64_t bits[4] = {};
    constexpr ByteSet& add(unsigned first, unsigned last) {
        for (unsigned b = first; b <= last; ++b) bits[b / 64] |= std::uint64_t{1} << (b % 64);
        return *this;
    }
    constexpr ByteSet& add(unsigned b) { return add(b, b); }
    constexpr bool has(std::uint8_t b) const { return bits[b / 64] >> (b % 64) & 1; }
};

constexpr ByteSet alu_block(ByteSet set, unsigned first_of_modrm_forms) {
    // The eight ALU groups at 00, 08, ... 38 share a shape: four ModRM forms,
    // then AL,imm8 and eAX,immz.
    for (unsigned base = 0; base < 0x40; base += 8) set.add(base + first_of_modrm_forms, base + first_of_modrm_forms + 3);
    return set;
}

constexpr ByteSet kOneByteModrm = alu_block(ByteSet{}, 0)
                                      .add(0x63)
                                      .add(0x69)
                                      .add(0x6b)
                                      .add(0x80, 0x8f)
                                      .add(0xc0, 0xc1)
                                      .add(0xc6, 0xc7)
                                      .add(0xd0, 0xd3)
                                      .add(0xd8, 0xdf)
                                      .add(0xf6, 0xf7)
                                      .add(0xfe, 0xff);
constexpr ByteSet kOneByteInvalid = ByteSet{}
                                        .add(0x06, 0x07)
                                        .add(0x0e)
                                        .add(0x16, 0x17)
                                        .add(0x1e, 0x1f)
                                        .add(0x27)
                                        .add(0x2f)
                                        .add(0x37)
                                        .add(0x3f)
                                        .add(0x60, 0x61)
                                        .add(0x82)
                                        .add(0x9a)
                                        .add(0xd4, 0xd6)
                                        .add(0xea);
constexpr ByteSet kOneByteImm8 = ByteSet{}
                                     .add(0x04)
                                     .add(0x0c)
                                     .add(0x14)
                                     .add(0x1c)
                                     .add(0x24)
                                     .add(0x2c)
                                     .add(0x34)
                                     .add(0x3c)
                                     .add(0x6a, 0x6b)
                                     .add(0x70, 0x7f)
                                     .add(0x80)
                                     .add(0x83)
                                     .add(0xa8)
                                     .add(0xb0, 0xb7)
                                     .add(0xc0, 0xc1)
                                     .add(0xc6)
                                     .add(0xcd)
                                     .add(0xe0, 0xe7)
                                     .add(0xeb);
constexpr ByteSet kOneByteImmz = ByteSet{}
                                     .add(0x05)
                                     .add(0x0d)
                                     .add(0x15)
                                     .add(0x1d)
                                     .add(0x25)
                                     .add(0x2d)
                                     .add(0x35)
                                     .add(0x3d)
                                     .add(0x68, 0x69)
                                     .add(0x81)
                                     .add(0xa9)
                                     .add(0xc7);
constexpr ByteSet kOneByteFlow =
    ByteSet{}.add(0x70, 0x7f).add(0xc2, 0xc3).add(0xca, 0xcf).add(0xe0, 0xe3).add(0xe8, 0xe9).add(0xeb).add(0xf1);

constexpr ByteSet kTwoByteNoModrm = ByteSet{}
                                        .add(0x05, 0x09)
                                        .add(0x0b)
                                        .add(0x30, 0x37)
                                        .add(0x77)
                                        .add(0x80, 0x8f)
                                        .add(0xa0, 0xa2)
                                        .add(0xa8, 0xaa)
                                        .add(0xc8, 0xcf);
constexpr ByteSet kTwoByteInvalid =
    ByteSet{}.add(0x04).add(0x0a).add(0x0c).add(0x24, 0x27).add(0x36).add(0x39).add(0x3b, 0x3f).add(0x7a, 0x7b).add(0xa6, 0xa7);
constexpr ByteSet kTwoByteImm8 = ByteSet{}.add(0x70, 0x73).add(0xa4).add(0xac).add(0xba).add(0xc2).add(0xc4, 0xc6);
constexpr ByteSet kTwoByteFlow = ByteSet{}.add(0x05).add(0x07).add(0x0b).add(0x34, 0x35).add(0x80, 0x8f);

bool is_legacy_prefix(std::uint8_t b) {
    return b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 ||
           b == 0x65 || b == 0x66 || b == 0x67;
}

// Cursor over the bytes being decoded; every read is bounds-checked.
struct Cursor {
    std::span<const std::uint8_t> code;
    std::size_t at = 0;
    bool ok = true;
    std::uint8_t next() {
        if (at >= code.size()) {
            ok = false;
            return 0;
        }
        return code[at++];
    }
    void skip(std::size_t n) {
        if (code.size() - at < n) ok = false;
        else at += n;
    }
};

// ModRM and what follows it (SIB, displacement). Returns the ModRM byte.
std::uint8_t read_modrm(Cursor& c, Instruction& out) {
    std::uint8_t modrm = c.next();
    unsigned mod = modrm >> 6, rm = modrm & 7;
    if (mod == 3) return modrm;
    if (rm == 4) {
        std::uint8_t sib = c.next();
        if (mod == 0 && (sib & 7) == 5) c.skip(4);
    } else if (mod == 0 && rm == 5) {
        out.rip_relative = true;
        c.skip(4);
    }
    if (mod == 1) c.skip(1);
    if (mod == 2) c.skip(4);
    return modrm;
}

bool imm8_in_0f_map(std::uint8_t opcode) { return kTwoByteImm8.has(opcode); }

// VEX (c4/c5) and EVEX (62): the map comes from the prefix, ModRM always
// follows the opcode (but VEX 0f 77, vzeroupper/vzeroall).
bool decode_vector(Cursor& c, std::uint8_t escape, Instruction& out) {
    unsigned map = 1;
    if (escape == 0xc5) {
        c.next();
    } else if (escape == 0xc4) {
        map = c.next() & 0x1f;
        c.next();
        if (map < 1 || map > 3) return false;
    } else {
        map = c.next() & 0x07;
        c.next();
        c.next();
        if (map == 0 || map == 4 || map == 7) return false;
    }
    std::uint8_t opcode = c.next();
    if (!c.ok) return false;
    if (escape != 0x62 && map == 1 && opcode == 0x77) return true;
    read_modrm(c, out);
    if (map == 3 || (map == 1 && imm8_in_0f_map(opcode))) c.skip(1);
    return c.ok;
}

bool decode_two_byte(Cursor& c, bool operand16, bool rep_prefix, Instruction& out) {
    std::uint8_t opcode = c.next();
    if (!c.ok) return false;
    if (opcode == 0x38 || opcode == 0x3a) {
        c.next();
        read_modrm(c, out);
        if (opcode == 0x3a) c.skip(1);
        return c.ok;
    }
    if (kTwoByteInvalid.has(opcode)) return false;
    // EXTRQ/INSERTQ (66/f2 0f 78) carry two immediates; too rare to matter.
    if (opcode == 0x78 && (operand16 || rep_prefix)) return false;
    out.changes_flow = kTwoByteFlow.has(opcode);
    if (opcode >= 0x80 && opcode <= 0x8f) {
        std::size_t at = c.at;
        c.skip(4);
        if (!c.ok) return false;
        out.has_target = true;
        std::int32_t rel;
        __builtin_memcpy(&rel, c.code.data() + at, 4);
        out.target_displacement = rel;
        return true;
    }
    if (opcode == 0x0b) out.ends_flow = true;  // ud2
    if (kTwoByteNoModrm.has(opcode)) return c.ok;
    std::uint8_t modrm = read_modrm(c, out);
    if (opcode == 0x0f) c.skip(1);  // 3DNow!: the opcode is an imm8 suffix
    if (opcode == 0x01 && (modrm == 0xc1 || modrm == 0xc2 || modrm == 0xc3 || modrm == 0xd9)) out.changes_flow = true;
    if (kTwoByteImm8.has(opcode)) c.skip(1);
    return c.ok;
}

}  // namespace

bool decode_instruction(std::span<const std::uint8_t> code, Instruction& out) {
    out = Instruction{};
    Cursor c{code.size() > 15 ? code.first(15) : code};
    bool operand16 = false, address32 = false, rep_prefix = false, rex_w = false;
    std::uint8_t b = c.next();
    while (c.ok && is_legacy_prefix(b)) {
        operand16 |= b == 0x66;
        address32 |= b == 0x67;
        rep_prefix |= b == 0xf2 || b == 0xf3;
        b = c.next();
    }
    if (c.ok && (b & 0xf0) == 0x40) {
        rex_w = b & 8;
        b = c.next();
        if (is_legacy_prefix(b) || (b & 0xf0) == 0x40) return false;
    }
    if (!c.ok) return false;
    std::size_t immz = operand16 && !rex_w ? 2 : 4;

    if (b == 0x0f) {
        if (!decode_two_byte(c, operand16, rep_prefix, out)) return false;
    } else if (b == 0xc4 || b == 0xc5 || b == 0x62) {
        if (!decode_vector(c, b, out)) return false;
    } else if (kOneByteInvalid.has(b)) {
        return false;
    } else {
        out.changes_flow = kOneByteFlow.has(b);
        if (b == 0x8f) {
            // POP r/m, unless ModRM.reg is nonzero: then it is AMD's XOP.
            if (c.at >= c.code.size() || (c.code[c.at] >> 3 & 7) != 0) return false;
        }
        if (kOneByteModrm.has(b)) {
            std::uint8_t modrm = read_modrm(c, out);
            unsigned reg = modrm >> 3 & 7;
            if ((b == 0xf6 || b == 0xf7) && reg <= 1) c.skip(b == 0xf6 ? 1 : immz);
            if (b == 0xff && reg >= 2 && reg <= 5) out.changes_flow = true;
            if (b == 0xff && (reg == 4 || reg == 5)) out.indirect_jump = out.ends_flow = true;
        }
        std::size_t immediate_at = c.at;
        if (kOneByteImm8.has(b)) c.skip(1);
        if (kOneByteImmz.has(b)) c.skip(immz);
        if (b >= 0xb8 && b <= 0xbf) c.skip(rex_w ? 8 : immz);
        if (b == 0xe8 || b == 0xe9) c.skip(4);
        if (c.ok && ((b >= 0x70 && b <= 0x7f) || (b >= 0xe0 && b <= 0xe3) || b == 0xeb)) {
            out.has_target = true;
            out.target_displacement = static_cast<std::int8_t>(c.code[immediate_at]);
        }
        if (c.ok && (b == 0xe8 || b == 0xe9)) {
            out.has_target = true;
            std::int32_t rel;
            __builtin_memcpy(&rel, c.code.data() + immediate_at, 4);
            out.target_displacement = rel;
        }
        if (b == 0xc2 || b == 0xc3 || b == 0xca || b == 0xcb || b == 0xcf || b == 0xe9 || b == 0xeb || b == 0xcc ||
            b == 0xf4)
            out.ends_flow = true;
        if (b == 0xc2 || b == 0xca) c.skip(2);
        if (b == 0xc8) c.skip(3);
        if (b >= 0xa0 && b <= 0xa3) c.skip(address32 ? 4 : 8);
    }
    if (!c.ok) return false;
    out.length = static_cast<std::uint8_t>(c.at);
    return true;
}

}  // namespace cella::rewrite
