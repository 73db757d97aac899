#include "function_bounds.h"

#include <elf.h>

#include <cstring>

namespace cella::rewrite {
namespace {

constexpr std::uint32_t kGnuEhFrame = 0x6474e550;
constexpr unsigned kMaxSegments = 64;

// DWARF pointer encodings (the low nibble is the format, the high one how
// it is applied).
constexpr std::uint8_t kEncAbsolute = 0x00, kEncUleb = 0x01, kEncUdata2 = 0x02, kEncUdata4 = 0x03,
                       kEncUdata8 = 0x04, kEncSleb = 0x09, kEncSdata2 = 0x0a, kEncSdata4 = 0x0b,
                       kEncSdata8 = 0x0c;
constexpr std::uint8_t kEncPcrel = 0x10, kEncDatarel = 0x30;
constexpr std::uint8_t kEncOmit = 0xff;

struct Segments {
    Elf64_Phdr loads[kMaxSegments];
    unsigned count = 0;
    bool vaddr_to_offset(std::uint64_t vaddr, std::uint64_t& offset) const {
        for (unsigned i = 0; i < count; ++i) {
            const Elf64_Phdr& p = loads[i];
            if (vaddr >= p.p_vaddr && vaddr < p.p_vaddr + p.p_filesz) {
                offset = vaddr - p.p_vaddr + p.p_offset;
                return true;
            }
        }
        return false;
    }
};

template <typename T>
bool read_value(FileBytes& file, std::uint64_t offset, T& out) {
    std::uint8_t bytes[sizeof(T)];
    if (!file.read(offset, bytes)) return false;
    std::memcpy(&out, bytes, sizeof(T));
    return true;
}

// Reads encoded values from a small buffer of a record (a CIE or FDE).
struct RecordReader {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t at = 0;
    std::uint64_t base_vaddr;  // vaddr of data[0], for pc-relative values
    bool ok = true;

    std::uint8_t byte() {
        if (at >= size) {
            ok = false;
            return 0;
        }
        return data[at++];
    }
    std::uint64_t fixed(std::size_t n) {
        std::uint64_t v = 0;
        if (size - at < n || at > size) {
            ok = false;
            return 0;
        }
        std::memcpy(&v, data + at, n);
        at += n;
        return v;
    }
    std::uint64_t uleb() {
        std::uint64_t v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            std::uint8_t b = byte();
            v |= std::uint64_t{b & 0x7fu} << shift;
            if (!(b & 0x80)) return v;
        }
        ok = false;
        return 0;
    }
    std::int64_t sleb() {
        std::int64_t v = 0;
        unsigned shift = 0;
        std::uint8_t b;
        do {
            b = byte();
            v |= std::int64_t{b & 0x7f} << shift;
            shift += 7;
        } while ((b & 0x80) && shift < 64 && ok);
        if (shift < 64 && (b & 0x40)) v |= -(std::int64_t{1} << shift);
        return v;
    }
    // An encoded pointer; `apply` adds the pc-relative base when asked.
    std::uint64_t pointer(std::uint8_t encoding, bool apply = true) {
        std::uint64_t field_vaddr = base_vaddr + at;
        std::uint64_t v;
        switch (encoding & 0x0f) {
        case kEncAbsolute:
        case kEncUdata8:
        case kEncSdata8: v = fixed(8); break;
        case kEncUleb: v = uleb(); break;
        case kEncUdata2: v = fixed(2); break;
        case kEncSdata2: v = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int16_t>(fixed(2)))); break;
        case kEncUdata4: v = fixed(4); break;
        case kEncSdata4: v = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(fixed(4)))); break;
        case kEncSleb: v = static_cast<std::uint64_t>(sleb()); break;
        default: ok = false; return 0;
        }
        if (!apply) return v;
        switch (encoding & 0x70) {
        case 0: return v;
        case kEncPcrel: return v + field_vaddr;
        default: ok = false; return 0;  // textrel/datarel/funcrel do not occur in .eh_frame FDEs
        }
    }
};

constexpr std::size_t kRecordBuffer = 512;

// Reads the record (CIE or FDE) at `vaddr`: its length field, then up to
// kRecordBuffer bytes of its body.
bool read_record(FileBytes& file, const Segments& segments, std::uint64_t vaddr, std::uint8_t* buffer,
                 std::size_t& body_size, std::uint64_t& body_vaddr) {
    std::uint64_t offset;
    if (!segments.vaddr_to_offset(vaddr, offset)) return false;
    std::uint32_t length32;
    if (!read_value(file, offset, length32) || length32 == 0) return false;
    std::uint64_t length = length32;
    std::uint64_t header = 4;
    if (length32 == 0xffffffffu) {
        if (!read_value(file, offset + 4, length)) return false;
        header = 12;
    }
    body_size = length < kRecordBuffer ? length : kRecordBuffer;
    body_vaddr = vaddr + header;
    return file.read(offset + header, std::span<std::uint8_t>(buffer, body_size)) && header == 4;
}

// The FDE pointer encoding a CIE declares ('R' in its augmentation), and
// whether its FDEs carry augmentation data and an LSDA pointer ('z', 'L').
struct CieFacts {
    std::uint8_t encoding = kEncAbsolute;
    bool has_data = false;
    bool has_lsda = false;
    std::uint8_t lsda_encoding = kEncOmit;
};

bool fde_encoding_of(FileBytes& file, const Segments& segments, std::uint64_t cie_vaddr, CieFacts& facts) {
    std::uint8_t& encoding = facts.encoding;
    std::uint8_t buffer[kRecordBuffer];
    std::size_t size;
    std::uint64_t body_vaddr;
    if (!read_record(file, segments, cie_vaddr, buffer, size, body_vaddr)) return false;
    RecordReader r{buffer, size, 0, body_vaddr};
    if (r.fixed(4) != 0) return false;  // CIE id
    std::uint8_t version = r.byte();
    char augmentation[16];
    std::size_t n = 0;
    for (char ch; (ch = static_cast<char>(r.byte())) != '\0' && r.ok;) {
        if (n + 1 >= sizeof augmentation) return false;
        augmentation[n++] = ch;
    }
    augmentation[n] = '\0';
    (void)r.uleb();  // code alignment
    (void)r.sleb();  // data alignment
    if (version == 1) (void)r.byte(); else (void)r.uleb();  // return address register
    encoding = kEncAbsolute;
    if (augmentation[0] != 'z') return r.ok && n == 0;
    facts.has_data = true;
    (void)r.uleb();  // augmentation data length
    for (std::size_t i = 1; i < n; ++i) {
        switch (augmentation[i]) {
        case 'R': encoding = r.byte(); break;
        case 'L':
            facts.has_lsda = true;
            facts.lsda_encoding = r.byte();
            break;
        case 'P': {
            std::uint8_t personality = r.byte();
            (void)r.pointer(personality, false);
            break;
        }
        case 'S':
        case 'B':
        case 'G': break;
        default: return false;
        }
    }
    return r.ok;
}

}  // namespace

bool find_function(FileBytes& file, std::uint64_t where, FunctionBounds& out) {
    Elf64_Ehdr eh;
    if (!read_value(file, 0, eh)) return false;
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > kMaxSegments)
        return false;
    Segments segments;
    const Elf64_Phdr* eh_frame = nullptr;
    Elf64_Phdr eh_frame_copy;
    std::uint64_t pc = 0;
    bool in_code = false;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr p;
        if (!read_value(file, eh.e_phoff + i * sizeof p, p)) return false;
        if (p.p_type == PT_LOAD) {
            segments.loads[segments.count++] = p;
            if (!(p.p_flags & PF_X)) continue;
            if (where >= p.p_offset && where < p.p_offset + p.p_filesz) {
                pc = where - p.p_offset + p.p_vaddr;
                in_code = true;
            }
        } else if (p.p_type == kGnuEhFrame) {
            eh_frame_copy = p;
            eh_frame = &eh_frame_copy;
        }
    }
    if (!in_code || !eh_frame) return false;

    // .eh_frame_hdr: version, three encodings, eh_frame_ptr, fde_count, table.
    std::uint8_t header[4];
    if (!file.read(eh_frame->p_offset, header) || header[0] != 1) return false;
    if (header[3] != (kEncDatarel | kEncSdata4) || header[2] == kEncOmit) return false;
    std::uint64_t cursor = eh_frame->p_offset + 4;
    std::size_t pointer_size = (header[1] & 0x0f) == kEncUdata8 || (header[1] & 0x0f) == kEncSdata8 ? 8 : 4;
    if ((header[1] & 0x0f) != kEncSdata4 && (header[1] & 0x0f) != kEncUdata4 && pointer_size != 8) return false;
    cursor += pointer_size;
    if ((header[2] & 0x0f) != kEncUdata4 && (header[2] & 0x0f) != kEncSdata4) return false;
    std::uint32_t count;
    if (!read_value(file, cursor, count) || count == 0) return false;
    cursor += 4;
    std::uint64_t table = cursor;
    std::uint64_t hdr_vaddr = eh_frame->p_vaddr;

    // The last entry whose initial location is <= pc.
    std::uint32_t low = 0, high = count;
    std::int32_t entry[2] = {};
    bool found = false;
    while (low < high) {
        std::uint32_t mid = low + (high - low) / 2;
        std::int32_t candidate[2];
        if (!read_value(file, table + std::uint64_t{mid} * 8, candidate)) return false;
        if (hdr_vaddr + static_cast<std::uint64_t>(static_cast<std::int64_t>(candidate[0])) <= pc) {
            entry[0] = candidate[0];
            entry[1] = candidate[1];
            found = true;
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    if (!found) return false;

    std::uint64_t fde_vaddr = hdr_vaddr + static_cast<std::uint64_t>(static_cast<std::int64_t>(entry[1]));
    std::uint8_t buffer[kRecordBuffer];
    std::size_t size;
    std::uint64_t body_vaddr;
    if (!read_record(file, segments, fde_vaddr, buffer, size, body_vaddr)) return false;
    RecordReader r{buffer, size, 0, body_vaddr};
    auto cie_pointer = static_cast<std::uint32_t>(r.fixed(4));
    if (!r.ok || cie_pointer == 0) return false;
    std::uint64_t cie_vaddr = body_vaddr - cie_pointer;
    CieFacts cie;
    if (!fde_encoding_of(file, segments, cie_vaddr, cie)) return false;
    std::uint64_t start = r.pointer(cie.encoding);
    std::uint64_t range = r.pointer(cie.encoding & 0x0f, false);
    if (!r.ok || pc < start || pc - start >= range) return false;
    bool landing_pads = false;
    if (cie.has_data) {
        (void)r.uleb();
        if (cie.has_lsda && cie.lsda_encoding != kEncOmit) landing_pads = r.pointer(cie.lsda_encoding, false) != 0;
        if (!r.ok) return false;
    }
    std::uint64_t start_offset;
    if (!segments.vaddr_to_offset(start, start_offset)) return false;
    out = FunctionBounds{start, start + range, start_offset, landing_pads};
    return true;
}

}  // namespace cella::rewrite
